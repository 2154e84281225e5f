/**
 * A Skylet: everything Sky Manager does for one member cluster, the way a Kubelet does it for one
 * node. It owns the cluster's ClusterManager and runs three controllers against it:
 * - cluster health (cluster-health.ts) every `probeIntervalMs`;
 * - flow (flow.ts), keyed by the workloads placed on this cluster, plus every workload the
 *   cluster runs for Sky, listed at start and then every `orphanSweepIntervalMs`: what a crash
 *   left behind, or what was moved away while the cluster was unreachable, is deleted;
 * - replica status (replica-status.ts) every `statusIntervalMs`, else as often as the manager
 *   asks (capabilities.statusIntervalMs), else every second; and soon after each change a
 *   manager pushes (onStatusChange: the Kubernetes manager's watch caches, the local manager's
 *   replica starts and exits), after a change to a workload placed here, and when waiting
 *   replicas fall due for eviction.
 * The periodic ones are loops (periodic.ts) that never overlap themselves and back off after a
 * failure instead of piling up. It also serves its cluster's logs through the Skylet endpoint
 * (skylet-endpoint.ts), whose address the health probe publishes in the Cluster's status.
 */
import type pino from 'pino';
import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import { createClusterManager, type ClusterManagerFactory } from '../cluster-managers/registry.js';
import type { ClusterManager, LogLine, LogOptions } from '../cluster-managers/types.js';
import type { Cluster } from '../domain/types.js';
import { ClusterHealth } from './cluster-health.js';
import { Controller } from './controller.js';
import { Flow } from './flow.js';
import type { ClusterStatusWriter, Listers, WorkloadStatusWriter } from './listers.js';
import { Periodic } from './periodic.js';
import { placedOn, ReplicaStatus } from './replica-status.js';
import { type WorkloadRef, refOf, refKey } from '../domain/object-ref.js';

export interface SkyletOptions {
  listers: Listers;
  writer: ClusterStatusWriter & WorkloadStatusWriter;
  stateDir: string;
  logger: pino.Logger;
  probeIntervalMs?: number;
  statusIntervalMs?: number;
  /** How often to look for orphans in the cluster; default 10 probe intervals. */
  orphanSweepIntervalMs?: number;
  createManager?: ClusterManagerFactory;
  /** The Skylet endpoint URL of a cluster (skylet-endpoint.ts), published in its status. */
  endpointFor?: (cluster: string) => string;
  /** Told of each health probe (cluster-health.ts): how long it took and whether it answered. */
  onProbe?: (cluster: string, seconds: number, ok: boolean) => void;
}

/** How long a pushed change waits for the rest of its burst (a Job's pods start together). */
const PUSH_BATCH_MS = 10;
/**
 * Pushed changes read the replica states at most this often: each read walks every workload
 * placed here, and a cluster with steady churn would otherwise be read on every event.
 */
const PUSH_MIN_GAP_MS = 100;

export class Skylet {
  private manager: ClusterManager | Error = new Error('the Skylet has not started');
  private readonly health: Periodic;
  private readonly replicas: Periodic;
  private readonly orphans: Periodic;
  private readonly flowController: Controller;
  private readonly flow: Flow;
  private unsubscribe = () => {};
  private pushTimer?: NodeJS.Timeout;
  private lastPushedRead = 0;
  /** The pushed read due also probes capacity (replicas started or ended in the cluster). */
  private pushedCapacity = false;
  /** Aborted by stop(): ends the log streams this Skylet serves. */
  private readonly stopping = new AbortController();
  private readonly logger: pino.Logger;
  readonly name: string;

  constructor(
    cluster: Cluster,
    private readonly options: SkyletOptions,
  ) {
    const { listers, writer } = options;
    this.name = cluster.metadata.name;
    this.logger = options.logger.child({ cluster: this.name });
    const probeIntervalMs = options.probeIntervalMs ?? CONTROLLER_DEFAULTS.probeIntervalMs;
    const statusIntervalMs = () =>
      options.statusIntervalMs ?? (this.manager instanceof Error ? undefined : this.manager.capabilities.statusIntervalMs) ?? CONTROLLER_DEFAULTS.statusIntervalMs;
    const orphanSweepIntervalMs = options.orphanSweepIntervalMs ?? 10 * probeIntervalMs;
    const health = new ClusterHealth({
      clusterName: this.name,
      clusters: listers.clusters,
      writer,
      logger: this.logger,
      skyletEndpoint: options.endpointFor?.(this.name),
      onProbe: options.onProbe,
    });
    const replicaStatus = new ReplicaStatus({ clusterName: this.name, listers, writer, logger: this.logger });
    this.flow = new Flow(this.name, listers, writer);
    const flow = this.flow;

    // A failing round is retried sooner at first, never later than five probe intervals.
    const loop = { logger: this.logger, retryMaxMs: 5 * probeIntervalMs };
    this.health = new Periodic({ ...loop, name: 'health', intervalMs: probeIntervalMs, round: () => health.probe(this.manager) });
    this.orphans = new Periodic({ ...loop, name: 'orphan sweep', intervalMs: orphanSweepIntervalMs, round: () => this.sweepOrphans() });
    this.replicas = new Periodic({
      ...loop,
      name: 'replica status',
      // Back at the poll interval, or sooner when waiting replicas fall due for eviction: a
      // manager that pushes changes may be polled rarely, and that is not a change it would push.
      intervalMs: statusIntervalMs,
      round: async () => {
        // Not while the cluster is in ERROR: the last reported states stand, and the health probe
        // (not a warning per second) tells why.
        if (this.manager instanceof Error || listers.clusters.get(this.name)?.status.phase === 'ERROR') return undefined;
        return replicaStatus.sync(this.manager);
      },
    });
    this.flowController = new Controller({
      name: `${this.name}/flow`,
      logger: this.logger,
      reconcile: async (key) => {
        if (this.manager instanceof Error) throw this.manager;
        await flow.reconcile(key, this.manager);
      },
      listKeys: () => listers.workloads().filter((w) => placedOn(w, this.name) > 0).map((w) => refKey(refOf(w))),
      resyncIntervalMs: CONTROLLER_DEFAULTS.resyncIntervalMs,
    });
  }

  async start(cluster: Cluster): Promise<void> {
    const { listers, stateDir } = this.options;
    try {
      this.manager = (this.options.createManager ?? createClusterManager)(cluster, { stateDir });
    } catch (error) {
      this.manager = error instanceof Error ? error : new Error(String(error));
      this.logger.warn({ err: this.manager.message }, `Cannot manage cluster ${this.name}.`);
    }
    const unsubscribeWorkloads = listers.onWorkload((w, old) => {
      if (placedOn(w, this.name) > 0 || placedOn(old, this.name) > 0) {
        // Seen here even when the placement comes back before the flow gets to it.
        if (old && placedOn(old, this.name) > 0 && placedOn(w, this.name) === 0) this.flow.removed(refKey(refOf(w)));
        this.flowController.enqueue(refKey(refOf(w)));
        // Reported states depend on the Sky object too (its placements): read them again, or a
        // cluster that pushes might not say anything more once the replicas have moved.
        this.statusChanged();
      }
    });
    const unsubscribeStatus = this.manager instanceof Error ? undefined : this.manager.onStatusChange?.(() => this.statusChanged({ capacity: true }));
    this.unsubscribe = () => {
      unsubscribeWorkloads();
      unsubscribeStatus?.();
      clearTimeout(this.pushTimer);
    };
    for (const w of listers.workloads()) if (placedOn(w, this.name) > 0) this.flowController.enqueue(refKey(refOf(w)));
    this.health.start();
    this.replicas.start();
    this.orphans.start();
    this.flowController.start();
    this.logger.info(`Launched Skylet for cluster: ${this.name}.`);
  }

  /**
   * The manager saw a change in its cluster, or a workload placed here changed: replica states
   * are read again shortly, not at the next poll. A burst of changes is one read, PUSH_BATCH_MS
   * later, and reads come no closer together than PUSH_MIN_GAP_MS. A change in the cluster also
   * refreshes its capacity: the scheduler must see the slots a finished replica freed before it
   * places the next workload.
   */
  private statusChanged({ capacity = false } = {}): void {
    this.pushedCapacity ||= capacity;
    if (this.pushTimer !== undefined) return;
    const wait = Math.max(PUSH_BATCH_MS, this.lastPushedRead + PUSH_MIN_GAP_MS - Date.now());
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      this.lastPushedRead = Date.now();
      this.replicas.poke();
      if (this.pushedCapacity) this.health.poke();
      this.pushedCapacity = false;
    }, wait);
  }

  /**
   * Hands the flow controller every workload the cluster runs that is not placed here any more (a
   * crash between a placement change and its cleanup, or replicas moved off while the cluster
   * was unreachable); it deletes them. A cluster that cannot be listed is retried next sweep.
   */
  private async sweepOrphans(): Promise<void> {
    // A cluster that is not READY does not answer; its health probe says so, once.
    if (this.manager instanceof Error || this.options.listers.clusters.get(this.name)?.status.phase !== 'READY') return;
    for (const ref of await this.manager.list()) {
      const key = refKey(ref);
      if (placedOn(this.options.listers.workload(key), this.name) === 0) this.flowController.enqueue(key);
    }
  }

  /**
   * The replicas' log lines as the cluster manager reads them. Throws at once when there is no
   * manager; a stream cut short because this Skylet stopped throws too, so that its reader knows
   * the logs are incomplete rather than finished.
   */
  logs(ref: WorkloadRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const manager = this.manager;
    if (manager instanceof Error) throw manager;
    const stopping = this.stopping.signal;
    const signal = options.signal ? AbortSignal.any([options.signal, stopping]) : stopping;
    const name = this.name;
    return (async function* () {
      yield* manager.logs(ref, { ...options, signal });
      if (stopping.aborted) throw new Error(`the Skylet of cluster ${name} stopped`);
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.unsubscribe();
    await Promise.all([this.health.stop(), this.replicas.stop(), this.orphans.stop(), this.flowController.stop()]);
    if (!(this.manager instanceof Error)) await this.manager.close();
    this.logger.info(`Stopped Skylet for cluster: ${this.name}.`);
  }
}
