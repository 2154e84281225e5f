/**
 * The states a local replica goes through, as pure transitions on its record:
 *
 *   PENDING --start--> RUNNING --exit--> SUCCEEDED | FAILED
 *      ^                  |
 *      +-- restart due ---+   (restart policy; after a backoff that doubles per restart)
 *      +-- lost before its process existed (crash between recording the start and the spawn)
 *
 * Each returns the next record and leaves the given one alone; the manager stores the result.
 */
import type { RestartPolicy } from '../../domain/types.js';
import { isFinishedState } from '../replica-report.js';
import type { ReplicaRecord } from './state-files.js';

const MAX_RESTART_BACKOFF_MS = 60_000;

export const WAITING_FOR_SLOTS = 'waiting for free slots';

export function isFinished(replica: ReplicaRecord): boolean {
  return isFinishedState(replica.state);
}

/** A replica that has never run. */
export function newReplica(index: number): ReplicaRecord {
  return { index, state: 'PENDING', restarts: 0 };
}

/** PENDING and past its restart backoff: it may start when slots allow. */
export function isDue(replica: ReplicaRecord, now: number): boolean {
  return replica.state === 'PENDING' && (replica.notBefore ?? 0) <= now;
}

/** The delay before restart number `restarts + 1`: `baseMs`, doubling per restart, up to a minute. */
export function restartDelayMs(baseMs: number, restarts: number): number {
  return Math.min(MAX_RESTART_BACKOFF_MS, baseMs * 2 ** restarts);
}

/** Recorded before the process exists: the token is what recognises the process after a crash. */
export function starting(replica: ReplicaRecord, token: string, now: Date): ReplicaRecord {
  return {
    ...replica,
    state: 'RUNNING',
    token,
    pid: undefined,
    startTime: now.toISOString(),
    finishTime: undefined,
    exitCode: undefined,
    notBefore: undefined,
    message: undefined,
  };
}

/** The process could not be spawned. */
export function startFailed(replica: ReplicaRecord, error: Error): ReplicaRecord {
  return { ...replica, state: 'FAILED', token: undefined, message: `cannot start: ${error.message}` };
}

/** The controller died after recording the start and before the process existed: start again. */
export function lostBeforeSpawn(replica: ReplicaRecord): ReplicaRecord {
  return { ...replica, state: 'PENDING', token: undefined };
}

export interface Exit {
  /** Undefined when the process was killed by a signal before it could record a status. */
  exitCode: number | undefined;
  restartPolicy: RestartPolicy;
  restartBackoffMs: number;
  now: Date;
}

/** The process ended: PENDING again if the restart policy says so, else SUCCEEDED or FAILED. */
export function exited(replica: ReplicaRecord, { exitCode, restartPolicy, restartBackoffMs, now }: Exit): ReplicaRecord {
  const failed = exitCode !== 0;
  const ended = exitCode === undefined ? 'was killed by a signal' : `exited with code ${exitCode}`;
  const next: ReplicaRecord = { ...replica, pid: undefined, exitCode, finishTime: now.toISOString() };
  if (restartPolicy === 'ALWAYS' || (restartPolicy === 'ON_FAILURE' && failed)) {
    return {
      ...next,
      state: 'PENDING',
      restarts: replica.restarts + 1,
      notBefore: now.getTime() + restartDelayMs(restartBackoffMs, replica.restarts),
      message: `${ended}; restarting`,
    };
  }
  return { ...next, state: failed ? 'FAILED' : 'SUCCEEDED', message: failed ? ended : undefined };
}
