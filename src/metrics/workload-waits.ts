/**
 * How long a workload waited, for the scheduler's latency histograms, read from its API object
 * (creation time, admission, conditions) rather than from this process's memory, so a replica
 * that takes over the lead measures what the last one left waiting the same way.
 */
import type { Admission, Workload } from '../domain/types.js';

const ms = (timestamp: string | undefined): number | undefined => {
  if (timestamp === undefined) return undefined;
  const parsed = Date.parse(timestamp);
  return Number.isNaN(parsed) ? undefined : parsed;
};

/** Since when it has waited for admission: its creation, or when its last admission was withdrawn (preempted). */
export function queuedSinceMs(workload: Workload): number | undefined {
  const created = ms(workload.metadata.creationTimestamp);
  const withdrawn = workload.status.conditions?.find((c) => c.type === 'Admitted' && c.status === 'False');
  const requeued = ms(withdrawn?.lastTransitionTime);
  if (created === undefined) return requeued;
  return requeued === undefined ? created : Math.max(created, requeued);
}

/** Seconds from waiting (queuedSinceMs) to this admission; undefined when a time is missing. */
export function admissionWaitSeconds(workload: Workload, admission: Admission): number | undefined {
  const since = queuedSinceMs(workload);
  const admitted = ms(admission.admittedAt);
  return since === undefined || admitted === undefined ? undefined : Math.max(0, admitted - since) / 1000;
}

/**
 * Seconds from admission (or creation, without a queue) to `nowMs`, for a workload placed for the
 * first time; undefined for a later placement (replacing replicas moved off a cluster, scaling
 * up), which has no wait that starts at a known time.
 */
export function firstPlacementWaitSeconds(workload: Workload, nowMs: number): number | undefined {
  const { placements, evictions, admission } = workload.status;
  if (placements.some((p) => p.replicas > 0) || (evictions?.length ?? 0) > 0) return undefined;
  const since = ms(admission?.admittedAt) ?? ms(workload.metadata.creationTimestamp);
  return since === undefined ? undefined : Math.max(0, nowMs - since) / 1000;
}
