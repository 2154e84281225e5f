/**
 * A Skylet's job controller: reads what its cluster runs for each workload placed there and
 * writes it into that workload's status (its own entry of status.replicaStatus), together with
 * the phase that follows (workload-phase.ts). Several Skylets write the same workload's status,
 * each its own entry, so writes are compare-and-swap on the cached version; a CONFLICT just
 * means the next round reads the newer version.
 */
import type pino from 'pino';
import { refOf, type ClusterManager, type WorkloadReport } from '../cluster-managers/types.js';
import { ConflictError } from '../domain/errors.js';
import { describeKey } from '../domain/kinds.js';
import type { ClusterReplicaStatus, Workload, WorkloadStatus } from '../domain/types.js';
import type { SharedCaches } from './caches.js';
import { setCondition } from './conditions.js';
import { jsonEqual } from '../domain/json-equal.js';
import { derivePhase, replicaTotals } from './workload-phase.js';

export interface ReplicaStatusOptions {
  clusterName: string;
  caches: SharedCaches;
  logger: pino.Logger;
}

export function placedOn(workload: Workload | undefined, cluster: string): number {
  return workload?.status.placements.find((p) => p.cluster === cluster)?.replicas ?? 0;
}

export class ReplicaStatus {
  constructor(private readonly options: ReplicaStatusOptions) {}

  async sync(manager: ClusterManager): Promise<void> {
    const { clusterName, caches } = this.options;
    const workloads = caches.workloads().filter((w) => placedOn(w, clusterName) > 0);
    if (workloads.length === 0) return;
    const reports = await manager.status(workloads.map(refOf));
    await Promise.all(
      workloads.map(async (workload) => {
        const report = reports.get(describeKey(refOf(workload)));
        if (!report) return; // not submitted yet: the flow controller is on it
        const status = this.nextStatus(workload, report, manager.capabilities.usesImage);
        if (jsonEqual(status, workload.status)) return;
        try {
          await caches.writeStatus(workload, status);
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      }),
    );
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
          reason: 'LocalCluster',
          message: `cluster ${clusterName} runs 'run' directly on its host; image ${workload.spec.image} is not used`,
        }),
      };
    }
    return status;
  }
}
