/**
 * How a workload's status changes, as pure functions of the status: the field-scoped writes of
 * its owners (the scheduler's decision, a Skylet's report, the admission controller's decision),
 * and the fields that follow from them (phase, startTime, completionTime, readyReplicas), which
 * the API server derives on every such write, so no controller computes them and none can
 * disagree. COMPLETED and FAILED are final
 * for Jobs.
 */
import { jsonEqual } from './json-equal.js';
import {
  ADMISSION_CONDITIONS,
  SCHEDULER_CONDITIONS,
  type Admission,
  type ClusterPlacement,
  type ClusterReplicaStatus,
  type Condition,
  type Eviction,
  type JobPhase,
  type Preemption,
  type Workload,
  type WorkloadQueueStatus,
  type WorkloadStatus,
} from './types.js';

export const FINAL_PHASES: readonly JobPhase[] = ['COMPLETED', 'FAILED'];

export function isFinished(workload: Workload): boolean {
  return workload.kind === 'Job' && FINAL_PHASES.includes(workload.status.phase);
}

export function placedReplicas(status: WorkloadStatus): number {
  return status.placements.reduce((sum, p) => sum + p.replicas, 0);
}

/** Replicas placed on each cluster that the cluster has not reported yet (they still hold capacity there). */
export function unreportedPlacements(status: WorkloadStatus): ClusterPlacement[] {
  return status.placements
    .map(({ cluster, replicas }) => {
      const r = status.replicaStatus.find((s) => s.cluster === cluster);
      const reported = r ? r.pending + r.running + r.succeeded + r.failed : 0;
      return { cluster, replicas: replicas - reported };
    })
    .filter((p) => p.replicas > 0);
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

/**
 * `status` with its derived fields brought up to date. Times are set once, when first due, and
 * kept after (a Job that started stays started even when its replicas move).
 */
export function withDerivedFields(workload: Workload, status: WorkloadStatus, now: string): WorkloadStatus {
  const next: WorkloadStatus = { ...status, phase: derivePhase(workload, status) };
  const totals = replicaTotals(next);
  if (workload.kind === 'Deployment') next.readyReplicas = totals.running;
  if (!next.startTime && totals.running + totals.succeeded + totals.failed > 0) next.startTime = now;
  if (!next.completionTime && FINAL_PHASES.includes(next.phase)) next.completionTime = now;
  return next;
}

/** The scheduler's part of a status (see WorkloadStatus for who owns what). */
export interface PlacementFields {
  placements: ClusterPlacement[];
  evictions: Eviction[];
  /** Only Scheduled and Evicted; they replace the scheduler's earlier ones. */
  conditions: Condition[];
  observedGeneration: number;
}

/** Why the scheduler's decision may not land on `current`, or undefined when it may. */
export function stalePlacementDecision(current: Workload, generation: number, expectedPlacements: readonly ClusterPlacement[]): string | undefined {
  if (current.metadata.generation !== generation) {
    return `the decision was for spec generation ${generation}, the spec is now at ${current.metadata.generation}`;
  }
  if (!samePlacements(current.status.placements, expectedPlacements)) return 'its placements are not the ones the decision started from';
  return undefined;
}

/** The same replicas per cluster, whatever the order and ignoring empty entries. */
function samePlacements(a: readonly ClusterPlacement[], b: readonly ClusterPlacement[]): boolean {
  const canonical = (placements: readonly ClusterPlacement[]) =>
    placements.filter((p) => p.replicas > 0).map((p) => `${p.cluster}=${p.replicas}`).sort().join(',');
  return canonical(a) === canonical(b);
}

export function applyPlacementDecision(status: WorkloadStatus, decision: PlacementFields): WorkloadStatus {
  return {
    ...status,
    placements: decision.placements,
    evictions: decision.evictions,
    observedGeneration: decision.observedGeneration,
    conditions: mergeConditions(status.conditions, decision.conditions, SCHEDULER_CONDITIONS),
  };
}

/** A Skylet's report: its cluster's entry replaced, its conditions set (never removed by a report). */
export function applyReplicaReport(status: WorkloadStatus, entry: ClusterReplicaStatus, conditions: readonly Condition[]): WorkloadStatus {
  const others = status.replicaStatus.filter((r) => r.cluster !== entry.cluster);
  return {
    ...status,
    replicaStatus: [...others, entry].sort((a, b) => (a.cluster < b.cluster ? -1 : 1)),
    conditions: mergeConditions(status.conditions, conditions, []),
  };
}

/** How many preemptions a workload's status keeps (the newest). */
export const MAX_KEPT_PREEMPTIONS = 5;

/** The admission controller's part of a status (see WorkloadStatus for who owns what). */
export interface AdmissionFields {
  /** Undefined withdraws the admission (or leaves the workload unadmitted). */
  admission: Admission | undefined;
  /** Undefined clears where it stands in its queue. */
  queue: WorkloadQueueStatus | undefined;
  /** Appended to status.preemptions, the newest MAX_KEPT_PREEMPTIONS kept. */
  preemption?: Preemption;
  /** Only Admitted and Preempted; they replace the admission controller's earlier ones. */
  conditions: Condition[];
}

/**
 * Why the admission controller's decision may not land on `current`, or undefined when it may:
 * it decided from an admission (or from none) that is no longer the workload's.
 */
export function staleAdmissionDecision(current: Workload, expected: Admission | undefined): string | undefined {
  if (jsonEqual(current.status.admission, expected)) return undefined;
  const shown = (a: Admission | undefined) => (a ? `admitted by queue ${a.queue} at ${a.admittedAt}` : 'not admitted');
  return `the decision expected it ${shown(expected)}, it is ${shown(current.status.admission)}`;
}

/**
 * The admission controller's decision applied: admission and queue replaced (absent when
 * undefined), the preemption appended, its conditions replaced; the other owners' fields kept.
 * The API server and test/helpers/fake-listers.ts both apply decisions with this.
 */
export function applyAdmissionDecision(status: WorkloadStatus, decision: AdmissionFields): WorkloadStatus {
  const next: WorkloadStatus = { ...status, conditions: mergeConditions(status.conditions, decision.conditions, ADMISSION_CONDITIONS) };
  delete next.admission;
  delete next.queue;
  delete next.preemptions;
  if (decision.admission) next.admission = decision.admission;
  if (decision.queue) next.queue = decision.queue;
  const preemptions = decision.preemption ? [...(status.preemptions ?? []), decision.preemption].slice(-MAX_KEPT_PREEMPTIONS) : status.preemptions;
  if (preemptions && preemptions.length > 0) next.preemptions = preemptions;
  return next;
}

/** `current` with the `mine` conditions set and the `replaced` types not among them removed. */
function mergeConditions(current: readonly Condition[], mine: readonly Condition[], replaced: readonly string[]): Condition[] {
  const sent = new Set(mine.map((c) => c.type));
  return [...current.filter((c) => !sent.has(c.type) && !replaced.includes(c.type)), ...mine];
}

