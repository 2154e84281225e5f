/**
 * ReplicaStatus, a Skylet's replica reporter: reads what its cluster runs for each workload
 * placed there and reports it (the workload's replicaStatus entry of this cluster, which only this
 * Skylet writes; the API server derives the phase from it).
 *
 * Replicas the cluster has kept waiting (pending) longer than the wait timeout (the workload's,
 * else the cluster's) are not this controller's to move: it adds an eviction request to its
 * report, and the scheduler takes them off this cluster and records the eviction. "Waiting since"
 * is part of the entry (pendingSince), so the Skylet that takes the cluster over on another
 * replica, or after a restart, goes on with the same clock.
 *
 * It also keeps the workload's account on this cluster (the entry's cost, src/domain/replica-cost.ts):
 * when the rate changes (replicas start or stop running, the cluster's price or the replicas'
 * resources change) it closes the open interval and opens one at the new rate. Pending replicas
 * cost nothing. The account lives in the entry too, for the same reason as pendingSince.
 */
import type pino from 'pino';
import type { ClusterManager, WorkloadReport } from '../cluster-managers/types.js';
import type { ConditionUpdate } from '../domain/conditions.js';
import { jsonEqual } from '../domain/json-equal.js';
import { describeRef, refKey, refOf } from '../domain/object-ref.js';
import { pricePerHour } from '../bursting/price.js';
import { accrue } from '../domain/replica-cost.js';
import type { ClusterReplicaStatus, EvictionRequest, ReplicaCost, Workload } from '../domain/types.js';
import { isFinished } from '../domain/workload-status.js';
import { waitTimeoutSeconds } from '../scheduler/eviction.js';
import type { Listers, WorkloadStatusWriter } from './listers.js';

export interface ReplicaStatusOptions {
  clusterName: string;
  listers: Listers;
  writer: WorkloadStatusWriter;
  logger: pino.Logger;
  /** The clock (ms) that times the wait for eviction and the cost intervals; default Date.now. */
  now?: () => number;
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

export class ReplicaStatus {
  constructor(private readonly options: ReplicaStatusOptions) {}

  /**
   * Reports the cluster's replica states; resolves with how long until it should look again even
   * if the cluster reports no change (when waiting replicas fall due for eviction), or undefined.
   */
  async sync(manager: ClusterManager): Promise<number | undefined> {
    const { clusterName, listers } = this.options;
    const workloads = listers.workloads().filter((w) => placedOn(w, clusterName) > 0 && !settled(w));
    if (workloads.length === 0) return undefined;
    let nextDueMs: number | undefined;
    const reports = await manager.status(workloads.map(refOf));
    const now = (this.options.now ?? Date.now)();
    await Promise.all(
      workloads.map(async (read) => {
        // As it is now, not as it was before the cluster answered: taken off this cluster
        // meanwhile (preempted, moved), its replicas are being deleted, and reporting what they
        // were would undo the flow's clearing of this entry.
        const workload = listers.workload(refKey(refOf(read)));
        if (!workload || placedOn(workload, clusterName) === 0) return;
        const report = reports.get(describeRef(refOf(workload)));
        if (!report) return; // not submitted yet: the flow controller is on it
        const timeout = waitTimeoutSeconds(workload, listers.clusters.get(clusterName));
        const since = this.pendingSince(workload, report, now);
        const request = this.evictionRequest(workload, report, since, timeout, now);
        if (!request && since !== undefined && timeout !== undefined) {
          const dueMs = Math.max(0, since + timeout * 1000 - now);
          nextDueMs = Math.min(nextDueMs ?? dueMs, dueMs);
        }
        const entry = this.entry(report, since, request, this.cost(workload, report, now));
        const conditions = this.conditions(workload, manager.capabilities.usesImage);
        if (!this.changes(workload, entry, conditions)) return;
        await this.options.writer.reportReplicas(workload, entry, conditions);
        if (request && ownEntry(workload, clusterName)?.evictionRequest?.requestedAt !== request.requestedAt) {
          this.options.logger.info(`Asking to evict ${request.replicas} waiting replicas of ${describeRef(refOf(workload))} from cluster ${clusterName}.`);
        }
      }),
    );
    return nextDueMs;
  }

  /**
   * Since when (ms) replicas of the workload have waited here: from the entry last reported, so
   * the clock survives a restart or a move of this Skylet; now when they start to wait, and again
   * once the scheduler has answered an eviction request. Undefined when none waits.
   */
  private pendingSince(workload: Workload, report: WorkloadReport, now: number): number | undefined {
    if (report.pending === 0) return undefined;
    const own = ownEntry(workload, this.options.clusterName);
    if (own?.evictionRequest && answered(workload, this.options.clusterName, own.evictionRequest)) return now;
    const reported = own && own.pending > 0 && own.pendingSince !== undefined ? Date.parse(own.pendingSince) : NaN;
    // A clock from the future (another machine's) would only postpone: never later than now.
    return Number.isNaN(reported) ? now : Math.min(reported, now);
  }

  /**
   * The eviction request to report: the one already reported until the scheduler has answered
   * it, else a new one for the pending replicas once they have waited past the timeout.
   */
  private evictionRequest(workload: Workload, report: WorkloadReport, since: number | undefined, timeout: number | undefined, now: number): EvictionRequest | undefined {
    const { clusterName } = this.options;
    const asked = ownEntry(workload, clusterName)?.evictionRequest;
    if (asked && !answered(workload, clusterName, asked)) return asked;
    if (since === undefined || timeout === undefined || now - since < timeout * 1000) return undefined;
    const replicas = Math.min(report.pending, placedOn(workload, clusterName));
    return {
      replicas,
      requestedAt: new Date(now).toISOString(),
      message: `${replicas} replica(s) waited more than ${timeout}s in cluster ${clusterName} without starting; evicted to be placed elsewhere`,
    };
  }

  /**
   * The account carried to what runs now: running replicas at the price of one on this cluster.
   * Until the cache has the cluster its price is unknown, and the account stays as it was.
   */
  private cost(workload: Workload, report: WorkloadReport, now: number): ReplicaCost | undefined {
    const { clusterName, listers } = this.options;
    const previous = ownEntry(workload, clusterName)?.cost;
    const cluster = listers.clusters.get(clusterName);
    if (!cluster) return previous;
    return accrue(previous, report.running * pricePerHour(cluster, workload.spec.resources), now);
  }

  private entry(report: WorkloadReport, pendingSince: number | undefined, evictionRequest: EvictionRequest | undefined, cost: ReplicaCost | undefined): ClusterReplicaStatus {
    const entry: ClusterReplicaStatus = {
      cluster: this.options.clusterName,
      pending: report.pending,
      running: report.running,
      succeeded: report.succeeded,
      failed: report.failed,
    };
    if (report.externalId !== undefined) entry.externalId = report.externalId;
    if (report.exitCodes !== undefined) entry.exitCodes = report.exitCodes;
    if (report.message !== undefined) entry.message = report.message;
    if (pendingSince !== undefined) entry.pendingSince = new Date(pendingSince).toISOString();
    if (evictionRequest) entry.evictionRequest = evictionRequest;
    if (cost) entry.cost = cost;
    return entry;
  }

  /** The conditions this Skylet owns: ImageIgnored when its cluster runs `run` without a container. */
  private conditions(workload: Workload, usesImage: boolean): ConditionUpdate[] {
    if (usesImage || !workload.spec.image) return [];
    const { clusterName, listers } = this.options;
    return [
      {
        type: 'ImageIgnored',
        status: 'True',
        // LocalCluster, SlurmCluster: the manager that runs `run` without a container.
        reason: `${titleCase(listers.clusters.get(clusterName)?.spec.manager ?? 'LOCAL')}Cluster`,
        message: `cluster ${clusterName} runs 'run' directly on its nodes; image ${workload.spec.image} is not used`,
      },
    ];
  }

  /** Whether the report says anything the workload does not already hold. */
  private changes(workload: Workload, entry: ClusterReplicaStatus, conditions: readonly ConditionUpdate[]): boolean {
    if (!jsonEqual(ownEntry(workload, entry.cluster), entry)) return true;
    return conditions.some((c) => {
      const held = workload.status.conditions.find((h) => h.type === c.type);
      return !held || held.status !== c.status || held.reason !== c.reason || held.message !== c.message;
    });
  }
}

/** Whether the scheduler has recorded the eviction this request asked for. */
function answered(workload: Workload, cluster: string, request: EvictionRequest): boolean {
  return workload.status.evictions?.some((e) => e.cluster === cluster && e.requestedAt === request.requestedAt) ?? false;
}

function ownEntry(workload: Workload, cluster: string): ClusterReplicaStatus | undefined {
  return workload.status.replicaStatus.find((r) => r.cluster === cluster);
}

function titleCase(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}
