/**
 * Flow, a Skylet's submitter: makes its cluster run exactly what the scheduler placed there.
 * reconcile(key) submits the workload with the replica count placed on this cluster (the
 * manager's submit is idempotent: deterministic names, create-if-absent), and deletes it from
 * the cluster when the workload is gone or no longer placed here. Finished Jobs are left as they
 * are, so their logs stay readable until the Job is deleted.
 */
import { type ClusterManager } from '../cluster-managers/types.js';
import type { Workload } from '../domain/types.js';

import type { Listers } from './listers.js';
import { placedOn } from './replica-status.js';
import { isFinished } from '../domain/workload-status.js';
import { refOf, parseWorkloadRefKey } from '../domain/object-ref.js';

export class Flow {
  constructor(
    private readonly clusterName: string,
    private readonly listers: Pick<Listers, 'workload'>,
  ) {}

  async reconcile(key: string, manager: ClusterManager): Promise<void> {
    const workload = this.listers.workload(key);
    const replicas = placedOn(workload, this.clusterName);
    if (!workload || replicas === 0) {
      const { kind, namespace, name } = parseWorkloadRefKey(key);
      await manager.delete({ kind, namespace, name });
      return;
    }
    if (isFinished(workload)) return;
    await manager.ensureNamespace(refOf(workload).namespace);
    await manager.submit(workload, replicas, { firstReplicaIndex: firstReplicaIndex(workload, this.clusterName) });
  }
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
