/**
 * The API address as people write it, turned into the GraphQL endpoint the client talks to. The
 * original demo's users and kubectl's `--server` users give the server's base URL
 * (`http://127.0.0.1:50051`), sometimes without a scheme (`127.0.0.1:50051`); Sky serves GraphQL
 * at /graphql. A URL with another path is taken as it is (a proxy may mount the API elsewhere).
 */

/** Default path of the GraphQL endpoint on a Sky Manager API server. */
export const GRAPHQL_PATH = '/graphql';

export class ApiAddressError extends Error {}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const WS_SCHEMES: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:' };

/** `address` as the GraphQL endpoint's http(s) URL; ApiAddressError when it cannot be one. */
export function graphqlEndpoint(address: string): string {
  const text = address.trim();
  let url: URL;
  try {
    url = new URL(SCHEME.test(text) ? text : `http://${text}`);
  } catch {
    throw new ApiAddressError(`"${address}" is not a URL such as http://127.0.0.1:50051 or http://127.0.0.1:50051/graphql`);
  }
  if (WS_SCHEMES[url.protocol]) url = new URL(url.href.replace(/^wss?:/, WS_SCHEMES[url.protocol]));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiAddressError(`"${address}" must be an http:// or https:// URL, not ${url.protocol}`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = GRAPHQL_PATH;
  return url.href;
}
