import { describe, expect, it } from 'vitest';
import type { SlurmJob } from '../../../src/cluster-managers/slurm/parse.js';
import { statusDigest } from '../../../src/cluster-managers/slurm/slurm-manager.js';

const row = (jobId: string, state: string, restarts = 0, pendingTasks: number[] = []): SlurmJob => ({
  jobId,
  arrayJobId: jobId,
  pendingTasks,
  name: 'sky.default.j',
  comment: '',
  state,
  reason: 'None',
  rawExitStatus: 0,
  restarts,
  startTime: 0,
  endTime: 0,
  nodes: '',
  request: { cpu: 1, memory: 0, gpu: 0 },
});

describe('statusDigest: what a look at squeue compares', () => {
  it('is the same for the same states in any order', () => {
    expect(statusDigest([row('1', 'RUNNING'), row('2', 'PENDING')])).toBe(statusDigest([row('2', 'PENDING'), row('1', 'RUNNING')]));
  });

  it.each([
    ['a state changes', [row('1', 'COMPLETED'), row('2', 'PENDING')]],
    ['a replica restarts', [row('1', 'RUNNING', 1), row('2', 'PENDING')]],
    ["an array's pending rest shrinks", [row('1', 'RUNNING'), row('2', 'PENDING', 0, [1])]],
    ['a job is gone', [row('1', 'RUNNING')]],
  ])('changes when %s', (_what, after) => {
    expect(statusDigest(after)).not.toBe(statusDigest([row('1', 'RUNNING'), row('2', 'PENDING', 0, [1, 2])]));
  });
});
