/**
 * The controller manager: a client of the API like any other (it never touches the store), so it
 * runs inside `skym up` or as its own process (`skym controllers --api URL`). It wires the shared
 * caches, the admission controller, the scheduler controller, the Skylet controller and the Skylet endpoint (through which
 * the API server reads logs, since only this process can reach the clusters), and starts the
 * controllers only once every cache has synced, so no reconcile acts on a half-listed world.
 */
import pino from 'pino';
import type { ClusterManagerFactory } from '../cluster-managers/registry.js';
import type { ClusterAPI } from '../client/api.js';
import { SkyClient } from '../client/connection.js';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import { resolveQueue } from '../domain/queueing.js';
import { AdmissionController } from './admission-controller.js';
import { SharedCaches } from './caches.js';
import { SchedulerController } from './scheduler-controller.js';
import { SkyletController } from './skylet-controller.js';
import { createSkyletEndpoint } from './skylet-endpoint.js';
import { registerDiscoveredClusters, type DiscoverySource } from './discovery.js';

export interface ControllerManagerOptions {
  apiUrl: string;
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
}

export interface ControllerManager {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `http://host:port` of the Skylet endpoint; valid after start(). */
  readonly skyletEndpoint: string;
}

export function createControllerManager(options: ControllerManagerOptions): ControllerManager {
  const { apiUrl, stateDir, logger } = options;
  const client = new SkyClient({ url: apiUrl, token: options.apiToken });
  const caches = new SharedCaches(client, logger);
  const scheduler = new SchedulerController({
    listers: caches,
    writer: caches,
    logger,
    failoverGraceMs: options.failoverGraceMs,
    queueOf: (workload) => resolveQueue(workload, caches.queues.list(), (namespace) => caches.namespaces.get(namespace)?.metadata.labels),
  });
  const admission = new AdmissionController({ listers: caches, writer: caches, logger });
  const endpoint = createSkyletEndpoint({
    host: options.skyletHost,
    port: options.skyletPort,
    token: options.skyletToken,
    lookup: (cluster) => skylets.skylet(cluster),
    logger: logger.child({ component: 'skylet-endpoint' }),
  });
  const skylets = new SkyletController({
    listers: caches,
    writer: caches,
    stateDir,
    logger,
    probeIntervalMs: options.probeIntervalMs,
    statusIntervalMs: options.statusIntervalMs,
    endpointFor: (cluster) => endpoint.urlFor(cluster),
    createManager: options.createManager,
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
      admission.start();
      scheduler.start();
      skylets.start();
    },
    async stop() {
      await endpoint.stop();
      await skylets.stop();
      await scheduler.stop();
      await admission.stop();
      await caches.stop();
      await client.close();
    },
    get skyletEndpoint() {
      return endpoint.url;
    },
  };
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
