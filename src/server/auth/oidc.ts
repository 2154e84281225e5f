/**
 * OIDC ID tokens (JWTs) as bearer tokens, as kube-apiserver's --oidc-* flags accept them: the
 * token's signature verifies against the issuer's public keys (a JWKS file, or a JWKS URL this
 * server fetches), `iss` is the configured issuer, `aud` holds the configured audience, and the
 * token is within `nbf`..`exp`. The user name and groups come from configured claims. All the
 * cryptography is jose's.
 *
 * Choices, each closing a known hole in JWT verification:
 * - Only asymmetric algorithms: never `none`, never HS*: with HMAC allowed, a caller could sign
 *   with the issuer's *public* key as the secret ("algorithm confusion").
 * - `exp` is required: a token without one would be valid forever (go-oidc refuses it too).
 * - 30 s clock tolerance on `exp` and `nbf`: enough for the skew between an issuer's clock and
 *   this server's, short enough that an expired token is not noticeably usable.
 * - A JWKS URL is fetched on first use, cached for 10 minutes, and fetched again at once when a
 *   token names an unknown key id (the issuer rotated its keys), but at most every 30 s, so
 *   tokens with invented key ids cannot make this server hammer the issuer (jose's
 *   createRemoteJWKSet does the caching and the rate limit).
 * - Refusals say why in general terms and never quote the token or its claims' values.
 */
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { ApiServerConfig } from '../../config/api-server.js';
import type { Logger } from '../logger.js';
import type { AuthUser } from './token-file.js';

/** What the --oidc-* flags configure (src/config/api-server.ts). */
export interface OidcSettings {
  issuer: string;
  audience: string;
  /** A JWKS file's path, or an http(s) URL to fetch it from. */
  jwks: string;
  usernameClaim: string;
  groupsClaim: string;
  usernamePrefix: string;
  groupsPrefix: string;
}

/** The settings when OIDC is on (the config allows only all three of issuer, audience and keys, or none). */
export function oidcSettingsOf(config: ApiServerConfig): OidcSettings | undefined {
  const { oidcIssuer: issuer, oidcAudience: audience, oidcJwks: jwks } = config;
  if (issuer === undefined || audience === undefined || jwks === undefined) return undefined;
  return {
    issuer,
    audience,
    jwks,
    usernameClaim: config.oidcUsernameClaim,
    groupsClaim: config.oidcGroupsClaim,
    usernamePrefix: config.oidcUsernamePrefix,
    groupsPrefix: config.oidcGroupsPrefix,
  };
}

/** The verifier of `settings`, its keys read (a file) or ready to be fetched (a URL). */
export async function startJwtVerifier(settings: OidcSettings, logger: Logger): Promise<JwtVerifier> {
  return createJwtVerifier(settings, await loadJwks(settings.jwks), logger);
}

export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export const OIDC_CLOCK_TOLERANCE_SECONDS = 30;
/** jose's createRemoteJWKSet settings for a JWKS URL (see above). */
const REMOTE_JWKS = { cacheMaxAge: 600_000, cooldownDuration: 30_000, timeoutDuration: 5_000 } as const;

export type JwtAuthentication = { user: AuthUser; expiresAtMs: number } | { error: string };

export interface JwtVerifier {
  verify(token: string): Promise<JwtAuthentication>;
}

export class OidcConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcConfigError';
  }
}

/** Three base64url parts separated by dots: a JWS in compact form. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export const isJwksUrl = (jwks: string) => /^https?:\/\//i.test(jwks);

/** A JWKS file's public keys; refuses, naming the file, what is not a set of public keys. */
export function parseJwksFile(text: string, path: string): JSONWebKeySet {
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch (error) {
    throw new OidcConfigError(`--oidc-jwks ${path}: not JSON (${(error as Error).message})`);
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new OidcConfigError(`--oidc-jwks ${path}: expected a JWKS, {"keys": [...]}, with at least one key`);
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null) throw new OidcConfigError(`--oidc-jwks ${path}: keys[${index}] is not an object`);
    const { kty, d, k } = key as Record<string, unknown>;
    // Symmetric keys could only verify HS* tokens, which are refused; private keys do not belong here.
    if (kty === 'oct' || k !== undefined) throw new OidcConfigError(`--oidc-jwks ${path}: keys[${index}] is a symmetric key; only public keys (RSA, EC, OKP) are accepted`);
    if (d !== undefined) throw new OidcConfigError(`--oidc-jwks ${path}: keys[${index}] is a private key; give the issuer's public keys only`);
  }
  try {
    createLocalJWKSet(jwks as JSONWebKeySet);
  } catch (error) {
    throw new OidcConfigError(`--oidc-jwks ${path}: ${(error as Error).message}`);
  }
  return jwks as JSONWebKeySet;
}

/** The key resolver: a URL's, fetched when needed, or a file's, read now. */
export async function loadJwks(jwks: string): Promise<JWTVerifyGetKey> {
  if (isJwksUrl(jwks)) {
    let url: URL;
    try {
      url = new URL(jwks);
    } catch {
      throw new OidcConfigError(`--oidc-jwks ${jwks}: not a valid URL`);
    }
    return createRemoteJWKSet(url, REMOTE_JWKS);
  }
  let text: string;
  try {
    text = await readFile(jwks, 'utf8');
  } catch (error) {
    throw new OidcConfigError(`--oidc-jwks: cannot read ${jwks}: ${(error as Error).message}`);
  }
  return createLocalJWKSet(parseJwksFile(text, jwks));
}

/** Fetching the issuer's keys failed: the caller's token may be fine, so say that, not "invalid". */
class KeysUnavailable extends Error {}

/** The token's header names no key of the set (or several); anything else is the set's own failure. */
const KEY_MISMATCHES = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSEAlgNotAllowed, errors.JOSENotSupported, errors.JWSInvalid];

/** The key resolver, with failures to get keys told apart from keys that do not match. */
function guarded(getKey: JWTVerifyGetKey, log: Logger): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if (KEY_MISMATCHES.some((mismatch) => error instanceof mismatch)) throw error;
      log.warn({ err: error }, 'cannot get the OIDC issuer\'s signing keys');
      throw new KeysUnavailable();
    }
  };
}

export const JWT_MESSAGES = {
  expired: 'The token has expired.',
  notYetValid: 'The token is not valid yet.',
  signature: "The token's signature does not verify.",
  unknownKey: "The token's key is not among the issuer's signing keys.",
  algorithm: `The token's signing algorithm is not allowed (allowed: ${OIDC_ALGORITHMS.join(', ')}).`,
  malformed: 'The token is not a well-formed JWT.',
  keysUnavailable: "The issuer's signing keys cannot be fetched; try again later.",
} as const;

/** What went wrong, in general terms (never the token's contents). */
function refusalOf(error: unknown, settings: OidcSettings): string {
  if (error instanceof KeysUnavailable) return JWT_MESSAGES.keysUnavailable;
  if (error instanceof errors.JWTExpired) return JWT_MESSAGES.expired;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return `The token's issuer is not ${settings.issuer}.`;
    if (error.claim === 'aud') return `The token's audience is not ${settings.audience}.`;
    if (error.claim === 'nbf') return JWT_MESSAGES.notYetValid;
    if (error.claim === 'exp') return 'The token has no expiry (exp).';
    return `The token's "${error.claim}" claim is not valid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return JWT_MESSAGES.signature;
  if (error instanceof errors.JWKSNoMatchingKey) return JWT_MESSAGES.unknownKey;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return JWT_MESSAGES.algorithm;
  return JWT_MESSAGES.malformed;
}

/** The user a verified token names, or why it names none. */
export function userOfClaims(payload: JWTPayload, settings: OidcSettings): { user: AuthUser } | { error: string } {
  const name = payload[settings.usernameClaim];
  if (typeof name !== 'string' || name === '') return { error: `The token has no "${settings.usernameClaim}" claim (the user name).` };
  // As kube-apiserver: an email address is only a user name when the issuer has verified it.
  if (settings.usernameClaim === 'email' && payload.email_verified !== undefined && payload.email_verified !== true) {
    return { error: "The token's email address is not verified (email_verified)." };
  }
  const claim = payload[settings.groupsClaim];
  const groups = claim === undefined ? [] : typeof claim === 'string' ? [claim] : claim;
  if (!Array.isArray(groups) || !groups.every((group): group is string => typeof group === 'string')) {
    return { error: `The token's "${settings.groupsClaim}" claim is not a string or a list of strings.` };
  }
  const user = { name: settings.usernamePrefix + name, uid: '', groups: Object.freeze(groups.map((group) => settings.groupsPrefix + group)) };
  return { user: Object.freeze(user) };
}

export function createJwtVerifier(settings: OidcSettings, getKey: JWTVerifyGetKey, logger: Logger): JwtVerifier {
  const log = logger.child({ component: 'oidc' });
  const keys = guarded(getKey, log);
  const options: JWTVerifyOptions = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: [...OIDC_ALGORITHMS],
    clockTolerance: OIDC_CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
  };

  /** A token without a key id, verified against each key of its type in turn (as go-oidc does). */
  const verifyEach = async (token: string, error: errors.JWKSMultipleMatchingKeys) => {
    let last: unknown = error;
    for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
      try {
        return await jwtVerify(token, key, options);
      } catch (failure) {
        last = failure;
        if (!(failure instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw last;
  };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, options).catch((error: unknown) => {
          if (error instanceof errors.JWKSMultipleMatchingKeys) return verifyEach(token, error);
          throw error;
        }));
      } catch (error) {
        return { error: refusalOf(error, settings) };
      }
      const named = userOfClaims(payload, settings);
      if ('error' in named) return named;
      return { user: named.user, expiresAtMs: payload.exp! * 1000 };
    },
  };
}
