/**
 * Who is calling, by whichever of the configured methods knows the caller's bearer token: the
 * static token file (./token-file.ts) and OIDC JWTs (./oidc.ts), either or both. A token the file
 * holds is its user; otherwise a token shaped like a JWT goes to OIDC when it is configured; any
 * other token is refused. (kube-apiserver's union authenticator asks each in turn the same way.)
 *
 * The token file answers at once. A JWT's verification is asynchronous (WebCrypto), yet some
 * checks must answer synchronously (envelop's onParse, before a document is parsed). So each JWT
 * is verified once per request (HTTP: the fetch Request; WebSocket: the upgrade request, i.e.
 * per connection) and its result kept with that request: `authenticate` starts or joins the
 * verification, `settled` reads the result without waiting. A kept success is checked against
 * the token's `exp` again on every read, so a long-lived WebSocket connection whose token
 * expires gets its next operations refused.
 */
import { credentialOf, tokenFileUser, TOKEN_INVALID, TOKEN_REQUIRED, type Authentication, type CredentialSources } from './authenticate.js';
import { JWT_MESSAGES, looksLikeJwt, OIDC_CLOCK_TOLERANCE_SECONDS, type JwtAuthentication, type JwtVerifier } from './oidc.js';
import type { TokenTable } from './token-file.js';

export interface Authenticator {
  /** Who is calling; a promise only while a JWT is verified for the first time on this request. */
  authenticate(sources: CredentialSources): Authentication | Promise<Authentication>;
  /** The same answer without waiting, or undefined while this request's JWT is not verified yet. */
  settled(sources: CredentialSources): Authentication | undefined;
  /** The methods on, for the start-up log: "token file", "oidc". */
  readonly methods: readonly string[];
}

export interface AuthenticatorOptions {
  tokens?: TokenTable;
  jwt?: JwtVerifier;
  /** The clock `exp` is read against; injectable for tests. */
  now?: () => number;
}

interface Verification {
  token: string;
  pending: Promise<Authentication>;
  result?: JwtAuthentication;
}

/** The object a request's credentials travel with: the fetch Request (HTTP), the upgrade request (WebSocket). */
const carrierOf = (sources: CredentialSources): object | undefined => sources.request ?? sources.req;

export function createAuthenticator({ tokens, jwt, now = Date.now }: AuthenticatorOptions): Authenticator {
  const verifications = new WeakMap<object, Verification>();
  const toleranceMs = OIDC_CLOCK_TOLERANCE_SECONDS * 1000;

  const current = (result: JwtAuthentication): Authentication => {
    if ('error' in result) return result;
    return now() < result.expiresAtMs + toleranceMs ? { user: result.user } : { error: JWT_MESSAGES.expired };
  };

  /** The answer that needs no JWT verification, or the token to verify. */
  const immediate = (sources: CredentialSources): Authentication | { jwt: string } => {
    const token = credentialOf(sources);
    if (token === undefined) return { error: TOKEN_REQUIRED };
    const user = tokens && tokenFileUser(tokens, token);
    if (user) return { user };
    return jwt && looksLikeJwt(token) ? { jwt: token } : { error: TOKEN_INVALID };
  };

  return {
    methods: [...(tokens ? ['token file'] : []), ...(jwt ? ['oidc'] : [])],

    settled(sources) {
      const answer = immediate(sources);
      if (!('jwt' in answer)) return answer;
      const carrier = carrierOf(sources);
      const verification = carrier && verifications.get(carrier);
      if (verification?.token !== answer.jwt || !verification.result) return undefined;
      return current(verification.result);
    },

    authenticate(sources) {
      const answer = immediate(sources);
      if (!('jwt' in answer)) return answer;
      const carrier = carrierOf(sources);
      const known = carrier && verifications.get(carrier);
      if (known?.token === answer.jwt) return known.result ? current(known.result) : known.pending;
      const verification: Verification = {
        token: answer.jwt,
        pending: jwt!
          .verify(answer.jwt)
          .catch((): JwtAuthentication => ({ error: JWT_MESSAGES.malformed }))
          .then((result) => {
            verification.result = result;
            return current(result);
          }),
      };
      if (carrier) verifications.set(carrier, verification);
      return verification.pending;
    },
  };
}
