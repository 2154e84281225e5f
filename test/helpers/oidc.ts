/**
 * A stand-in OIDC issuer for tests: a real key pair made by jose, its public JWKS, and ID tokens
 * signed with it (SignJWT), valid for an hour unless a test says otherwise.
 */
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';

export const ISSUER = 'https://issuer.sky.test';
export const AUDIENCE = 'sky-manager';

export interface TestIssuer {
  kid: string;
  jwks: JSONWebKeySet;
  /** The public key as PEM (SPKI): what an algorithm-confusion attacker would use as an HMAC secret. */
  publicKeyPem: string;
  /** An ID token; `claims` over {iss, aud, sub: "alice", groups: ["sky:viewers"]}; exp in an hour unless `exp` is given (seconds). */
  sign(claims?: JWTPayload, options?: { kid?: string | null }): Promise<string>;
}

export async function createTestIssuer(kid = 'key-1', alg = 'RS256'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    jwks: { keys: [jwk] },
    publicKeyPem: await exportSPKI(publicKey),
    async sign(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', groups: ['sky:viewers'], iat: now, exp: now + 3600, ...claims })
        .setProtectedHeader({ alg, typ: 'JWT', ...(options.kid === null ? {} : { kid: options.kid ?? kid }) })
        .sign(privateKey);
    },
  };
}

/** base64url of a JSON value, for hand-built tokens. */
export const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
