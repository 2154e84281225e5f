/**
 * useAuthenticateFirst: with a token file or OIDC, who is calling is settled before the server reads,
 * parses or validates anything the caller sent, so that an unauthenticated request costs a header
 * lookup and never the parser's or validator's time (a large document can hold the event loop for
 * seconds, /healthz included).
 *
 * - GraphQL over HTTP: at onRequestParse, before the body is read. The refusal is thrown as a
 *   GraphQLError, which Yoga answers as a GraphQL result: 401 UNAUTHENTICATED with
 *   `WWW-Authenticate: Bearer`.
 * - The REST view: at onRequest, for its routes, before the view or SOFA reads the body; 401 in the
 *   view's `{"error": …}` shape. Its OpenAPI description (/openapi.json) and Swagger UI (/docs)
 *   too: they describe the API to those who may use it, as kube-apiserver's /openapi does.
 *   /healthz, /readyz and the GraphiQL page and its assets stay open: they hold nothing of the API.
 * - graphql-ws (and whatever else parses a document): at onParse, before the document is parsed.
 *   Over WebSocket the error is the subscription's result and the socket stays up
 *   (src/server/graphql-ws.ts).
 *
 * What each user may call (useAuth) needs the parsed operation, so it is decided after parsing,
 * on a document that useDocumentLimits has bounded.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { restRequestMatcher } from '../rest-request.js';
import { restError } from '../use-rest-view.js';
import type { Authentication, CredentialSources } from './authenticate.js';
import type { Authenticator } from './authenticator.js';

export interface AuthenticateFirstOptions {
  authenticator: Authenticator;
  logger: Logger;
  /** Where the REST view's paths start (useRestView's basePath). */
  restBasePath?: string;
}

/** The refusal of a caller without a valid token; `http` only where there is an HTTP response to shape. */
export function unauthenticated(message: string, overHttp: boolean): GraphQLError {
  const http = { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } };
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', ...(overHttp ? { http } : {}) } });
}

/** onParse found no settled answer: a path that skipped the asynchronous check; refused, never let through. */
export const AUTHENTICATION_UNSETTLED = 'The token could not be checked; try again.';

export function useAuthenticateFirst({ authenticator, logger, restBasePath = '/' }: AuthenticateFirstOptions): Plugin {
  const log = logger.child({ component: 'auth' });
  const isRestRequest = restRequestMatcher(restBasePath);
  const base = restBasePath.endsWith('/') ? restBasePath.slice(0, -1) : restBasePath;
  const isApiDescription = (pathname: string) => pathname === `${base}/openapi.json` || pathname === `${base}/docs` || pathname.startsWith(`${base}/docs/`);

  /** The reason a caller is refused, or undefined when its token is known. */
  const refusedBecause = (authentication: Authentication): string | undefined => {
    if (!('error' in authentication)) return undefined;
    log.debug({ reason: authentication.error }, 'unauthenticated request refused');
    return authentication.error;
  };

  return {
    async onRequest({ request, url, endResponse }) {
      if (!isRestRequest(request.method, url.pathname) && !isApiDescription(url.pathname)) return;
      const reason = refusedBecause(await authenticator.authenticate({ request }));
      if (reason === undefined) return;
      const response = restError([{ message: reason, extensions: { code: 'UNAUTHENTICATED' } }]);
      response.headers.set('WWW-Authenticate', 'Bearer');
      endResponse(response);
    },
    async onRequestParse({ request }) {
      const reason = refusedBecause(await authenticator.authenticate({ request }));
      if (reason !== undefined) throw unauthenticated(reason, true);
    },
    // Synchronous (envelop's onParse cannot wait): the answer settled by onRequestParse (HTTP) or
    // by the WebSocket connection's own check (src/server/graphql-ws.ts) before it parses.
    onParse({ context }) {
      const sources = context as CredentialSources;
      const settled = authenticator.settled(sources);
      if (!settled) log.warn('authentication not settled before parsing; refused');
      const reason = settled ? refusedBecause(settled) : AUTHENTICATION_UNSETTLED;
      if (reason !== undefined) throw unauthenticated(reason, typeof sources.request?.headers?.get === 'function');
    },
  };
}
