/**
 * Where a Sky Manager API server listens unless told otherwise, and the path of its GraphQL
 * endpoint: the server's defaults (src/config/defaults.ts) and the client's default address
 * (src/client/endpoint.ts) are both made of these.
 */
export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 50_051;
export const GRAPHQL_PATH = '/graphql';
