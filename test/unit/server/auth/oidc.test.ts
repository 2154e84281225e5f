/**
 * OIDC JWT verification (src/server/auth/oidc.ts) with real keys and real signatures (jose): only a
 * token signed by the issuer's key, for this audience, within its lifetime, passes; each refusal
 * says why in general terms and never quotes the token.
 */
import { createLocalJWKSet, SignJWT } from 'jose';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, JWT_MESSAGES, looksLikeJwt, OidcConfigError, parseJwksFile, type JwtVerifier, type OidcSettings } from '../../../../src/server/auth/oidc.js';
import { AUDIENCE, base64url, createTestIssuer, ISSUER, type TestIssuer } from '../../../helpers/oidc.js';

const logger = pino({ level: 'silent' });
const settings: OidcSettings = { issuer: ISSUER, audience: AUDIENCE, jwks: 'unused', usernameClaim: 'sub', groupsClaim: 'groups', usernamePrefix: '', groupsPrefix: '' };
const now = () => Math.floor(Date.now() / 1000);

let issuer: TestIssuer;
let verifier: JwtVerifier;
const verifierWith = (overrides: Partial<OidcSettings>) => createJwtVerifier({ ...settings, ...overrides }, createLocalJWKSet(issuer.jwks), logger);

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = verifierWith({});
});

/** The refusal of `token`, checked never to quote it. */
async function refusalOf(token: string): Promise<string> {
  const result = await verifier.verify(token);
  if (!('error' in result)) throw new Error(`accepted as ${result.user.name}`);
  expect(result.error).not.toContain(token);
  expect(result.error).not.toContain(token.split('.')[1]);
  return result.error;
}

describe('createJwtVerifier', () => {
  it('accepts a token of the issuer for this audience: the user and groups of the configured claims', async () => {
    const exp = now() + 600;
    const result = await verifier.verify(await issuer.sign({ exp }));
    expect(result).toEqual({ user: { name: 'alice', uid: '', groups: ['sky:viewers'] }, expiresAtMs: exp * 1000 });

    const other = verifierWith({ usernameClaim: 'email', groupsClaim: 'roles', usernamePrefix: 'oidc:', groupsPrefix: 'idp:' });
    const token = await issuer.sign({ email: 'bob@example.com', email_verified: true, roles: ['sky:editors', 'team-a'], aud: ['other', AUDIENCE] });
    expect(await other.verify(token)).toMatchObject({ user: { name: 'oidc:bob@example.com', groups: ['idp:sky:editors', 'idp:team-a'] } });
  });

  it('takes a groups claim that is one string; no groups claim is no groups', async () => {
    expect(await verifier.verify(await issuer.sign({ groups: 'sky:admins' }))).toMatchObject({ user: { groups: ['sky:admins'] } });
    expect(await verifier.verify(await issuer.sign({ groups: undefined }))).toMatchObject({ user: { groups: [] } });
    expect(await refusalOf(await issuer.sign({ groups: ['sky:admins', 7] }))).toBe('The token\'s "groups" claim is not a string or a list of strings.');
  });

  it('refuses a token without the username claim', async () => {
    expect(await refusalOf(await issuer.sign({ sub: undefined }))).toBe('The token has no "sub" claim (the user name).');
    expect(await refusalOf(await issuer.sign({ sub: '' }))).toBe('The token has no "sub" claim (the user name).');
    expect(await refusalOf(await issuer.sign({ sub: 42 as unknown as string }))).toBe('The token has no "sub" claim (the user name).');
  });

  it('refuses an email user name the issuer has not verified', async () => {
    const byEmail = verifierWith({ usernameClaim: 'email' });
    expect(await byEmail.verify(await issuer.sign({ email: 'eve@example.com', email_verified: false }))).toEqual({ error: "The token's email address is not verified (email_verified)." });
  });

  it('refuses an expired token, past a 30 s tolerance for clock skew', async () => {
    expect(await refusalOf(await issuer.sign({ exp: now() - 120 }))).toBe(JWT_MESSAGES.expired);
    expect(await verifier.verify(await issuer.sign({ exp: now() - 5 }))).toHaveProperty('user');
  });

  it('refuses a token without exp: it would never expire', async () => {
    expect(await refusalOf(await issuer.sign({ exp: undefined }))).toBe('The token has no expiry (exp).');
  });

  it('refuses a token that is not valid yet', async () => {
    expect(await refusalOf(await issuer.sign({ nbf: now() + 600 }))).toBe(JWT_MESSAGES.notYetValid);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(await refusalOf(await issuer.sign({ aud: 'someone-else' }))).toBe(`The token's audience is not ${AUDIENCE}.`);
    expect(await refusalOf(await issuer.sign({ aud: ['a', 'b'] }))).toBe(`The token's audience is not ${AUDIENCE}.`);
    expect(await refusalOf(await issuer.sign({ iss: 'https://evil.test' }))).toBe(`The token's issuer is not ${ISSUER}.`);
  });

  it('refuses a token signed by another key under the same key id', async () => {
    const impostor = await createTestIssuer(issuer.kid);
    expect(await refusalOf(await impostor.sign())).toBe(JWT_MESSAGES.signature);
  });

  it('refuses a token whose key id is not among the issuer keys', async () => {
    expect(await refusalOf(await issuer.sign({}, { kid: 'key-from-nowhere' }))).toBe(JWT_MESSAGES.unknownKey);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', groups: ['sky:admins'], exp: now() + 600 };
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
    expect(looksLikeJwt(token)).toBe(true);
    expect(await refusalOf(token)).toBe(JWT_MESSAGES.algorithm);
    const withKid = `${base64url({ alg: 'none', kid: issuer.kid })}.${base64url(payload)}.`;
    expect(await refusalOf(withKid)).toBe(JWT_MESSAGES.algorithm);
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secrets = [new TextEncoder().encode(issuer.publicKeyPem), new TextEncoder().encode(JSON.stringify(issuer.jwks.keys[0]))];
    for (const secret of secrets) {
      const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', groups: ['sky:admins'], exp: now() + 600 })
        .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
        .sign(secret);
      expect(await refusalOf(token)).toBe(JWT_MESSAGES.algorithm);
    }
  });

  it('refuses what is not a JWT at all', async () => {
    expect(await refusalOf('a.b.c')).toBe(JWT_MESSAGES.malformed);
    expect(await refusalOf(`${base64url({ alg: 'RS256', kid: issuer.kid })}.bm90IGpzb24.c2ln`)).toBe(JWT_MESSAGES.signature);
  });

  it('verifies a token without a key id against each key of the set', async () => {
    const second = await createTestIssuer('key-2');
    const keys = [...issuer.jwks.keys, ...second.jwks.keys].map(({ kid: _kid, ...key }) => key);
    const both = createJwtVerifier(settings, createLocalJWKSet({ keys }), logger);
    expect(await both.verify(await second.sign({ sub: 'carol' }, { kid: null }))).toMatchObject({ user: { name: 'carol' } });
    const stranger = await createTestIssuer('key-3');
    expect(await both.verify(await stranger.sign({}, { kid: null }))).toEqual({ error: JWT_MESSAGES.signature });
  });
});

describe('createJwtVerifier with keys that cannot be had', () => {
  it('says the issuer\'s keys cannot be fetched, not that the token is bad', async () => {
    const unreachable = createJwtVerifier(settings, async () => { throw new TypeError('fetch failed'); }, logger);
    expect(await unreachable.verify(await issuer.sign())).toEqual({ error: JWT_MESSAGES.keysUnavailable });
  });
});

describe('looksLikeJwt', () => {
  it('is three base64url parts', () => {
    expect(looksLikeJwt('aGVhZA.cGF5bG9hZA.c2ln')).toBe(true);
    expect(looksLikeJwt('31ada4fd-adec-460c-809a-9e56ceb75269')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a+b.c.d')).toBe(false);
  });
});

describe('parseJwksFile', () => {
  it('takes a set of public keys', () => {
    expect(parseJwksFile(JSON.stringify(issuer.jwks), 'keys.json')).toEqual(issuer.jwks);
  });

  it('refuses, naming the file, what is not a set of public keys', () => {
    expect(() => parseJwksFile('{', 'keys.json')).toThrow(OidcConfigError);
    expect(() => parseJwksFile('{', 'keys.json')).toThrow(/--oidc-jwks keys.json: not JSON/);
    expect(() => parseJwksFile('{"keys": []}', 'keys.json')).toThrow('--oidc-jwks keys.json: expected a JWKS, {"keys": [...]}, with at least one key');
    expect(() => parseJwksFile('{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}', 'k.json')).toThrow('keys[0] is a symmetric key');
    expect(() => parseJwksFile(JSON.stringify({ keys: [{ ...issuer.jwks.keys[0], d: 'private' }] }), 'k.json')).toThrow('keys[0] is a private key');
  });
});
