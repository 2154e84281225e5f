/**
 * createAuthenticator (src/server/auth/authenticator.ts): the token file and OIDC side by side, a
 * JWT verified once per request (or WebSocket connection) and its expiry read again on each use.
 */
import { createLocalJWKSet } from 'jose';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_INVALID, TOKEN_REQUIRED } from '../../../../src/server/auth/authenticate.js';
import { createAuthenticator } from '../../../../src/server/auth/authenticator.js';
import { createJwtVerifier, JWT_MESSAGES, type JwtVerifier } from '../../../../src/server/auth/oidc.js';
import type { AuthUser } from '../../../../src/server/auth/token-file.js';
import { AUDIENCE, createTestIssuer, ISSUER, type TestIssuer } from '../../../helpers/oidc.js';

const tokens = new Map<string, AuthUser>([['file-token-0123456789', { name: 'fred', uid: '1', groups: ['sky:editors'] }]]);
const bearer = (token: string) => ({ req: { headers: { authorization: `Bearer ${token}` } } });

let issuer: TestIssuer;
let jwt: JwtVerifier & { calls: number };

beforeAll(async () => {
  issuer = await createTestIssuer();
  const settings = { issuer: ISSUER, audience: AUDIENCE, jwks: 'unused', usernameClaim: 'sub', groupsClaim: 'groups', usernamePrefix: '', groupsPrefix: '' };
  const real = createJwtVerifier(settings, createLocalJWKSet(issuer.jwks), pino({ level: 'silent' }));
  jwt = { calls: 0, verify: (token) => (jwt.calls++, real.verify(token)) };
});

describe('createAuthenticator', () => {
  it('answers token file tokens at once and sends JWT-shaped tokens to OIDC', async () => {
    const auth = createAuthenticator({ tokens, jwt });
    expect(auth.methods).toEqual(['token file', 'oidc']);
    expect(auth.authenticate(bearer('file-token-0123456789'))).toEqual({ user: tokens.get('file-token-0123456789') });
    expect(auth.authenticate({})).toEqual({ error: TOKEN_REQUIRED });
    expect(auth.authenticate(bearer('not-in-the-file'))).toEqual({ error: TOKEN_INVALID });
    expect(await auth.authenticate(bearer(await issuer.sign()))).toEqual({ user: { name: 'alice', uid: '', groups: ['sky:viewers'] } });
    expect(await auth.authenticate(bearer(await issuer.sign({ aud: 'other' })))).toEqual({ error: `The token's audience is not ${AUDIENCE}.` });
  });

  it('with OIDC alone, refuses tokens that are not JWTs', () => {
    const auth = createAuthenticator({ jwt });
    expect(auth.methods).toEqual(['oidc']);
    expect(auth.authenticate(bearer('file-token-0123456789'))).toEqual({ error: TOKEN_INVALID });
  });

  it('with the token file alone, JWTs are just unknown tokens', async () => {
    const auth = createAuthenticator({ tokens });
    expect(auth.authenticate(bearer(await issuer.sign()))).toEqual({ error: TOKEN_INVALID });
  });

  it('verifies a JWT once per request, then answers without waiting', async () => {
    const auth = createAuthenticator({ jwt });
    const request = bearer(await issuer.sign());
    const before = jwt.calls;
    expect(auth.settled(request)).toBeUndefined();
    const first = auth.authenticate(request);
    const joined = auth.authenticate(request);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual(await joined);
    expect(auth.settled(request)).toEqual({ user: { name: 'alice', uid: '', groups: ['sky:viewers'] } });
    expect(auth.authenticate(request)).toEqual({ user: { name: 'alice', uid: '', groups: ['sky:viewers'] } });
    expect(jwt.calls - before).toBe(1);

    // Another token on the same request object (never in practice) is verified on its own.
    request.req.headers.authorization = `Bearer ${await issuer.sign({ sub: 'bob' })}`;
    expect(auth.settled(request)).toBeUndefined();
    expect(await auth.authenticate(request)).toMatchObject({ user: { name: 'bob' } });
  });

  it('refuses a kept JWT once it expires (a long WebSocket connection)', async () => {
    let clock = Date.now();
    const auth = createAuthenticator({ jwt, now: () => clock });
    const exp = Math.floor(clock / 1000) + 60;
    const connection = bearer(await issuer.sign({ exp }));
    expect(await auth.authenticate(connection)).toHaveProperty('user');
    clock = exp * 1000 + 29_000; // within the 30 s tolerance
    expect(auth.settled(connection)).toHaveProperty('user');
    clock = exp * 1000 + 31_000;
    expect(auth.settled(connection)).toEqual({ error: JWT_MESSAGES.expired });
    expect(auth.authenticate(connection)).toEqual({ error: JWT_MESSAGES.expired });
  });

  it('keeps nothing without a request to keep it with', async () => {
    const auth = createAuthenticator({ jwt });
    const sources = { connectionParams: { token: await issuer.sign() } };
    expect(await auth.authenticate(sources)).toHaveProperty('user');
    expect(auth.settled(sources)).toBeUndefined();
  });
});
