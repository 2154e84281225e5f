/**
 * Every default of Sky Manager's processes, written once: the configurations (./api-server.ts,
 * ./controller-manager.ts, ./up.ts) default to these, the code that runs without a configuration
 * (the controllers' resync, a Skylet's probes) reads them, and the CLI's help text quotes them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_API_HOST, DEFAULT_API_PORT } from '../domain/api-address.js';

/** The store's files (lowdb) and, below it in CLUSTERS_DIR, the cluster managers'. */
export const DEFAULT_DATA_DIR = join(homedir(), '.skym');

/** Where under a data directory the cluster managers keep their files (local replicas' state). */
export const CLUSTERS_DIR = 'clusters';

export const API_SERVER_DEFAULTS = {
  host: DEFAULT_API_HOST,
  /** 0 picks a free port; the server reports the real one. */
  port: DEFAULT_API_PORT,
  dataDir: DEFAULT_DATA_DIR,
  store: 'lowdb',
  etcdEndpoints: ['http://127.0.0.1:2379'],
  historyLimit: 10_000,
  bookmarkIntervalMs: 5_000,
  maxSubscriptionsPerConnection: 100,
  maxSubscriptionsPerUser: 1_000,
  maxWebsocketConnectionsPerUser: 100,
  maxWebsocketConnections: 1_000,
  /** 16 MiB. */
  maxSendBufferBytes: 16 * 1024 * 1024,
  logLevel: 'info',
  /** The OIDC token claims that name the user and their groups (kube-apiserver's defaults). */
  oidcUsernameClaim: 'sub',
  oidcGroupsClaim: 'groups',
} as const;

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

export const CONTROLLER_DEFAULTS = {
  stateDir: join(DEFAULT_DATA_DIR, CLUSTERS_DIR),
  /** How often each Skylet probes its cluster's health and capacity. */
  probeIntervalMs: 2_000,
  /** How often replica states are read back when neither the flag nor the cluster manager says. */
  statusIntervalMs: 1_000,
  /** How often every controller enqueues all its keys again, so a missed event cannot hide a change. */
  resyncIntervalMs: 30_000,
  /** How long a cluster may stay in ERROR before its workloads are placed elsewhere. */
  failoverGraceMs: 60_000,
  /** The Skylet endpoint: on this machine, where the API server of `skym up` reaches it. */
  skyletHost: '127.0.0.1',
  /** 0: a free port, published in each Cluster's status. */
  skyletPort: 0,
  /** The controller manager's /metrics (src/metrics/metrics-server.ts): on this machine unless told otherwise, */
  metricsHost: '127.0.0.1',
  /** on a free port, printed at start, so replicas on one machine never collide; give a fixed one for Prometheus. */
  metricsPort: 0,
  /** The Lease the replicas of a controller manager elect their leader by. */
  leaderElectLeaseName: 'skym-controller-manager',
  /** Kubernetes' kube-controller-manager timings: others wait 15 s for a silent leader, */
  leaderElectLeaseDurationMs: 15_000,
  /** which stops leading 10 s after its last successful renew, */
  leaderElectRenewDeadlineMs: 10_000,
  /** and renews (as candidates knock) every 2 s. */
  leaderElectRetryPeriodMs: 2_000,
} as const;

/** A path as help text shows it: the home directory as `~`, so it reads the same on every machine. */
export function shownPath(path: string, home = homedir()): string {
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
