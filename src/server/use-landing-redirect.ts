/**
 * useLandingRedirect: a browser opening the server's address (`GET /`) is sent to where there is
 * something to see (the console, or GraphiQL at /graphql when the console is not built) instead
 * of an empty 404.
 */
import type { Plugin } from 'graphql-yoga';
import { GRAPHQL_PATH } from '../domain/api-address.js';

export function useLandingRedirect(target: string = GRAPHQL_PATH): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      endResponse(new fetchAPI.Response(null, { status: 302, headers: { location: target } }));
    },
  };
}
