/**
 * Flow, a Skylet's submitter: makes its cluster run exactly what the scheduler placed there.
 * reconcile(key) submits the workload with the replica count placed on this cluster (the
 * manager's submit is idempotent: deterministic names, create-if-absent), and deletes it from
 * the cluster when the workload is gone or no longer placed here. Finished Jobs are left as they
 * are, so their logs stay readable until the Job is deleted.
 *
 * Replicas taken off the cluster (preemption, failover, eviction) are gone for good: after the
 * delete, the cluster's replicaStatus entry is cleared, so a later placement here starts from a
 * report of nothing rather than the old run's counts and exit codes. A placement that comes back
 * before this Skylet acted on its removal (removed(), told by the Skylet from the watch events)
 * still deletes the old replicas first: the new placement is a new run, not the old one adopted.
 * What the old run cost stays: the cleared entry keeps the account, its open interval closed.
 */
import { type ClusterManager } from '../cluster-managers/types.js';
import { accrue } from '../domain/replica-cost.js';
import type { ClusterReplicaStatus, Workload } from '../domain/types.js';

import type { Listers, WorkloadStatusWriter } from './listers.js';
import { placedOn } from './replica-status.js';
import { isFinished } from '../domain/workload-status.js';
import { refOf, parseWorkloadRefKey } from '../domain/object-ref.js';

export class Flow {
  /** Workloads whose placement here went to 0 and whose replicas have not been deleted since. */
  private readonly removedKeys = new Set<string>();

  constructor(
    private readonly clusterName: string,
    private readonly listers: Pick<Listers, 'workload'>,
    private readonly writer: Pick<WorkloadStatusWriter, 'reportReplicas'>,
    /** Closes the cost interval of replicas it deleted; default Date.now. */
    private readonly now: () => number = Date.now,
  ) {}

  /** The workload's placement on this cluster went to 0: its replicas there must go. */
  removed(key: string): void {
    this.removedKeys.add(key);
  }

  async reconcile(key: string, manager: ClusterManager): Promise<void> {
    const workload = this.listers.workload(key);
    const replicas = placedOn(workload, this.clusterName);
    if (!workload || replicas === 0) {
      const { kind, namespace, name } = parseWorkloadRefKey(key);
      await manager.delete({ kind, namespace, name });
      this.removedKeys.delete(key);
      if (workload) await this.clearReport(workload);
      return;
    }
    if (isFinished(workload)) return;
    if (this.removedKeys.has(key)) {
      await manager.delete(refOf(workload));
      this.removedKeys.delete(key);
      await this.clearReport(workload);
    }
    await manager.ensureNamespace(refOf(workload).namespace);
    await manager.submit(workload, replicas, { firstReplicaIndex: firstReplicaIndex(workload, this.clusterName) });
  }

  /** Reports that the cluster runs nothing of the workload, unless its entry already says so. */
  private async clearReport(workload: Workload): Promise<void> {
    const entry = workload.status.replicaStatus.find((r) => r.cluster === this.clusterName);
    if (!entry || !claimsReplicas(entry)) return;
    const cleared: ClusterReplicaStatus = { cluster: this.clusterName, pending: 0, running: 0, succeeded: 0, failed: 0 };
    const cost = accrue(entry.cost, 0, this.now());
    if (cost) cleared.cost = cost;
    await this.writer.reportReplicas(workload, cleared, []);
  }
}

function claimsReplicas(entry: ClusterReplicaStatus): boolean {
  return (
    entry.pending + entry.running + entry.succeeded + entry.failed > 0 ||
    entry.externalId !== undefined ||
    (entry.exitCodes?.length ?? 0) > 0 ||
    entry.evictionRequest !== undefined ||
    entry.message !== undefined
  );
}

/**
 * Replicas are numbered across clusters in placement order (placements are sorted by cluster
 * name): with {a: 3, b: 1}, a runs SKY_REPLICA_INDEX 0..2 and b runs 3. A placement that changes
 * (failover, eviction) renumbers only replicas started after it.
 */
export function firstReplicaIndex(workload: Workload, cluster: string): number {
  let index = 0;
  for (const p of workload.status.placements) {
    if (p.cluster === cluster) return index;
    index += p.replicas;
  }
  return index;
}
