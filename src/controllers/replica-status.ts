/**
 * A Skylet's job controller: reads what its cluster runs for each workload placed there and
 * writes it into that workload's status (its own entry of status.replicaStatus), together with
 * the phase that follows (workload-phase.ts). Several Skylets write the same workload's status,
 * each its own entry, so writes are compare-and-swap on the cached version; a CONFLICT just
 * means the next round reads the newer version.
 *
 * It also evicts: replicas the cluster has kept waiting (pending) for longer than the wait
 * timeout (the workload's, else the cluster's) are taken off this cluster's placement in the same
 * write, and the entry is stamped `evictedAt`, so the scheduler places them elsewhere and keeps
 * them off this cluster for a while (src/scheduler/eviction.ts). "Waiting since" is kept in
 * memory: after a restart the clock starts again, which delays an eviction but never hastens it.
 */
import type pino from 'pino';
import { type ClusterManager, type WorkloadReport } from '../cluster-managers/types.js';
import { ConflictError } from '../domain/errors.js';

import type { ClusterReplicaStatus, Workload, WorkloadStatus } from '../domain/types.js';
import type { SharedCaches } from './caches.js';
import { setCondition } from './conditions.js';
import { jsonEqual } from '../domain/json-equal.js';
import { markEvicted, waitTimeoutSeconds } from '../scheduler/eviction.js';
import { derivePhase, isFinished, replicaTotals } from './workload-phase.js';
import { refOf, refKey, describeRef } from '../domain/object-ref.js';

export interface ReplicaStatusOptions {
  clusterName: string;
  caches: SharedCaches;
  logger: pino.Logger;
}

export function placedOn(workload: Workload | undefined, cluster: string): number {
  return workload?.status.placements.find((p) => p.cluster === cluster)?.replicas ?? 0;
}

/**
 * A finished Job none of whose replicas still waits or runs: nothing about it can change, and
 * asking the cluster again would be work that grows with every Job ever run there. (A FAILED Job
 * may still have replicas running elsewhere; those are followed until they end.)
 */
function settled(workload: Workload): boolean {
  return isFinished(workload) && workload.status.replicaStatus.every((r) => r.pending === 0 && r.running === 0);
}

/** How soon a status write that lost a race is tried again. */
const CONFLICT_RETRY_MS = 100;

export class ReplicaStatus {
  /** Workload key → since when (ms) the cluster has reported replicas of it pending. */
  private readonly pendingSince = new Map<string, number>();

  constructor(private readonly options: ReplicaStatusOptions) {}

  /**
   * Reports the cluster's replica states; resolves with how long until it should look again even
   * if the cluster reports no change: when waiting replicas fall due for eviction, or soon when a
   * status write lost a race (undefined: neither).
   */
  async sync(manager: ClusterManager): Promise<number | undefined> {
    const { clusterName, caches } = this.options;
    const workloads = caches.workloads().filter((w) => placedOn(w, clusterName) > 0 && !settled(w));
    if (workloads.length === 0) return undefined;
    let nextDueMs: number | undefined;
    const reports = await manager.status(workloads.map(refOf));
    const placedKeys = new Set(workloads.map((w) => refKey(refOf(w))));
    for (const key of this.pendingSince.keys()) if (!placedKeys.has(key)) this.pendingSince.delete(key);
    const now = Date.now();
    await Promise.all(
      workloads.map(async (workload) => {
        const report = reports.get(describeRef(refOf(workload)));
        if (!report) return; // not submitted yet: the flow controller is on it
        let status = this.nextStatus(workload, report, manager.capabilities.usesImage);
        const timeout = waitTimeoutSeconds(workload, caches.clusters.get(clusterName));
        const evicting = this.overdue(workload, report, timeout, now);
        const dueMs = this.dueInMs(workload, timeout, now);
        if (dueMs !== undefined) nextDueMs = Math.min(nextDueMs ?? dueMs, dueMs);
        if (evicting > 0) status = this.evict(workload, status, evicting, timeout!, now);
        if (jsonEqual(status, workload.status)) return;
        try {
          await caches.writeStatus(workload, status);
          if (evicting > 0) {
            this.pendingSince.delete(refKey(refOf(workload)));
            this.options.logger.info(`Evicting ${evicting} waiting replicas of ${describeRef(refOf(workload))} from cluster ${clusterName}.`);
          }
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          // Someone else wrote the workload first (the scheduler moving replicas). Written again
          // from the newer copy shortly: a cluster that pushes its changes may send no more.
          nextDueMs = Math.min(nextDueMs ?? CONFLICT_RETRY_MS, CONFLICT_RETRY_MS);
        }
      }),
    );
    return nextDueMs;
  }

  /** How long until this workload's waiting replicas are overdue; undefined when none wait. */
  private dueInMs(workload: Workload, timeout: number | undefined, now: number): number | undefined {
    const since = this.pendingSince.get(refKey(refOf(workload)));
    if (since === undefined || timeout === undefined) return undefined;
    return Math.max(0, since + timeout * 1000 - now);
  }

  /** How many replicas to evict now: the pending ones, once they have waited past the timeout. */
  private overdue(workload: Workload, report: WorkloadReport, timeout: number | undefined, now: number): number {
    const key = refKey(refOf(workload));
    if (report.pending === 0 || timeout === undefined) {
      this.pendingSince.delete(key);
      return 0;
    }
    const since = this.pendingSince.get(key) ?? now;
    this.pendingSince.set(key, since);
    return now - since >= timeout * 1000 ? Math.min(report.pending, placedOn(workload, this.options.clusterName)) : 0;
  }

  /** `status` with `count` replicas taken off this cluster and the entry stamped for the scheduler. */
  private evict(workload: Workload, status: WorkloadStatus, count: number, timeout: number, now: number): WorkloadStatus {
    const { clusterName } = this.options;
    const message = `${count} replica(s) waited more than ${timeout}s in cluster ${clusterName} without starting; evicted to be placed elsewhere`;
    const placements = status.placements
      .map((p) => (p.cluster === clusterName ? { ...p, replicas: p.replicas - count } : p))
      .filter((p) => p.replicas > 0);
    const replicaStatus = status.replicaStatus.map((r) => (r.cluster === clusterName ? markEvicted(r, new Date(now), message) : r));
    const next: WorkloadStatus = {
      ...status,
      placements,
      replicaStatus,
      conditions: setCondition(status.conditions, { type: 'Evicted', status: 'True', reason: 'WaitTimeout', message }),
    };
    next.phase = derivePhase(workload, next);
    return next;
  }

  private nextStatus(workload: Workload, report: WorkloadReport, usesImage: boolean): WorkloadStatus {
    const { clusterName } = this.options;
    const entry: ClusterReplicaStatus = {
      cluster: clusterName,
      pending: report.pending,
      running: report.running,
      succeeded: report.succeeded,
      failed: report.failed,
      externalId: report.externalId,
      exitCodes: report.exitCodes,
      message: report.message,
    };
    // The stamp of an earlier eviction stays: the scheduler reads it to keep away for a while.
    const previous = workload.status.replicaStatus.find((r) => r.cluster === clusterName);
    if (previous?.evictedAt) {
      entry.evictedAt = previous.evictedAt;
      if (!entry.message) entry.message = previous.message;
    }
    const others = workload.status.replicaStatus.filter((r) => r.cluster !== clusterName);
    const replicaStatus = [...others, entry].sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
    let status: WorkloadStatus = { ...workload.status, replicaStatus };
    const totals = replicaTotals(status);
    if (workload.kind === 'Deployment') status.readyReplicas = totals.running;
    status.phase = derivePhase(workload, status);
    const now = new Date().toISOString();
    if (!status.startTime && totals.running + totals.succeeded + totals.failed > 0) status.startTime = now;
    if (!status.completionTime && (status.phase === 'COMPLETED' || status.phase === 'FAILED')) status.completionTime = now;
    if (!usesImage && workload.spec.image) {
      status = {
        ...status,
        conditions: setCondition(status.conditions, {
          type: 'ImageIgnored',
          status: 'True',
          // LocalCluster, SlurmCluster: the manager that runs `run` without a container.
          reason: `${titleCase(this.options.caches.clusters.get(clusterName)?.spec.manager ?? 'LOCAL')}Cluster`,
          message: `cluster ${clusterName} runs 'run' directly on its nodes; image ${workload.spec.image} is not used`,
        }),
      };
    }
    return status;
  }
}

function titleCase(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}
