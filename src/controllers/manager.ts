/**
 * The controller manager: a client of the API like any other (it never touches the store), so it
 * runs inside `skym up` or as its own process (`skym controllers --api URL[,URL…]`). It wires the shared
 * caches, the admission controller, the scheduler controller, the Skylet controller and the Skylet endpoint (through which
 * the API server reads logs, since only this process can reach the clusters), and starts the
 * controllers only once every cache has synced, so no reconcile acts on a half-listed world.
 *
 * With leader election, every replica keeps its caches warm; admission and the scheduler run only
 * in the replica holding the leader lease (leader-elector.ts), each term with fresh ones whose
 * writes are fenced by that term (leader-fence.ts); the Skylets are shared out over the replicas,
 * each cluster's on the one holding its cluster lease (skylet-shards.ts).
 */
import pino from 'pino';
import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import { createClusterManager, type ClusterManagerFactory } from '../cluster-managers/registry.js';
import type { ClusterAPI } from '../client/api.js';
import { SkyClient } from '../client/connection.js';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import { resolveQueue } from '../domain/queueing.js';
import { AdmissionController } from './admission-controller.js';
import { BurstGates } from './burst-gates.js';
import type { Workload } from '../domain/types.js';
import { SharedCaches } from './caches.js';
import { LEADER_ELECTION_DEFAULTS, LeaderElector, type LeaderElectionTimings } from './leader-elector.js';
import { fencedManager, fencedWriters, ListenerScope } from './leader-fence.js';
import { LeaseLock } from './lease-lock.js';
import { leaseStoreOf } from './lease-store.js';
import { SchedulerController } from './scheduler-controller.js';
import { SkyletController } from './skylet-controller.js';
import { Skylet } from './skylet.js';
import { SkyletShards } from './skylet-shards.js';
import { createSkyletEndpoint } from './skylet-endpoint.js';
import { registerDiscoveredClusters, type DiscoverySource } from './discovery.js';
import { Registry } from 'prom-client';
import { createControllerMetrics, type ControllerMetrics, type Role } from '../metrics/controller-metrics.js';
import type { SkyletOptions } from './skylet.js';

export interface ControllerManagerOptions {
  /**
   * The API servers' GraphQL endpoints: one, or several of one installation (sharing an etcd),
   * which its client fails over between (src/client/connection.ts).
   */
  apiUrls: readonly string[];
  /**
   * Bearer token for an API server started with --token-auth-file; its user needs group
   * sky:controllers (or sky:admins): the controllers register clusters and write status.
   * Default `$SKYM_TOKEN` (the client's default).
   */
  apiToken?: string;
  /** Where cluster managers keep their files (local replicas' state and logs). */
  stateDir: string;
  logger: pino.Logger;
  probeIntervalMs?: number;
  statusIntervalMs?: number;
  /** Where the Skylet endpoint listens; default 127.0.0.1 (the API server on this machine). */
  skyletHost?: string;
  /** Default 0: a free port, published in each Cluster's status. */
  skyletPort?: number;
  /** The Skylet token the endpoint requires (src/domain/skylet-token.ts); none: it is open. */
  skyletToken?: string;
  /** How long a cluster may stay in ERROR before its workloads move (scheduler-controller.ts). */
  failoverGraceMs?: number;
  /** Makes each cluster's manager; default the registry (src/cluster-managers/registry.ts). */
  createManager?: ClusterManagerFactory;
  /** Where to find clusters to register at start (discovery.ts); none by default. */
  discovery?: readonly DiscoverySource[];
  /**
   * Run the controllers only while this replica holds the leader lease, so several replicas may
   * run for availability and one acts. None: this process is the only one and always acts.
   */
  leaderElection?: LeaderElectionOptions;
  /**
   * Where the controllers' metrics go (src/metrics/controller-metrics.ts); the caller serves it
   * (src/roots/controller-manager.ts). None: a registry nobody reads (tests).
   */
  metricsRegistry?: Registry;
}

export interface LeaderElectionOptions extends Partial<LeaderElectionTimings> {
  /** Unique among the replicas (default in the CLI: hostname and pid). */
  identity: string;
  /** Default DEFAULT_LEADER_LEASE. */
  leaseName?: string;
}

export const DEFAULT_LEADER_LEASE = CONTROLLER_DEFAULTS.leaderElectLeaseName;

export interface ControllerManager {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `http://host:port` of the Skylet endpoint; valid after start(). */
  readonly skyletEndpoint: string;
}

export function createControllerManager(options: ControllerManagerOptions): ControllerManager {
  const { apiUrls, logger } = options;
  let metrics: ControllerMetrics | undefined;
  const onProbe = (cluster: string, seconds: number, ok: boolean) => metrics?.probed(cluster, seconds, ok);
  const election = options.leaderElection && { ...LEADER_ELECTION_DEFAULTS, ...options.leaderElection };
  const client = new SkyClient({ urls: apiUrls, token: options.apiToken });
  const caches = new SharedCaches(client, logger, { leases: election !== undefined });
  /** The admission controller and the scheduler of the term being led (always one without leader election). */
  let term: Term | undefined;
  const endpoint = createSkyletEndpoint({
    host: options.skyletHost,
    port: options.skyletPort,
    token: options.skyletToken,
    lookup: (cluster) => skylets.skylet(cluster),
    logger: logger.child({ component: 'skylet-endpoint' }),
  });
  // Several replicas share the clusters (skylet-shards.ts); one alone runs every Skylet.
  const shards = election && createShards(election, caches, logger, () => skylets);
  const skylets = createSkylets({ ...options, onProbe }, caches, shards, (cluster) => endpoint.urlFor(cluster));
  const startTerm = (leads: () => boolean) => {
    term = startTermControllers(options, caches, leads, metrics);
  };
  const stopTerm = async () => {
    const ending = term;
    term = undefined;
    await ending?.stop();
  };
  const elector = election && createElector(election, caches, logger, startTerm, stopTerm);
  metrics = createControllerMetrics(options.metricsRegistry ?? new Registry(), {
    workloads: () => caches.workloads(),
    clusters: () => caches.clusters.list(),
    roles: () => roles(caches, elector, shards, skylets, () => term !== undefined),
  });
  return {
    async start() {
      // Listening before any Skylet starts, so the first status a Skylet writes has its address.
      await endpoint.start();
      try {
        await checkCredentials(caches.clusterApi);
        await registerDiscoveredClusters(caches.clusterApi, options.discovery ?? [], logger.child({ component: 'discovery' }));
        await caches.start();
      } catch (error) {
        await endpoint.stop();
        throw error;
      }
      if (elector) elector.start();
      else startTerm(() => true);
      skylets.start();
      shards?.start();
    },
    async stop() {
      await endpoint.stop();
      // The elector stops its term before it releases the lease; the Skylets stop before their cluster leases go.
      if (elector) await elector.stop();
      else await stopTerm();
      await skylets.stop();
      await shards?.stop();
      await caches.stop();
      await client.close();
    },
    get skyletEndpoint() {
      return endpoint.url;
    },
  };
}

interface Term {
  stop(): Promise<void>;
}

/**
 * The leader's controllers, fresh over the shared caches: a term starts from what the caches hold
 * now, as a restarted process would, and keeps nothing of an earlier term (its reservations).
 */
function startTermControllers(options: ControllerManagerOptions, caches: SharedCaches, leads: () => boolean, metrics: ControllerMetrics | undefined): Term {
  const writer = fencedWriters(caches, leads);
  const { logger } = options;
  const scope = new ListenerScope(caches);
  const listers = scope.scoped();
  const queueOf = (workload: Workload) => resolveQueue(workload, caches.queues.list(), (namespace) => caches.namespaces.get(namespace)?.metadata.labels);
  // One set of waiting policies and start estimates for both, so admission and placement agree on who may burst.
  const gates = new BurstGates({ listers, queueOf });
  const scheduler = new SchedulerController({
    listers,
    writer,
    logger,
    failoverGraceMs: options.failoverGraceMs,
    queueOf,
    gates,
    onPlaced: metrics && ((workload, added) => metrics.placed(workload, added)),
  });
  const admission = new AdmissionController({ listers, writer, logger, gates, onAdmitted: metrics && ((workload, granted) => metrics.admitted(workload, granted)) });
  admission.start();
  scheduler.start();
  return {
    async stop() {
      scope.dispose();
      gates.stop();
      await scheduler.stop();
      await admission.stop();
    },
  };
}

/**
 * The Skylets of this replica: of every cluster when it is the only one, else of the clusters its
 * shards hold, each fenced by its cluster's lease (writes to the API and changes to the cluster).
 */
function createSkylets(options: ControllerManagerOptions & { onProbe: SkyletOptions['onProbe'] }, caches: SharedCaches, shards: SkyletShards | undefined, endpointFor: (cluster: string) => string): SkyletController {
  const factory = options.createManager ?? createClusterManager;
  const owns = (cluster: string) => shards?.owns(cluster) ?? true;
  return new SkyletController({
    listers: caches,
    writer: caches,
    stateDir: options.stateDir,
    logger: options.logger,
    probeIntervalMs: options.probeIntervalMs,
    statusIntervalMs: options.statusIntervalMs,
    endpointFor,
    onProbe: options.onProbe,
    owns: shards && owns,
    createSkylet: (cluster, skyletOptions) => {
      const name = cluster.metadata.name;
      const acts = () => owns(name);
      const why = `this replica does not hold cluster ${name}'s lease`;
      return new Skylet(cluster, {
        ...skyletOptions,
        writer: shards ? fencedWriters(caches, acts, why) : caches,
        createManager: (c, managerOptions) => (shards ? fencedManager(factory(c, managerOptions), name, acts, why) : factory(c, managerOptions)),
      });
    },
  });
}

/** Cluster leases renewed a few times per lease duration, and always within the renew deadline. */
function createShards(election: LeaderElectionOptions & LeaderElectionTimings, caches: SharedCaches, logger: pino.Logger, skylets: () => SkyletController): SkyletShards {
  const renewPeriodMs = Math.max(election.retryPeriodMs, Math.min(election.leaseDurationMs / 3, election.renewDeadlineMs / 2));
  return new SkyletShards({
    identity: election.identity,
    store: leaseStoreOf(caches.leaseApi, caches.leases),
    leases: caches.leases!,
    clusters: () => caches.clusters.list().map((c) => c.metadata.name),
    leaseDurationMs: election.leaseDurationMs,
    renewDeadlineMs: election.renewDeadlineMs,
    renewPeriodMs,
    running: (cluster) => skylets().runs(cluster),
    onChange: (cluster) => skylets().enqueue(cluster),
    logger: logger.child({ component: 'skylet-shards' }),
  });
}

function createElector(
  election: LeaderElectionOptions & LeaderElectionTimings,
  caches: SharedCaches,
  logger: pino.Logger,
  startTerm: (leads: () => boolean) => void,
  stopTerm: () => Promise<void>,
): LeaderElector {
  const lock = new LeaseLock({
    name: election.leaseName ?? DEFAULT_LEADER_LEASE,
    identity: election.identity,
    store: leaseStoreOf(caches.leaseApi),
    leaseDurationMs: election.leaseDurationMs,
  });
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = election;
  const elector: LeaderElector = new LeaderElector({
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    lock,
    logger: logger.child({ component: 'leader-election' }),
    callbacks: {
      onStartedLeading: (led) => startTerm(() => elector.isLeader(led)),
      onStoppedLeading: stopTerm,
    },
  });
  return elector;
}

/**
 * The roles this replica holds, for the leader gauge: the scheduler's (the leader lease, or always
 * without leader election while a term runs) and, per cluster, its Skylet's (its cluster lease, or
 * without shards whether its Skylet runs here).
 */
function* roles(caches: SharedCaches, elector: LeaderElector | undefined, shards: SkyletShards | undefined, skylets: SkyletController, termRuns: () => boolean): Iterable<Role> {
  yield { role: 'scheduler', held: elector ? elector.isLeader() : termRuns() };
  for (const cluster of caches.clusters.list()) {
    const name = cluster.metadata.name;
    yield { role: 'skylet', cluster: name, held: shards ? shards.owns(name) : skylets.runs(name) };
  }
}

/**
 * A missing or refused token (an API server with --token-auth-file) fails the start once, with the
 * server's message, instead of leaving the informers retrying their watches forever. Any other
 * failure (a server not up yet) is left to the informers, which wait for it as before.
 */
async function checkCredentials(clusters: ClusterAPI): Promise<void> {
  try {
    await clusters.list();
  } catch (error) {
    if (error instanceof UnauthenticatedError || error instanceof ForbiddenError) throw error;
  }
}
