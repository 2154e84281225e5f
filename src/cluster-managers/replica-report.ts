/**
 * The one way every cluster manager turns its per-replica view into a WorkloadReport (the counts,
 * exit codes and message the Skylet's ReplicaStatus reports into the workload's status), so the
 * three managers cannot drift apart in what "failed" or "exit codes" mean.
 */
import type { ReplicaReport, ReplicaState, WorkloadReport } from './types.js';
import type { WorkloadRef } from '../domain/object-ref.js';

export function isFinishedState(state: ReplicaState): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED';
}

export interface SummaryOptions {
  /** The member cluster's own id for the submission (object name, Slurm job ids, state dir). */
  externalId?: string;
  /** Said about the workload as a whole, before the replicas' own messages. */
  message?: string;
}

/** Counts by state, the exit codes of finished replicas, and their distinct messages joined. */
export function summarizeReplicas(ref: WorkloadRef, replicas: ReplicaReport[], { externalId, message }: SummaryOptions = {}): WorkloadReport {
  const count = (state: ReplicaState) => replicas.filter((r) => r.state === state).length;
  const messages = [...new Set([message, ...replicas.map((r) => r.message)].filter((m): m is string => !!m))];
  return {
    ref,
    pending: count('PENDING'),
    running: count('RUNNING'),
    succeeded: count('SUCCEEDED'),
    failed: count('FAILED'),
    externalId,
    exitCodes: replicas.filter((r) => isFinishedState(r.state)).flatMap((r) => (r.exitCode === undefined ? [] : [r.exitCode])),
    message: messages.length > 0 ? messages.join('; ') : undefined,
    replicas,
  };
}
