/**
 * The scheduler controller: decides which clusters run how many replicas of every Job and
 * Deployment, and writes that decision into the workload's status (status.placements). Skylets
 * take it from there.
 *
 * reconcile(key), level-triggered from the cached workload and clusters:
 * - placements on clusters that no longer exist are dropped, so their replicas get a new home;
 * - placements above spec.replicas are trimmed (scale down), the newest cluster first;
 * - replicas still unplaced are placed by the pure scheduler (src/scheduler) against the
 *   clusters' reported capacity minus what this controller handed out that the clusters have
 *   not reported yet (Reservations), so a burst never over-commits a cluster;
 * - what does not fit stays unplaced with a `Scheduled=False` condition naming why each cluster
 *   refused, and is retried whenever a cluster or FilterPolicy changes.
 */
import type pino from 'pino';
import type { ClusterPlacement, Workload, WorkloadStatus } from '../domain/types.js';
import { describeRejections, sendingLogLine } from '../scheduler/messages.js';
import { place } from '../scheduler/place.js';
import { Reservations } from '../scheduler/reservations.js';
import type { SharedCaches } from './caches.js';
import { setCondition } from './conditions.js';
import { Controller } from './controller.js';
import { workloadKey } from './keys.js';
import { derivePhase, isFinished, placedReplicas } from './workload-phase.js';
import { jsonEqual } from '../domain/json-equal.js';

export interface SchedulerControllerOptions {
  caches: SharedCaches;
  logger: pino.Logger;
  resyncIntervalMs?: number;
  /**
   * Reconciles in flight at once. Each one mostly waits for its status write, so more workers
   * mean more placements per second. They cannot over-commit a cluster: a reconcile places and
   * holds the capacity in one synchronous step, before its first await.
   */
  workers?: number;
}

export class SchedulerController {
  private readonly controller: Controller;
  private readonly reservations = new Reservations();
  private readonly caches: SharedCaches;
  private readonly logger: pino.Logger;

  constructor({ caches, logger, resyncIntervalMs = 30_000, workers = 16 }: SchedulerControllerOptions) {
    this.caches = caches;
    this.logger = logger.child({ controller: 'scheduler' });
    this.controller = new Controller({
      name: 'scheduler',
      logger: this.logger,
      reconcile: (key) => this.reconcile(key),
      listKeys: () => caches.workloadKeys(),
      resyncIntervalMs,
      workers,
    });
    caches.onWorkload((w) => this.controller.enqueue(workloadKey(w)));
    // Capacity, readiness or policy changes can make waiting replicas fit; a deleted cluster
    // leaves replicas to place again.
    const retryWaiting = () => this.enqueueWaiting();
    caches.clusters.on('add', retryWaiting).on('update', retryWaiting).on('delete', (gone) => this.enqueueWaiting(gone.metadata.name));
    caches.filterPolicies.on('add', retryWaiting).on('update', retryWaiting).on('delete', retryWaiting);
  }

  start(): void {
    this.logger.info('Running Scheduler controller - Manages workload submission over multiple clusters.');
    this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  async reconcile(key: string): Promise<void> {
    const workload = this.caches.workload(key);
    if (!workload || isFinished(workload)) {
      this.reservations.forget(key);
      return;
    }
    const clusters = this.caches.clusters.list();
    const known = new Set(clusters.map((c) => c.metadata.name));
    let placements = workload.status.placements.filter((p) => known.has(p.cluster));
    placements = trim(placements, placedReplicas({ ...workload.status, placements }) - workload.spec.replicas);

    let added: ClusterPlacement[] = [];
    let reasons: Record<string, string> = {};
    const missing = workload.spec.replicas - sum(placements);
    if (missing > 0) {
      // Outstanding holds of this workload must not count against itself.
      this.reservations.forget(key);
      const result = place({
        workload,
        clusters: this.reservations.apply(clusters),
        filterPolicies: this.caches.filterPolicies.list(),
        replicas: missing,
      });
      added = result.placements;
      reasons = result.reasons;
      placements = merge(placements, added);
    }

    const status = this.nextStatus(workload, placements, reasons);
    this.reservations.hold(key, workload.spec.resources, outstanding(status));
    if (jsonEqual(status, workload.status)) return;
    await this.caches.writeStatus(workload, status);
    if (added.length > 0) this.logger.info(sendingLogLine(workload, added));
  }

  private nextStatus(workload: Workload, placements: ClusterPlacement[], reasons: Record<string, string>): WorkloadStatus {
    const desired = workload.spec.replicas;
    const unplaced = desired - sum(placements);
    const condition =
      unplaced <= 0
        ? { type: 'Scheduled', status: 'True', reason: 'Scheduled', message: `placed on ${describePlacements(placements)}` }
        : {
            type: 'Scheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: `${unplaced} of ${desired} replicas do not fit: ${describeRejections(reasons)}`,
          };
    const status: WorkloadStatus = {
      ...workload.status,
      placements,
      conditions: setCondition(workload.status.conditions, condition),
      observedGeneration: workload.metadata.generation,
    };
    status.phase = derivePhase(workload, status);
    return status;
  }

  /** Workloads with replicas to place, and those placed on `goneCluster`. */
  private enqueueWaiting(goneCluster?: string): void {
    for (const w of this.caches.workloads()) {
      if (isFinished(w)) continue;
      const onGone = goneCluster !== undefined && w.status.placements.some((p) => p.cluster === goneCluster);
      if (onGone || placedReplicas(w.status) !== w.spec.replicas) this.controller.enqueue(workloadKey(w));
    }
  }
}

function sum(placements: readonly ClusterPlacement[]): number {
  return placements.reduce((n, p) => n + p.replicas, 0);
}

/** Adds replicas per cluster, keeping clusters sorted by name. */
function merge(current: readonly ClusterPlacement[], added: readonly ClusterPlacement[]): ClusterPlacement[] {
  const byCluster = new Map(current.map((p) => [p.cluster, p.replicas]));
  for (const p of added) byCluster.set(p.cluster, (byCluster.get(p.cluster) ?? 0) + p.replicas);
  return [...byCluster].sort(([a], [b]) => (a < b ? -1 : 1)).map(([cluster, replicas]) => ({ cluster, replicas }));
}

/** Removes `excess` replicas, from the last cluster in the list backwards. */
function trim(placements: ClusterPlacement[], excess: number): ClusterPlacement[] {
  if (excess <= 0) return placements;
  const result = placements.map((p) => ({ ...p }));
  for (let i = result.length - 1; i >= 0 && excess > 0; i--) {
    const take = Math.min(result[i].replicas, excess);
    result[i].replicas -= take;
    excess -= take;
  }
  return result.filter((p) => p.replicas > 0);
}

/** Replicas placed on each cluster that the cluster has not reported yet (they still hold capacity). */
function outstanding(status: WorkloadStatus): ClusterPlacement[] {
  return status.placements
    .map(({ cluster, replicas }) => {
      const r = status.replicaStatus.find((s) => s.cluster === cluster);
      const reported = r ? r.pending + r.running + r.succeeded + r.failed : 0;
      return { cluster, replicas: replicas - reported };
    })
    .filter((p) => p.replicas > 0);
}

function describePlacements(placements: readonly ClusterPlacement[]): string {
  return placements.map((p) => `${p.cluster} (${p.replicas})`).join(', ');
}

