/**
 * Where the client finds the API, resolved here for every Sky client (SkyClient, the CLI, the
 * controller manager), and the address as people write it turned into the GraphQL endpoint. The
 * original demo's users and kubectl's `--server` users give the server's base URL
 * (`http://127.0.0.1:50051`), sometimes without a scheme (`127.0.0.1:50051`); Sky serves GraphQL
 * at /graphql. A URL with another path is taken as it is (a proxy may mount the API elsewhere).
 */
import { DEFAULT_API_HOST, DEFAULT_API_PORT, GRAPHQL_PATH } from '../domain/api-address.js';

export { GRAPHQL_PATH };

/** The API server's default address (src/config/defaults.ts), as the client reaches it. */
export const DEFAULT_API_URL = `http://${DEFAULT_API_HOST}:${DEFAULT_API_PORT}${GRAPHQL_PATH}`;

/** The variables a client reads what it is not given from. */
export const CLIENT_ENV = { api: 'SKYM_API', token: 'SKYM_TOKEN' } as const;

export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export interface ResolvedSetting {
  value: string;
  source: SettingSource;
}

/**
 * A client setting by the rule every Sky client follows, strongest first: the value it was given
 * (a flag, an option), the environment variable, a config file's value, the default. An empty
 * variable counts as unset.
 */
export function resolveSetting(layers: { given?: string; env?: string; file?: string; fallback: string }): ResolvedSetting {
  if (layers.given !== undefined) return { value: layers.given, source: 'flag' };
  if (layers.env !== undefined && layers.env !== '') return { value: layers.env, source: 'env' };
  if (layers.file !== undefined) return { value: layers.file, source: 'file' };
  return { value: layers.fallback, source: 'default' };
}

/**
 * The GraphQL endpoints of `given`, else of $SKYM_API, else of the default address; each a list
 * as apiEndpoints() reads it (`http://a:50051,http://b:50051`).
 */
export function resolveApiUrls(given?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return apiEndpoints(resolveSetting({ given, env: env[CLIENT_ENV.api], fallback: DEFAULT_API_URL }).value);
}

/** `given`, else $SKYM_TOKEN; none (no Authorization header) when neither is set. */
export function resolveApiToken(given?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return resolveSetting({ given, env: env[CLIENT_ENV.token], fallback: '' }).value || undefined;
}

export class ApiAddressError extends Error {}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const WS_SCHEMES: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:' };

/**
 * Several API servers of one installation (they share an etcd), as one text: addresses separated
 * by commas, each normalised by graphqlEndpoint(), in the order the client tries them. An empty
 * entry or one given twice is a mistake worth naming rather than skipping; so is a bad one, named
 * by its place in the list.
 */
export function apiEndpoints(text: string): string[] {
  const entries = text.split(',');
  if (entries.length === 1) return [graphqlEndpoint(text)];
  const endpoints: string[] = [];
  entries.forEach((entry, at) => {
    const which = `API server ${at + 1} of ${entries.length} in "${text}"`;
    if (entry.trim() === '') throw new ApiAddressError(`${which} is empty; separate the addresses with single commas`);
    let endpoint: string;
    try {
      endpoint = graphqlEndpoint(entry);
    } catch (error) {
      if (error instanceof ApiAddressError) throw new ApiAddressError(`${which}: ${error.message}`);
      throw error;
    }
    if (endpoints.includes(endpoint)) throw new ApiAddressError(`${which}: ${endpoint} is given twice`);
    endpoints.push(endpoint);
  });
  return endpoints;
}

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
