/**
 * Who is calling: the bearer token of a request, looked up in the token file's table (OIDC
 * tokens are verified by ./oidc.ts; ./authenticator.ts decides which way a token goes).
 *
 * Where the token is, per transport (each puts something else in Yoga's initial context):
 * - HTTP, /graphql and the REST view: the `Authorization: Bearer <token>` header of `request`.
 * - WebSocket (graphql-ws, src/server/graphql-ws.ts): the same header on the upgrade request
 *   (`req`), which the typed client sends; browsers and GraphiQL cannot set headers on a
 *   WebSocket, so also `connectionParams.authorization` ("Bearer <token>", or the bare token) or
 *   `connectionParams.token`. A header, when present, wins.
 *
 * Messages never echo the token, so nothing secret reaches logs or other users' screens.
 */
import { bearerToken, secretDigest } from '../../domain/bearer.js';
import type { AuthUser, TokenTable } from './token-file.js';

/** What of the initial GraphQL context authentication reads; all optional, as transports differ. */
export interface CredentialSources {
  request?: { headers?: { get?(name: string): string | null } };
  req?: { headers?: Record<string, string | string[] | undefined> };
  connectionParams?: Readonly<Record<string, unknown>>;
}

export type Authentication = { user: AuthUser } | { error: string };

export const TOKEN_REQUIRED =
  'A bearer token is required: send "Authorization: Bearer <token>" (over WebSocket, on the upgrade request or as connectionParams.authorization).';
export const TOKEN_INVALID = 'The token is not valid.';

function authorizationHeader(sources: CredentialSources): string | undefined {
  const fromRequest = sources.request?.headers?.get?.('authorization');
  if (fromRequest) return fromRequest;
  const fromReq = sources.req?.headers?.authorization;
  return Array.isArray(fromReq) ? fromReq[0] : fromReq || undefined;
}

function fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization ?? params?.token;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // The bare token is accepted too: people paste just that into GraphiQL.
  return /^bearer\s/i.test(value.trim()) ? value.trim() : `Bearer ${value.trim()}`;
}

/** Each table's users by token digest (see secretDigest), built on first use. */
const byDigest = new WeakMap<TokenTable, Map<string, AuthUser>>();

function userOf(tokens: TokenTable, token: string): AuthUser | undefined {
  let index = byDigest.get(tokens);
  if (!index) {
    index = new Map([...tokens].map(([known, user]) => [secretDigest(known).toString('hex'), user]));
    byDigest.set(tokens, index);
  }
  return index.get(secretDigest(token).toString('hex'));
}

/** The bearer token the caller sent, wherever its transport carries it; undefined if none. */
export function credentialOf(sources: CredentialSources): string | undefined {
  return bearerToken(authorizationHeader(sources) ?? fromConnectionParams(sources.connectionParams));
}

/** The token file's user of `token`, if it has one. */
export function tokenFileUser(tokens: TokenTable, token: string): AuthUser | undefined {
  return userOf(tokens, token);
}

/** Authentication by the token file alone (./authenticator.ts adds OIDC tokens). */
export function authenticate(tokens: TokenTable, sources: CredentialSources): Authentication {
  const token = credentialOf(sources);
  if (token === undefined) return { error: TOKEN_REQUIRED };
  const user = userOf(tokens, token);
  return user ? { user } : { error: TOKEN_INVALID };
}
