/**
 * A workload's phase follows from its placements and what its clusters report, so every
 * controller that writes the status computes it the same way (level-triggered: no controller
 * remembers how the phase got where it is). COMPLETED and FAILED are final for Jobs.
 */
import type { JobPhase, Workload, WorkloadStatus } from '../domain/types.js';

export const FINAL_PHASES: readonly JobPhase[] = ['COMPLETED', 'FAILED'];

export function isFinished(workload: Workload): boolean {
  return workload.kind === 'Job' && FINAL_PHASES.includes(workload.status.phase);
}

export function placedReplicas(status: WorkloadStatus): number {
  return status.placements.reduce((sum, p) => sum + p.replicas, 0);
}

/** Replica counts summed over the clusters the workload is placed on now. */
export function replicaTotals(status: WorkloadStatus) {
  const placed = new Set(status.placements.map((p) => p.cluster));
  const totals = { pending: 0, running: 0, succeeded: 0, failed: 0 };
  for (const r of status.replicaStatus) {
    if (!placed.has(r.cluster)) continue;
    totals.pending += r.pending;
    totals.running += r.running;
    totals.succeeded += r.succeeded;
    totals.failed += r.failed;
  }
  return totals;
}

export function derivePhase(workload: Workload, status: WorkloadStatus = workload.status): JobPhase {
  if (isFinished(workload)) return workload.status.phase;
  if (placedReplicas(status) === 0) return 'PENDING';
  const totals = replicaTotals(status);
  if (workload.kind === 'Job') {
    if (totals.succeeded >= workload.spec.replicas) return 'COMPLETED';
    // A replica that failed and will not be restarted fails the Job, as a Kubernetes Job with
    // backoffLimit 0 does: its replicas are meant to finish together.
    if (totals.failed > 0 && workload.spec.restartPolicy === 'NEVER') return 'FAILED';
  }
  return totals.running > 0 || totals.succeeded > 0 ? 'RUNNING' : 'SCHEDULED';
}
