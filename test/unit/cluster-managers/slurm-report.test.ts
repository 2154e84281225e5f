/** Replica states from squeue rows and the files the batch script leaves, for every way a job ends. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSqueueJson, type SlurmJob } from '../../../src/cluster-managers/slurm/parse.js';
import type { SubmissionRecord } from '../../../src/cluster-managers/slurm/records.js';
import { findElement, ownerOf, replicaReport, workloadReport } from '../../../src/cluster-managers/slurm/report.js';

const captured = (file: string) => readFileSync(new URL(`./slurm-captured/${file}`, import.meta.url), 'utf8');
const jobs = parseSqueueJson(captured('squeue-mixed.json'));
const ref = { kind: 'Job' as const, namespace: 'default', name: 'x' };
const noFiles = { hasLog: false };

function record(submissions: SubmissionRecord['submissions'], replicas: number): SubmissionRecord {
  return { ref, uid: 'u', replicas, submissions };
}

function row(overrides: Partial<SlurmJob>): SlurmJob {
  return {
    jobId: '9', arrayJobId: '9', arrayTaskId: 0, pendingTasks: [], name: 'sky.default.x', comment: '', state: 'RUNNING',
    reason: 'None', rawExitStatus: 0, restarts: 0, startTime: 1_700_000_000, endTime: 1_700_000_060, nodes: 'n1',
    request: { cpu: 1, memory: 0, gpu: 0 },
    ...overrides,
  };
}

describe('finding a replica’s element', () => {
  it('takes the last submission covering the index', () => {
    const subs = [
      { jobId: '10', from: 0, to: 1, firstReplicaIndex: 0 },
      { jobId: '20', from: 1, to: 3, firstReplicaIndex: 0 },
    ];
    expect(ownerOf(subs, 0)?.jobId).toBe('10');
    expect(ownerOf(subs, 1)?.jobId).toBe('20');
    expect(ownerOf(subs, 4)).toBeUndefined();
  });

  it('finds an element by its own row or in its array’s pending rest', () => {
    expect(findElement(jobs, '1', 1)?.jobId).toBe('1');
    expect(findElement(jobs, '4', 5)?.jobId).toBe('4');
    expect(findElement(jobs, '4', 6)).toBeUndefined();
  });
});

describe('replicaReport', () => {
  it('on captured squeue: completed, failed with code 3, running, pending with the reason', () => {
    expect(workloadReport(record([{ jobId: '1', from: 0, to: 1, firstReplicaIndex: 0 }], 2), jobs, new Map())).toMatchObject({
      succeeded: 2, failed: 0, exitCodes: [0, 0], externalId: '1',
    });
    const failed = workloadReport(record([{ jobId: '2', from: 0, to: 1, firstReplicaIndex: 0 }], 2), jobs, new Map());
    expect(failed).toMatchObject({ failed: 2, exitCodes: [3, 3], message: 'exited with code 3' });
    expect(workloadReport(record([{ jobId: '3', from: 0, to: 1, firstReplicaIndex: 0 }], 2), jobs, new Map())).toMatchObject({
      running: 2, exitCodes: [],
    });
    const waiting = workloadReport(record([{ jobId: '4', from: 0, to: 5, firstReplicaIndex: 0 }], 6), jobs, new Map());
    expect(waiting).toMatchObject({ pending: 6, message: "waiting in Slurm's queue: Resources" });
  });

  it('reports a cancelled element FAILED with why, and no exit code', () => {
    const b = parseSqueueJson(captured('squeue-b-2.json'));
    expect(replicaReport(1, findElement(b, '2', 1), { hasLog: true })).toMatchObject({
      state: 'FAILED', exitCode: undefined, message: 'cancelled in Slurm (signal 15)',
    });
  });

  it('names the ways Slurm ends jobs', () => {
    expect(replicaReport(0, row({ state: 'TIMEOUT', rawExitStatus: 15 }), noFiles).message).toBe('reached its Slurm time limit (signal 15)');
    expect(replicaReport(0, row({ state: 'NODE_FAIL' }), noFiles).message).toBe('its Slurm node failed');
    expect(replicaReport(0, row({ state: 'OUT_OF_MEMORY', rawExitStatus: 9 }), noFiles)).toMatchObject({ state: 'FAILED', message: 'ran out of memory (signal 9)' });
    expect(replicaReport(0, row({ state: 'COMPLETING' }), noFiles)).toMatchObject({ state: 'RUNNING', message: 'completing in Slurm' });
    expect(replicaReport(0, row({ state: 'REQUEUED', reason: 'None' }), noFiles)).toEqual({ index: 0, state: 'PENDING', restarts: 0, message: undefined });
    expect(replicaReport(0, row({ state: 'RUNNING' }), { hasLog: true, restarts: 2 })).toEqual({
      index: 0, state: 'RUNNING', restarts: 2, startTime: '2023-11-14T22:13:20.000Z', message: undefined,
    });
  });

  it('after Slurm forgets an element: the exit file decides, else it ended without one', () => {
    expect(replicaReport(0, undefined, { hasLog: true, exitCode: 0 })).toMatchObject({ state: 'SUCCEEDED', exitCode: 0 });
    expect(replicaReport(0, undefined, { hasLog: true, exitCode: 3 })).toMatchObject({ state: 'FAILED', exitCode: 3, message: 'exited with code 3' });
    expect(replicaReport(0, undefined, { hasLog: true })).toMatchObject({ state: 'FAILED', message: expect.stringMatching(/without an exit status/) });
    expect(replicaReport(0, undefined, noFiles)).toMatchObject({ state: 'FAILED', message: expect.stringMatching(/before it started/) });
  });
});

describe('workloadReport', () => {
  it('covers replicas 0..n-1 over several submissions, and lists every job id', () => {
    const r = workloadReport(
      record(
        [
          { jobId: '1', from: 0, to: 0, firstReplicaIndex: 0 },
          { jobId: '3', from: 1, to: 2, firstReplicaIndex: 0 },
        ],
        4,
      ),
      jobs,
      new Map(),
    );
    // 0: element 0 of array 1; 1: element 1 of array 3, running; 2: array 3 has no element 2 in
    // squeue, so Slurm has forgotten it; 3: no submission covers it yet.
    expect(r.replicas.map((x) => x.state)).toEqual(['SUCCEEDED', 'RUNNING', 'FAILED', 'PENDING']);
    expect(r.replicas[3].message).toBe('being submitted to Slurm');
    expect(r.externalId).toBe('1,3');
  });

  it('uses the exit files of an array whose id was never recorded', () => {
    const r = workloadReport(record([{ jobId: '', from: 0, to: 0, firstReplicaIndex: 0 }], 1), jobs, new Map([[0, { hasLog: true, exitCode: 0 }]]));
    expect(r).toMatchObject({ succeeded: 1, exitCodes: [0], externalId: undefined });
  });
});
