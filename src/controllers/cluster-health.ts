/**
 * ClusterHealth, a Skylet's health probe (the Kubelet's node-status loop): every few seconds it
 * asks the cluster manager for capacity and writes health and figures into the Cluster's status.
 * One failure is a blip; `failureThreshold` in a row turn the cluster ERROR, with the reason, so the
 * scheduler stops placing work there. Each write also publishes where this Skylet serves the
 * cluster (status.skyletEndpoint), as a kubelet publishes its address in its Node's status.
 * The Skylet owns its Cluster's status, so writes need no compare-and-swap, and nothing is
 * written when nothing changed.
 */
import type pino from 'pino';
import type { ObjectCache } from '../client/informer.js';
import type { ClusterManager } from '../cluster-managers/types.js';
import type { Cluster, ClusterStatus } from '../domain/types.js';
import type { ClusterStatusWriter } from './listers.js';
import { setCondition } from '../domain/conditions.js';
import { boundTo } from './log-fields.js';
import { jsonEqual } from '../domain/json-equal.js';

export interface ClusterHealthOptions {
  clusterName: string;
  clusters: ObjectCache<Cluster>;
  writer: ClusterStatusWriter;
  logger: pino.Logger;
  failureThreshold?: number;
  /** Published as status.skyletEndpoint, so the API server can read this cluster's logs. */
  skyletEndpoint?: string;
  /** Told how long each probe of the cluster manager took and whether it answered (the metrics). */
  onProbe?: (cluster: string, seconds: number, ok: boolean) => void;
}

export class ClusterHealth {
  private failures = 0;
  /** Its lines name the cluster once (a Skylet's logger has it bound already). */
  private readonly logger: pino.Logger;

  constructor(private readonly options: ClusterHealthOptions) {
    this.logger = boundTo(options.logger, { cluster: options.clusterName });
  }

  /** One probe; `manager` is an Error when the Skylet could not create one for this cluster. */
  async probe(manager: ClusterManager | Error): Promise<void> {
    const { clusterName, clusters, failureThreshold = 3, skyletEndpoint } = this.options;
    const cluster = clusters.get(clusterName);
    if (!cluster) return;
    let status: ClusterStatus;
    let probeStart: number | undefined;
    try {
      if (manager instanceof Error) throw manager;
      // Timed inline, not in a helper: an extra await here reorders the first status write
      // against the Skylet's first submits.
      probeStart = performance.now();
      const capacity = await manager.capacity();
      this.options.onProbe?.(clusterName, (performance.now() - probeStart) / 1000, true);
      this.failures = 0;
      status = {
        ...cluster.status,
        ...capacity,
        phase: 'READY',
        message: undefined,
        skyletEndpoint,
        conditions: setCondition(cluster.status.conditions, { type: 'Ready', status: 'True', reason: 'CapacityReported' }),
      };
    } catch (error) {
      if (probeStart !== undefined) this.options.onProbe?.(clusterName, (performance.now() - probeStart) / 1000, false);
      this.failures++;
      const message = error instanceof Error ? error.message : String(error);
      // A manager that cannot be created will not get better by retrying: report it at once.
      if (!(manager instanceof Error) && this.failures < failureThreshold) {
        this.logger.warn({ failures: this.failures, err: message }, 'capacity probe failed');
        return;
      }
      status = {
        ...cluster.status,
        phase: 'ERROR',
        message,
        // Still published: the endpoint then explains why this cluster's logs cannot be read.
        skyletEndpoint,
        conditions: setCondition(cluster.status.conditions, { type: 'Ready', status: 'False', reason: 'Unreachable', message }),
      };
    }
    if (jsonEqual(status, cluster.status)) return;
    await this.options.writer.updateClusterStatus(clusterName, status);
    if (status.phase !== cluster.status.phase) {
      this.logger.info({ phase: status.phase, message: status.message }, `Cluster ${clusterName} is ${status.phase}.`);
    }
  }
}
