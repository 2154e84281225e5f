/**
 * The API server's configuration, validated once at start-up (zod) and passed down as a plain,
 * frozen object. Sources, strongest first: explicit values (CLI flags), then SKYM_* environment
 * variables, then the defaults below. A bad value stops the server with a message naming it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export const STORE_KINDS = ['lowdb', 'etcd', 'memory'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Accepts "a,b" (CLI flag, env var) as well as ["a", "b"]. */
const commaList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value),
  z.array(z.string().url()).min(1),
);

const int = (min: number) => z.coerce.number().int().min(min);

/** `*`, or an origin as browsers send it: scheme://host[:port], nothing after. */
const isOrigin = (value: string) => {
  if (value === '*') return true;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
};

/** "a,b" or ["a", "b"]; empty means none. */
const originList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value),
  z.array(z.string().refine(isOrigin, (value) => ({ message: `"${value}" is not an origin such as https://tools.example.com or http://localhost:3000 (or *)` }))),
);

/**
 * Bounds on one GraphQL request (src/server/use-document-limits.ts, use-json-depth-limit.ts): how
 * deeply its JSON body nests and its document's length and tokens before they are parsed, the
 * rest before the document is validated. Every document of the typed client and the CLI, and
 * GraphiQL's introspection query, stays well below each default (bench/README.md has the
 * figures); a request over one is refused with HTTP 400 naming the limit and its setting. 0 turns
 * a limit off.
 */
export const DOCUMENT_LIMIT_DEFAULTS = {
  maxJsonDepth: 64,
  maxQueryLength: 100_000,
  maxTokens: 2_000,
  maxDepth: 20,
  maxAliases: 30,
  maxFields: 1_000,
  maxRepeatedFields: 20,
  maxDirectives: 50,
  maxFragmentSpreads: 100,
  maxCost: 20_000,
} as const;

const ConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port; the server reports the real one. */
    port: int(0).max(65_535).default(50_051),
    dataDir: z.string().min(1).default(join(homedir(), '.skym')),
    /**
     * lowdb: open a data directory that has lost acknowledged writes anyway, keeping what is
     * intact, logging what is dropped and rewriting the directory (src/storage/lowdb-store.ts).
     */
    repairDataDir: z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean()).default(false),
    store: z.enum(STORE_KINDS).default('lowdb'),
    etcdEndpoints: commaList.default(['http://127.0.0.1:2379']),
    /** Store events kept for watch resumption (lowdb, memory); older versions get GONE. */
    historyLimit: int(1).default(10_000),
    /** How often idle watches get a BOOKMARK carrying a newer resourceVersion. */
    bookmarkIntervalMs: int(10).default(5_000),
    /**
     * WebSocket caps (src/server/websocket-guard.ts), each 0 for none. "User": the token file's
     * user, else the remote address. Subscriptions count while they run; one over a cap is refused
     * with TOO_MANY_SUBSCRIPTIONS, a connection over a cap is closed with 1013.
     */
    maxSubscriptionsPerConnection: int(0).default(100),
    maxSubscriptionsPerUser: int(0).default(1_000),
    maxWebsocketConnectionsPerUser: int(0).default(100),
    maxWebsocketConnections: int(0).default(1_000),
    /** Bytes a WebSocket client may leave unread before it is closed with 1008 (16 MiB). */
    maxSendBufferBytes: int(0).default(16 * 1024 * 1024),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /**
     * Kubernetes-style static token file (src/server/auth/token-file.ts). When set, every
     * operation needs a bearer token from it and is checked against the caller's groups; when not,
     * the server is open to whoever reaches it.
     */
    tokenAuthFile: z.string().min(1).optional(),
    /**
     * A file holding the Skylet token (src/domain/skylet-token.ts) this server sends to the
     * Skylet endpoints it reads logs from; the controller manager is given the same file.
     */
    skyletTokenFile: z.string().min(1).optional(),
    /**
     * Read logs from Skylet endpoints at link-local and cloud metadata addresses (169.254.0.0/16,
     * fe80::/10, …). Off: a Cluster status must not steer this server to its machine's credentials.
     */
    skyletAllowLinkLocal: z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean()).default(false),
    /**
     * Web pages of these origins may call the API from a browser (CORS). None by default, as in
     * kube-apiserver: a page the user visits must not be able to drive a local, open API server.
     * GraphiQL at /graphql is the server's own origin and needs nothing here.
     */
    corsAllowedOrigins: originList.default([]),
    /** Request limits (0 for no limit): how deeply a JSON request body nests objects and arrays. */
    maxJsonDepth: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxJsonDepth),
    /** Characters in one GraphQL document (the request's `query`). */
    maxQueryLength: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxQueryLength),
    /** Lexical tokens in a document: names, punctuation, values. */
    maxTokens: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxTokens),
    /** Fields nested in fields. */
    maxDepth: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxDepth),
    maxAliases: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxAliases),
    /** Field selections, fragments expanded. */
    maxFields: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxFields),
    /** Selections of a response name its selection set already selects (`name name`, `a: name a: uid`). */
    maxRepeatedFields: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxRepeatedFields),
    maxDirectives: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxDirectives),
    /** Fragment spreads, fragments expanded. */
    maxFragmentSpreads: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxFragmentSpreads),
    /** Each field 1, times 10 inside each list (src/server/document-measure.ts). */
    maxCost: int(0).default(DOCUMENT_LIMIT_DEFAULTS.maxCost),
  })
  .strict();

export type Config = Readonly<z.infer<typeof ConfigSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variables that map onto config keys. */
const ENV: Record<string, keyof ConfigInput> = {
  SKYM_HOST: 'host',
  SKYM_PORT: 'port',
  SKYM_DATA_DIR: 'dataDir',
  SKYM_REPAIR_DATA_DIR: 'repairDataDir',
  SKYM_STORE: 'store',
  SKYM_ETCD_ENDPOINTS: 'etcdEndpoints',
  SKYM_HISTORY_LIMIT: 'historyLimit',
  SKYM_BOOKMARK_INTERVAL_MS: 'bookmarkIntervalMs',
  SKYM_MAX_SUBSCRIPTIONS_PER_CONNECTION: 'maxSubscriptionsPerConnection',
  SKYM_MAX_SUBSCRIPTIONS_PER_USER: 'maxSubscriptionsPerUser',
  SKYM_MAX_WEBSOCKET_CONNECTIONS_PER_USER: 'maxWebsocketConnectionsPerUser',
  SKYM_MAX_WEBSOCKET_CONNECTIONS: 'maxWebsocketConnections',
  SKYM_MAX_SEND_BUFFER_BYTES: 'maxSendBufferBytes',
  SKYM_LOG_LEVEL: 'logLevel',
  SKYM_TOKEN_AUTH_FILE: 'tokenAuthFile',
  SKYM_SKYLET_TOKEN_FILE: 'skyletTokenFile',
  SKYM_SKYLET_ALLOW_LINK_LOCAL: 'skyletAllowLinkLocal',
  SKYM_CORS_ALLOWED_ORIGINS: 'corsAllowedOrigins',
  SKYM_MAX_JSON_DEPTH: 'maxJsonDepth',
  SKYM_MAX_QUERY_LENGTH: 'maxQueryLength',
  SKYM_MAX_TOKENS: 'maxTokens',
  SKYM_MAX_DEPTH: 'maxDepth',
  SKYM_MAX_ALIASES: 'maxAliases',
  SKYM_MAX_FIELDS: 'maxFields',
  SKYM_MAX_REPEATED_FIELDS: 'maxRepeatedFields',
  SKYM_MAX_DIRECTIVES: 'maxDirectives',
  SKYM_MAX_FRAGMENT_SPREADS: 'maxFragmentSpreads',
  SKYM_MAX_COST: 'maxCost',
};

export class ConfigError extends Error {}

/**
 * Builds the config from explicit values over the environment. `undefined` values (flags not
 * given) fall through to the environment and then to the defaults.
 */
export function loadConfig(values: Partial<Record<keyof ConfigInput, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const merged: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') merged[key] = env[name];
  for (const [key, value] of Object.entries(values)) if (value !== undefined) merged[key] = value;

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(parsed.data);
}
