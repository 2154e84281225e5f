import { describe, expect, it } from 'vitest';
import {
  exited,
  isDue,
  isFinished,
  lostBeforeSpawn,
  newReplica,
  restartDelayMs,
  startFailed,
  starting,
} from '../../../src/cluster-managers/local/replica-lifecycle.js';
import type { ReplicaRecord } from '../../../src/cluster-managers/local/state-files.js';

const now = new Date('2026-01-01T00:00:10.000Z');
const running: ReplicaRecord = { index: 1, state: 'RUNNING', restarts: 0, token: 't', pid: 42, startTime: '2026-01-01T00:00:00.000Z' };
const exit = (exitCode: number | undefined, restartPolicy: 'NEVER' | 'ON_FAILURE' | 'ALWAYS') => ({ exitCode, restartPolicy, restartBackoffMs: 1000, now });

describe('local replica lifecycle', () => {
  it('a new replica is PENDING and due at once', () => {
    expect(newReplica(3)).toEqual({ index: 3, state: 'PENDING', restarts: 0 });
    expect(isDue(newReplica(0), now.getTime())).toBe(true);
  });

  it('a replica waiting out its backoff is not due until notBefore', () => {
    const waiting: ReplicaRecord = { ...newReplica(0), notBefore: now.getTime() + 1 };
    expect(isDue(waiting, now.getTime())).toBe(false);
    expect(isDue(waiting, now.getTime() + 1)).toBe(true);
    expect(isDue(running, now.getTime())).toBe(false);
  });

  it('starting is RUNNING with the new token, and clears what the last run left', () => {
    const previous: ReplicaRecord = { index: 0, state: 'PENDING', restarts: 2, exitCode: 1, finishTime: 'x', notBefore: 5, message: 'exited with code 1; restarting', pid: 7 };
    const next = starting(previous, 'new-token', now);
    expect(next).toEqual({
      index: 0,
      state: 'RUNNING',
      restarts: 2,
      token: 'new-token',
      pid: undefined,
      startTime: now.toISOString(),
      finishTime: undefined,
      exitCode: undefined,
      notBefore: undefined,
      message: undefined,
    });
    expect(previous.state).toBe('PENDING');
  });

  it('a failed spawn is FAILED with the reason, and forgets the token', () => {
    expect(startFailed(running, new Error('spawn sh ENOENT'))).toMatchObject({ state: 'FAILED', token: undefined, message: 'cannot start: spawn sh ENOENT' });
  });

  it('a start lost before its process existed is PENDING again, without a token', () => {
    expect(lostBeforeSpawn({ ...running, pid: undefined })).toMatchObject({ state: 'PENDING', token: undefined });
  });

  it('exit 0 under NEVER or ON_FAILURE succeeds; a failure under NEVER fails with how it ended', () => {
    expect(exited(running, exit(0, 'NEVER'))).toMatchObject({ state: 'SUCCEEDED', exitCode: 0, pid: undefined, finishTime: now.toISOString(), message: undefined });
    expect(exited(running, exit(0, 'ON_FAILURE'))).toMatchObject({ state: 'SUCCEEDED' });
    expect(exited(running, exit(3, 'NEVER'))).toMatchObject({ state: 'FAILED', exitCode: 3, message: 'exited with code 3' });
    expect(exited(running, exit(undefined, 'NEVER'))).toMatchObject({ state: 'FAILED', exitCode: undefined, message: 'was killed by a signal' });
    expect(isFinished(exited(running, exit(0, 'NEVER')))).toBe(true);
  });

  it('restarts under ALWAYS, and under ON_FAILURE after a failure, after a backoff', () => {
    expect(exited(running, exit(0, 'ALWAYS'))).toMatchObject({
      state: 'PENDING',
      restarts: 1,
      exitCode: 0,
      notBefore: now.getTime() + 1000,
      message: 'exited with code 0; restarting',
    });
    const again = exited({ ...running, restarts: 3 }, exit(1, 'ON_FAILURE'));
    expect(again).toMatchObject({ state: 'PENDING', restarts: 4, notBefore: now.getTime() + 8000, message: 'exited with code 1; restarting' });
    expect(isFinished(again)).toBe(false);
  });

  it('the backoff doubles per restart, up to a minute', () => {
    expect([0, 1, 2, 5, 6, 20].map((n) => restartDelayMs(1000, n))).toEqual([1000, 2000, 4000, 32000, 60000, 60000]);
  });
});
