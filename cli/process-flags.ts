/**
 * The flags of the commands that run Sky Manager's processes (`skym server`, `skym controllers`,
 * `skym up`), defined once and shared. Each flag is its config key in kebab case (src/config/
 * names.ts: `--max-aliases` is `maxAliases` and SKYM_MAX_ALIASES), so `configValues` turns parsed
 * flags into config values without a table; a flag not given falls through to its SKYM_* variable,
 * then the default. Help text quotes the defaults from src/config/defaults.ts.
 */
import { Flags } from '@oclif/core';
import { durationFlag } from './durations.js';
import { STORE_KINDS } from '../src/config/api-server.js';
import { API_SERVER_DEFAULTS, CONTROLLER_DEFAULTS, DOCUMENT_LIMIT_DEFAULTS, shownPath } from '../src/config/defaults.js';
import { envOf, flagOf } from '../src/config/names.js';
import { UP_LOCAL_CLUSTER } from '../src/config/up.js';
import { GROUPS } from '../src/server/auth/authorize.js';

/** The values of `keys` among parsed flags, each under its config key. */
export function configValues<K extends string>(flags: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, unknown>> {
  return Object.fromEntries(keys.map((key) => [key, flags[flagOf(key)]])) as Partial<Record<K, unknown>>;
}

/** "Default: $SKYM_KEY, else VALUE." for a key whose flag falls through to its variable. */
const envOrDefault = (key: string, value: string | number) => `Default: $${envOf(key)}, else ${value}.`;

const A = API_SERVER_DEFAULTS;
const C = CONTROLLER_DEFAULTS;

// ---------------------------------------------------------------- API server (server, up)

/** --host, --port, --data-dir and --repair-data-dir, in the words of the command that takes them. */
function listenFlags(say: { host: string; port: string; dataDir: string }) {
  return {
    host: Flags.string({ description: `${say.host} Default: ${A.host}.` }),
    port: Flags.integer({ min: 0, max: 65_535, description: `${say.port}; 0 picks a free one. Default: ${A.port}.` }),
    'data-dir': Flags.string({ description: `${say.dataDir} Default: ${shownPath(A.dataDir)}.` }),
    'repair-data-dir': Flags.boolean({
      description: `Start even if the lowdb data directory has lost acknowledged writes (the server refuses otherwise, naming them): keep what is intact, log what is dropped, rewrite the directory. Default: $${envOf('repairDataDir')}, else off.`,
    }),
  };
}

const TOKEN_AUTH_FILE_DESCRIPTION = `Require a bearer token from this file (Kubernetes --token-auth-file format: token,user,uid,"group1,group2") and allow each user what their groups allow (${[GROUPS.admins, GROUPS.controllers, GROUPS.editors, GROUPS.viewers].join(', ')}). Default: $${envOf('tokenAuthFile')}; without it (or --oidc-issuer) the server is open to whoever reaches it.`;

const OIDC = 'OIDC AUTHENTICATION';
const oidcFlag = (helpValue: string, description: string) => Flags.string({ helpGroup: OIDC, helpValue, description });

/** OIDC ID tokens as bearer tokens (src/server/auth/oidc.ts), with kube-apiserver's flag names. */
const oidcFlags = {
  'oidc-issuer': oidcFlag(
    'URL',
    `Also accept OIDC ID tokens (JWTs) from this issuer as bearer tokens: its https URL, as its tokens' "iss" claim says it. Needs --oidc-audience and --oidc-jwks. Default: $${envOf('oidcIssuer')}.`,
  ),
  'oidc-audience': oidcFlag(
    'AUD',
    `Accept only tokens whose "aud" claim holds this: the client ID the issuer gave Sky Manager (kube-apiserver's --oidc-client-id). Default: $${envOf('oidcAudience')}.`,
  ),
  'oidc-jwks': oidcFlag(
    'FILE|URL',
    `The issuer's public signing keys: a JWKS file read at start, or an http(s) URL (the jwks_uri of the issuer's discovery document) fetched when needed, cached 10 minutes and fetched again, at most every 30 s, when a token names an unknown key. Default: $${envOf('oidcJwks')}.`,
  ),
  'oidc-username-claim': oidcFlag('CLAIM', `The token claim that holds the user name; a token without it is refused. ${envOrDefault('oidcUsernameClaim', A.oidcUsernameClaim)}`),
  'oidc-groups-claim': oidcFlag('CLAIM', `The token claim that holds the user's groups (a string or a list of strings; absent: none). ${envOrDefault('oidcGroupsClaim', A.oidcGroupsClaim)}`),
  'oidc-username-prefix': oidcFlag('PREFIX', `Put before each OIDC user name, e.g. "oidc:", so that none can pass for a token file's user. Default: $${envOf('oidcUsernamePrefix')}, else none.`),
  'oidc-groups-prefix': oidcFlag(
    'PREFIX',
    `Put before each OIDC group, e.g. "oidc:", so that the issuer's groups cannot pass for Sky Manager's own (${GROUPS.viewers}, …): with a prefix, no OIDC user is in those. Default: $${envOf('oidcGroupsPrefix')}, else none.`,
  ),
};

/** The API server's proof to the Skylet endpoints (server, controllers, up). */
const skyletTokenFile = Flags.string({
  description: `A file holding the Skylet token (one line, at least 16 characters; e.g. from \`openssl rand -base64 32\`). The controllers' Skylet endpoint then answers only requests that carry it, and the API server sends it when it reads logs: give both the same file. Default: $${envOf('skyletTokenFile')}; without it the endpoint is open to whoever reaches it (skym up makes a random token instead).`,
  helpValue: 'FILE',
});

const limitFlag = (key: keyof typeof DOCUMENT_LIMIT_DEFAULTS, what: string) =>
  Flags.integer({ min: 0, helpValue: 'N', helpGroup: 'REQUEST LIMITS', description: `${what} (0 for no limit). ${envOrDefault(key, DOCUMENT_LIMIT_DEFAULTS[key])}` });

/** The bounds on one GraphQL request (src/server/use-document-limits.ts, use-json-depth-limit.ts). */
export const documentLimitFlags = {
  'max-json-depth': limitFlag('maxJsonDepth', 'Levels of objects and arrays nested in a JSON request body'),
  'max-query-length': limitFlag('maxQueryLength', 'Characters in one GraphQL document (the request\'s "query")'),
  'max-tokens': limitFlag('maxTokens', 'Lexical tokens (names, punctuation, values) in one GraphQL document'),
  'max-depth': limitFlag('maxDepth', 'Levels of fields nested in fields in a GraphQL document'),
  'max-aliases': limitFlag('maxAliases', 'Aliases in a GraphQL document'),
  'max-fields': limitFlag('maxFields', 'Field selections in a GraphQL document, fragments expanded'),
  'max-repeated-fields': limitFlag('maxRepeatedFields', 'Selections of a response name that the same selection set already selects ("name name", "a: name a: uid")'),
  'max-directives': limitFlag('maxDirectives', 'Directives in a GraphQL document, fragments expanded'),
  'max-fragment-spreads': limitFlag('maxFragmentSpreads', 'Fragment spreads in a GraphQL document, fragments expanded'),
  'max-cost': limitFlag('maxCost', 'Cost of a GraphQL document: each field 1, times 10 inside each list'),
};

const none = '0 for no limit';
const wsLimitFlag = (key: keyof typeof A, what: string, shown: string | number = A[key] as number) =>
  Flags.integer({ min: 0, helpValue: 'N', description: `${what} (${none}). ${envOrDefault(key, shown)}` });

/** The WebSocket caps (src/server/websocket-guard.ts). */
const websocketLimitFlags = {
  'max-subscriptions-per-connection': wsLimitFlag('maxSubscriptionsPerConnection', 'Subscriptions one WebSocket connection may run at once; more get TOO_MANY_SUBSCRIPTIONS'),
  'max-subscriptions-per-user': wsLimitFlag(
    'maxSubscriptionsPerUser',
    "Subscriptions one user (the token's user; without --token-auth-file, the remote address) may run at once over all their connections",
  ),
  'max-websocket-connections-per-user': wsLimitFlag('maxWebsocketConnectionsPerUser', 'WebSocket connections one user or address may hold; more are closed with code 1013'),
  'max-websocket-connections': wsLimitFlag('maxWebsocketConnections', 'WebSocket connections the server holds in all; more are closed with code 1013'),
  'max-send-buffer-bytes': wsLimitFlag(
    'maxSendBufferBytes',
    'Bytes a WebSocket client may leave unread; a client that stops reading is closed with code 1008 once it has more',
    `${A.maxSendBufferBytes} (${A.maxSendBufferBytes / 1024 / 1024} MiB)`,
  ),
};

export const serverFlags = {
  ...listenFlags({ host: 'Address to listen on.', port: 'Port to listen on', dataDir: 'Where the lowdb store keeps its files.' }),
  store: Flags.option({ options: STORE_KINDS, description: `Store backend. Default: ${A.store}.` })(),
  'etcd-endpoints': Flags.string({ description: `Comma-separated etcd URLs, for --store etcd. Default: ${A.etcdEndpoints.join(',')}.` }),
  'history-limit': Flags.integer({ min: 1, description: `Events kept for watch resumption (lowdb, memory). Default: ${A.historyLimit}.` }),
  'bookmark-interval-ms': Flags.integer({ min: 10, description: `How often idle watches get a BOOKMARK. Default: ${A.bookmarkIntervalMs}.` }),
  ...documentLimitFlags,
  ...websocketLimitFlags,
  'token-auth-file': Flags.string({ description: TOKEN_AUTH_FILE_DESCRIPTION, helpValue: 'FILE' }),
  ...oidcFlags,
  'skylet-token-file': skyletTokenFile,
  'skylet-allow-link-local': Flags.boolean({
    description: 'Read logs from Skylet endpoints at link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, …) too. Default: refused.',
  }),
  'metrics-open': Flags.boolean({
    description: `Serve /metrics without a token even with --token-auth-file or --oidc-issuer (for a Prometheus on a trusted network). Default: $${envOf('metricsOpen')}, else off: with authentication on, scraping needs a token whose user may get "metrics" (${GROUPS.admins}, ${GROUPS.controllers}, or a ClusterRole granting it); an open server serves it to all.`,
  }),
  'cors-allowed-origins': Flags.string({
    description: `Comma-separated origins whose web pages may call the API from a browser (CORS), e.g. https://tools.example.com; * for any. Default: $${envOf('corsAllowedOrigins')}, else none.`,
    helpValue: 'ORIGINS',
  }),
};

// ---------------------------------------------------------------- controller manager (controllers, up)

/** Which clusters to register at start (src/roots/discovery.ts). */
const discoveryFlags = {
  discover: Flags.boolean({
    default: true,
    allowNo: true,
    description:
      'At start, register each context of the kubeconfig ($KUBECONFIG or ~/.kube/config) as a KUBERNETES cluster, and each cluster of --slurm-clusters, unless a cluster of that name exists.',
  }),
  'slurm-clusters': Flags.string({
    description: 'YAML file listing Slurm clusters to register at start (name, slurmConf, sshHost, restUrl, partition, labels).',
    helpValue: 'FILE',
  }),
};

export const controllerFlags = {
  'state-dir': Flags.string({ description: `Where cluster managers keep their files. Default: ${shownPath(C.stateDir)}.` }),
  'probe-interval-ms': Flags.integer({ min: 50, description: `How often each cluster reports health and capacity. Default: ${C.probeIntervalMs}.` }),
  'status-interval-ms': Flags.integer({
    min: 50,
    description: `How often replica states are read back. Default: the cluster manager's own (${C.statusIntervalMs}). Kubernetes and local clusters also report each change as it happens, so for them this is a safety net.`,
  }),
  'skylet-host': Flags.string({
    description: `Address of the Skylet endpoint, through which the API server reads logs; it must reach it there. With --skylet-token-file it answers only requests that carry a credential derived from that token (an API server given the same file sends one); without a token anyone who reaches it can read logs, so bind it to a private address. Default: ${C.skyletHost}.`,
  }),
  'skylet-port': Flags.integer({ min: 0, max: 65_535, description: `Port of the Skylet endpoint; 0 picks a free one. Default: ${C.skyletPort}.` }),
  'metrics-host': Flags.string({
    description: `Address of the controller manager's /metrics (Prometheus text format; nothing authenticates scrapers, so keep it on a private address). Default: ${C.metricsHost}.`,
  }),
  'metrics-port': Flags.integer({
    min: 0,
    max: 65_535,
    description: `Port of the controller manager's /metrics; 0 picks a free one, printed at start. Give a fixed one for Prometheus. Default: ${C.metricsPort}.`,
  }),
  'failover-grace-ms': Flags.integer({
    min: 0,
    description: `How long a cluster may stay in ERROR before its workloads are placed on other clusters. Default: ${C.failoverGraceMs}.`,
  }),
  'skylet-token-file': skyletTokenFile,
  ...discoveryFlags,
  'leader-elect': Flags.boolean({
    default: true,
    allowNo: true,
    description: `Run the controllers only while this replica holds the Lease "${C.leaderElectLeaseName}", so several replicas can run against one API and another takes over within a lease duration when the leader dies. --no-leader-elect: this is the only replica.`,
  }),
  'leader-elect-identity': Flags.string({ description: 'This replica\'s name in the Lease; unique among the replicas. Default: HOSTNAME_PID.' }),
  'leader-elect-lease-name': Flags.string({ description: `The Lease the replicas elect their leader by. Default: ${C.leaderElectLeaseName}.` }),
  // Kubernetes' names without its leader-elect- prefix, as the issue of the HA work asked.
  'lease-duration': durationFlag({
    description: `With --leader-elect: how long the other replicas wait, after they last saw the leader renew, before one takes over. Default: ${C.leaderElectLeaseDurationMs / 1000}s.`,
  }),
  'renew-deadline': durationFlag({
    description: `With --leader-elect: how long the leader keeps acting without a successful renew; less than --lease-duration. Default: ${C.leaderElectRenewDeadlineMs / 1000}s.`,
  }),
  'retry-period': durationFlag({
    description: `With --leader-elect: how often the leader renews and the others try to take over; --renew-deadline must exceed 1.2 times it. Default: ${C.leaderElectRetryPeriodMs / 1000}s.`,
  }),
};

// ---------------------------------------------------------------- up: both, and the local cluster

export const upFlags = {
  ...listenFlags({
    host: 'Address the API listens on.',
    port: 'API port',
    dataDir: 'Where the store and the local cluster keep their files.',
  }),
  'metrics-open': Flags.boolean({
    description: `Serve /metrics (the API server's and the controllers') without a token even with --token-auth-file. Default: $${envOf('metricsOpen')}, else off: with authentication on, scraping needs a token whose user may get "metrics" (${GROUPS.admins}, ${GROUPS.controllers}, or a ClusterRole granting it).`,
  }),
  'local-cluster': Flags.boolean({
    default: true,
    allowNo: true,
    description: `Register a LOCAL cluster named "${UP_LOCAL_CLUSTER}" (this machine) if it does not exist.`,
  }),
  'token-auth-file': Flags.string({
    helpValue: 'FILE',
    description: `${TOKEN_AUTH_FILE_DESCRIPTION} The controllers use the token of the file's first user in group ${GROUPS.controllers}, which it must have; needed with --oidc-issuer too.`,
  }),
  ...oidcFlags,
  'skylet-token-file': skyletTokenFile,
  ...websocketLimitFlags,
  ...documentLimitFlags,
  ...discoveryFlags,
};
