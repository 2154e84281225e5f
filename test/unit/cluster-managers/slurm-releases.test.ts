import { describe, expect, it } from 'vitest';
import { foreignReleases } from '../../../src/cluster-managers/slurm/releases.js';
import type { SlurmJob } from '../../../src/cluster-managers/slurm/parse.js';

const job = (id: string, state: string, endTime: number, cpu = 2, gpu = 0): SlurmJob => ({
  jobId: id,
  arrayJobId: id,
  pendingTasks: [],
  name: `user-job-${id}`,
  comment: '',
  state,
  reason: 'None',
  rawExitStatus: 0,
  restarts: 0,
  startTime: 1_000,
  endTime,
  nodes: 'n1',
  request: { cpu, memory: 1024, gpu },
});

describe("foreignReleases: when other users' Slurm jobs give their resources back", () => {
  it('lists running jobs at their end times, oldest first, summing those that end together', () => {
    const releases = foreignReleases([job('3', 'RUNNING', 5_000), job('1', 'RUNNING', 2_000, 4, 1), job('2', 'RUNNING', 5_000, 1), job('4', 'PENDING', 9_000), job('5', 'COMPLETED', 1_500)], 1_200);
    expect(releases).toEqual([
      { at: new Date(2_000_000).toISOString(), cpu: 4, memory: 1024, gpu: 1 },
      { at: new Date(5_000_000).toISOString(), cpu: 3, memory: 2048, gpu: 0 },
    ]);
  });

  it('leaves out jobs past their end (they are ending now) and those without a limit (end 0)', () => {
    expect(foreignReleases([job('1', 'RUNNING', 1_000), job('2', 'RUNNING', 0)], 1_200)).toEqual([]);
  });

  it('keeps at most `max`, the latest merged into the last kept, at the latest time', () => {
    const jobs = Array.from({ length: 10 }, (_, i) => job(String(i), 'RUNNING', 2_000 + i));
    const releases = foreignReleases(jobs, 0, 3);
    expect(releases).toHaveLength(3);
    expect(releases[2]).toEqual({ at: new Date(2_009_000).toISOString(), cpu: 16, memory: 8 * 1024, gpu: 0 });
    expect(releases.reduce((n, r) => n + r.cpu, 0)).toBe(20);
  });
});
