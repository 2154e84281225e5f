/**
 * Per-replica states from what Slurm says now and what the replicas left on disk; pure, so the
 * unit tests cover every Slurm state without a cluster.
 *
 * A replica is the array element of the last submission covering its index. While slurmctld
 * remembers the element, its job state decides; once Slurm has forgotten it (MinJobAge after it
 * ended, there being no accounting to ask), the exit file its batch script wrote does.
 */
import { summarizeReplicas } from '../replica-report.js';
import type { ReplicaReport, WorkloadReport } from '../types.js';
import { decodeExitStatus, type SlurmJob } from './parse.js';
import type { ReplicaFiles, Submission, SubmissionRecord } from './records.js';

// Slurm's job states by what they mean for a replica.
const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'CONFIGURING', 'RESIZING', 'SPECIAL_EXIT']);
const STARTED = new Set(['RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'SUSPENDED', 'STOPPED']);
/** Ended without the command deciding: no exit code of its own. */
const ENDED_BY_SLURM: Record<string, string> = {
  CANCELLED: 'cancelled in Slurm',
  TIMEOUT: 'reached its Slurm time limit',
  NODE_FAIL: 'its Slurm node failed',
  PREEMPTED: 'preempted in Slurm',
  BOOT_FAIL: 'its Slurm node failed to boot',
  DEADLINE: 'missed its Slurm deadline',
  OUT_OF_MEMORY: 'ran out of memory',
  REVOKED: 'revoked by Slurm',
};

/** The submission that runs index `index`: the last one covering it. */
export function ownerOf(submissions: readonly Submission[], index: number): Submission | undefined {
  for (let i = submissions.length - 1; i >= 0; i--) {
    const s = submissions[i];
    if (s.from <= index && index <= s.to) return s;
  }
  return undefined;
}

/** The squeue row of element `index` of array `arrayJobId`: its own, or the array's pending rest. */
export function findElement(jobs: readonly SlurmJob[], arrayJobId: string, index: number): SlurmJob | undefined {
  return (
    jobs.find((j) => j.arrayJobId === arrayJobId && j.arrayTaskId === index) ??
    jobs.find((j) => j.arrayJobId === arrayJobId && j.arrayTaskId === undefined && j.pendingTasks.includes(index))
  );
}

const iso = (seconds: number) => (seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined);

function exitMessage(exitCode: number | undefined): string | undefined {
  return exitCode === undefined || exitCode === 0 ? undefined : `exited with code ${exitCode}`;
}

/** One replica from its squeue row (if Slurm still has one) and its files. */
export function replicaReport(index: number, element: SlurmJob | undefined, files: ReplicaFiles): ReplicaReport {
  const restarts = files.restarts ?? element?.restarts ?? 0;
  if (!element) {
    // Slurm has forgotten it: it ended (Slurm never forgets what waits or runs).
    if (files.exitCode !== undefined) {
      const state = files.exitCode === 0 ? 'SUCCEEDED' : 'FAILED';
      return { index, state, exitCode: files.exitCode, restarts, message: exitMessage(files.exitCode) };
    }
    const message = files.hasLog
      ? 'ended without an exit status (cancelled, out of time or its node failed); Slurm no longer remembers how'
      : 'ended before it started (cancelled); Slurm no longer remembers it';
    return { index, state: 'FAILED', restarts, message };
  }
  const { state, reason } = element;
  const startTime = iso(element.startTime);
  if (WAITING.has(state)) {
    return { index, state: 'PENDING', restarts, message: reason && reason !== 'None' ? `waiting in Slurm's queue: ${reason}` : undefined };
  }
  if (STARTED.has(state)) {
    return { index, state: 'RUNNING', restarts, startTime, message: state === 'RUNNING' ? undefined : `${state.toLowerCase()} in Slurm` };
  }
  const finishTime = iso(element.endTime);
  // The exit file holds the command's own status; Slurm's is the batch script's, the same number.
  const decoded = decodeExitStatus(element.rawExitStatus);
  const exitCode = files.exitCode ?? decoded.exitCode;
  if (state === 'COMPLETED') return { index, state: 'SUCCEEDED', exitCode: exitCode ?? 0, restarts, startTime, finishTime };
  if (state === 'FAILED') {
    return { index, state: 'FAILED', exitCode, restarts, startTime, finishTime, message: exitMessage(exitCode) ?? `failed in Slurm: ${reason}` };
  }
  const ended = ENDED_BY_SLURM[state] ?? `ended in Slurm as ${state}`;
  const signal = decoded.signal ? ` (signal ${decoded.signal})` : '';
  return { index, state: 'FAILED', exitCode: files.exitCode, restarts, startTime, finishTime, message: `${ended}${signal}` };
}

/** The workload's report: replicas 0 .. record.replicas-1. `files(i)` is what replica i left on disk. */
export function workloadReport(
  record: SubmissionRecord,
  jobs: readonly SlurmJob[],
  files: ReadonlyMap<number, ReplicaFiles>,
): WorkloadReport {
  const replicas: ReplicaReport[] = [];
  for (let index = 0; index < record.replicas; index++) {
    const owner = ownerOf(record.submissions, index);
    const replicaFiles = files.get(index) ?? { hasLog: false };
    if (!owner) {
      // Not submitted yet: only possible between writing the intent and sbatch answering.
      replicas.push({ index, state: 'PENDING', restarts: 0, message: 'being submitted to Slurm' });
      continue;
    }
    const element = owner.jobId ? findElement(jobs, owner.jobId, index) : undefined;
    replicas.push(replicaReport(index, element, replicaFiles));
  }
  const jobIds = [...new Set(record.submissions.map((s) => s.jobId).filter(Boolean))];
  return summarizeReplicas(record.ref, replicas, { externalId: jobIds.length > 0 ? jobIds.join(',') : undefined });
}
