/**
 * The API server's configuration (`skym server`, and the API half of `skym up`), validated once
 * at start-up and passed down as a plain, frozen object. Sources, strongest first: explicit values
 * (CLI flags), then the SKYM_* variable of each key (./names.ts), then the defaults
 * (./defaults.ts). A bad value stops the server with a message naming it.
 */
import { z } from 'zod';
import { API_SERVER_DEFAULTS, DOCUMENT_LIMIT_DEFAULTS } from './defaults.js';
import { booleanText, int, LOG_LEVELS, loadConfig, type ConfigValues } from './load.js';
import { envOf, flagOf } from './names.js';

export const STORE_KINDS = ['lowdb', 'etcd', 'memory'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** Accepts "a,b" (CLI flag, env var) as well as ["a", "b"]. */
const commaList = <T extends z.ZodTypeAny>(item: T, min = 0) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value), z.array(item).min(min));

/** `*`, or an origin as browsers send it: scheme://host[:port], nothing after. */
const isOrigin = (value: string) => {
  if (value === '*') return true;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
};

const origin = z.string().refine(isOrigin, (value) => ({ message: `"${value}" is not an origin such as https://tools.example.com or http://localhost:3000 (or *)` }));

const D = API_SERVER_DEFAULTS;
const limit = (key: keyof typeof DOCUMENT_LIMIT_DEFAULTS) => int(0).default(DOCUMENT_LIMIT_DEFAULTS[key]);

/** An issuer as kube-apiserver takes it: an https URL, compared with each token's `iss` as written. */
const issuerUrl = z.string().refine(
  (value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  },
  (value) => ({ message: `"${value}" is not an https URL such as https://accounts.example.com (the issuer's identifier, as its tokens' "iss" claim says it)` }),
);

/** The three OIDC settings that only work together. */
const OIDC_REQUIRED = ['oidcIssuer', 'oidcAudience', 'oidcJwks'] as const;

const ApiServerConfigObject = z
  .object({
    host: z.string().min(1).default(D.host),
    /** 0 picks a free port; the server reports the real one. */
    port: int(0).max(65_535).default(D.port),
    dataDir: z.string().min(1).default(D.dataDir),
    /**
     * lowdb: open a data directory that has lost acknowledged writes anyway, keeping what is
     * intact, logging what is dropped and rewriting the directory (src/storage/lowdb-store.ts).
     */
    repairDataDir: booleanText.default(false),
    store: z.enum(STORE_KINDS).default(D.store),
    etcdEndpoints: commaList(z.string().url(), 1).default([...D.etcdEndpoints]),
    /** Store events kept for watch resumption (lowdb, memory); older versions get GONE. */
    historyLimit: int(1).default(D.historyLimit),
    /** How often idle watches get a BOOKMARK carrying a newer resourceVersion. */
    bookmarkIntervalMs: int(10).default(D.bookmarkIntervalMs),
    /**
     * WebSocket caps (src/server/websocket-guard.ts), each 0 for none. "User": the token's user
     * (token file or OIDC), else the remote address. Subscriptions count while they run; one over a cap is refused
     * with TOO_MANY_SUBSCRIPTIONS, a connection over a cap is closed with 1013.
     */
    maxSubscriptionsPerConnection: int(0).default(D.maxSubscriptionsPerConnection),
    maxSubscriptionsPerUser: int(0).default(D.maxSubscriptionsPerUser),
    maxWebsocketConnectionsPerUser: int(0).default(D.maxWebsocketConnectionsPerUser),
    maxWebsocketConnections: int(0).default(D.maxWebsocketConnections),
    /** Bytes a WebSocket client may leave unread before it is closed with 1008. */
    maxSendBufferBytes: int(0).default(D.maxSendBufferBytes),
    logLevel: z.enum(LOG_LEVELS).default(D.logLevel),
    /**
     * Kubernetes-style static token file (src/server/auth/token-file.ts). When set, every
     * operation needs a bearer token from it (or an OIDC token, below) and is checked against the
     * caller's groups; without either, the server is open to whoever reaches it.
     */
    tokenAuthFile: z.string().min(1).optional(),
    /**
     * OIDC ID tokens (JWTs) as bearer tokens, as kube-apiserver's --oidc-* flags
     * (src/server/auth/oidc.ts): on when the issuer, the audience and the issuer's keys are all
     * given. With a token file too, either kind of token is accepted.
     */
    oidcIssuer: issuerUrl.optional(),
    /** Tokens must name it in `aud` (kube-apiserver's --oidc-client-id). */
    oidcAudience: z.string().min(1).optional(),
    /** The issuer's public keys: a JWKS file, or an http(s) URL fetched (and cached) by the server. */
    oidcJwks: z.string().min(1).optional(),
    oidcUsernameClaim: z.string().min(1).default(D.oidcUsernameClaim),
    oidcGroupsClaim: z.string().min(1).default(D.oidcGroupsClaim),
    /** Put before each OIDC user name (e.g. "oidc:"), so they cannot pass for token-file users. */
    oidcUsernamePrefix: z.string().default(''),
    /** Put before each OIDC group, so an issuer's groups cannot pass for sky:* groups unless meant to. */
    oidcGroupsPrefix: z.string().default(''),
    /**
     * A file holding the Skylet token (src/domain/skylet-token.ts) this server sends to the
     * Skylet endpoints it reads logs from; the controller manager is given the same file.
     */
    skyletTokenFile: z.string().min(1).optional(),
    /**
     * Read logs from Skylet endpoints at link-local and cloud metadata addresses (169.254.0.0/16,
     * fe80::/10, …). Off: a Cluster status must not steer this server to its machine's credentials.
     */
    skyletAllowLinkLocal: booleanText.default(false),
    /**
     * Web pages of these origins may call the API from a browser (CORS). None by default, as in
     * kube-apiserver: a page the user visits must not be able to drive a local, open API server.
     * GraphiQL at /graphql is the server's own origin and needs nothing here.
     */
    corsAllowedOrigins: commaList(origin).default([]),
    /**
     * /metrics without a token even with authentication on (src/server/use-metrics-endpoint.ts),
     * for a Prometheus on a trusted network. Off: with authentication, scrapers need a token whose
     * user may `get` `metrics` (sky:admins, sky:controllers, or a role granting it).
     */
    metricsOpen: booleanText.default(false),
    /** Request limits (0 for no limit): how deeply a JSON request body nests objects and arrays. */
    maxJsonDepth: limit('maxJsonDepth'),
    /** Characters in one GraphQL document (the request's `query`). */
    maxQueryLength: limit('maxQueryLength'),
    /** Lexical tokens in a document: names, punctuation, values. */
    maxTokens: limit('maxTokens'),
    /** Fields nested in fields. */
    maxDepth: limit('maxDepth'),
    maxAliases: limit('maxAliases'),
    /** Field selections, fragments expanded. */
    maxFields: limit('maxFields'),
    /** Selections of a response name its selection set already selects (`name name`, `a: name a: uid`). */
    maxRepeatedFields: limit('maxRepeatedFields'),
    maxDirectives: limit('maxDirectives'),
    /** Fragment spreads, fragments expanded. */
    maxFragmentSpreads: limit('maxFragmentSpreads'),
    /** Each field 1, times 10 inside each list (src/server/document-measure.ts). */
    maxCost: limit('maxCost'),
  })
  .strict();

const ApiServerConfigSchema = ApiServerConfigObject.superRefine((config, ctx) => {
  const given = OIDC_REQUIRED.filter((key) => config[key] !== undefined);
  if (given.length === 0 || given.length === OIDC_REQUIRED.length) return;
  const named = (key: string) => `--${flagOf(key)}`;
  for (const key of OIDC_REQUIRED.filter((k) => config[k] === undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${named(key)} (${envOf(key)}) is required with ${given.map(named).join(' and ')}` });
  }
});

export type ApiServerConfig = Readonly<z.infer<typeof ApiServerConfigSchema>>;
export type ApiServerConfigInput = z.input<typeof ApiServerConfigSchema>;
export type ApiServerConfigKey = keyof ApiServerConfigInput;

/** Every key, each read from its SKYM_* variable. */
export const API_SERVER_CONFIG_KEYS = Object.keys(ApiServerConfigObject.shape) as ApiServerConfigKey[];

/** The config from explicit values over the environment over the defaults. */
export function loadApiServerConfig(values: ConfigValues<ApiServerConfigKey> = {}, env: NodeJS.ProcessEnv = process.env): ApiServerConfig {
  return loadConfig(ApiServerConfigSchema, API_SERVER_CONFIG_KEYS, values, env);
}
