/**
 * The Slurm manager's extra look after a submit, against a stand-in for the Slurm commands (a
 * SlurmRunner that answers sbatch and squeue --json as 22.05 does): with the regular look a
 * minute away, a job that starts right after its submit is still told to the listeners within
 * about a second, and a burst of submits shares that one look.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlurmRunner } from '../../../src/cluster-managers/slurm/commands.js';
import { createSlurmManager } from '../../../src/cluster-managers/slurm/slurm-manager.js';
import type { ClusterManager } from '../../../src/cluster-managers/types.js';
import type { Cluster, Workload } from '../../../src/domain/types.js';
import { until } from '../../helpers/wait.js';

/** sbatch records a job that runs from its submit on; squeue --json lists them. */
function fakeSlurm() {
  const jobs: { id: number; name: string; comment: string }[] = [];
  const calls: string[] = [];
  const runner: SlurmRunner = {
    describe: 'a stand-in',
    async run(command, args) {
      calls.push(command);
      const value = (flag: string) => args.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3) ?? '';
      if (command === 'sbatch') {
        jobs.push({ id: jobs.length + 1, name: value('job-name'), comment: value('comment') });
        return `${jobs.length}\n`;
      }
      if (command === 'squeue') {
        const rows = jobs.map((j) => ({ job_id: j.id, array_job_id: j.id, array_task_id: 0, name: j.name, comment: j.comment, job_state: 'RUNNING', cpus: 1 }));
        return JSON.stringify({ errors: [], jobs: rows });
      }
      return JSON.stringify({ errors: [], nodes: [] });
    },
  };
  return { runner, calls };
}

const cluster: Cluster = {
  kind: 'Cluster',
  metadata: { name: 'hpc', uid: 'uid-c', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
  spec: { manager: 'SLURM', slurm: {} },
  status: { phase: 'READY', conditions: [], capacity: { cpu: 0, memory: 0, gpu: 0 }, allocatable: { cpu: 0, memory: 0, gpu: 0 }, nodes: [], acceleratorTypes: [] },
};

const job = (name: string): Workload =>
  ({
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: { image: '', run: 'true', envs: [], resources: { cpu: 1, memory: 0, gpu: 0 }, replicas: 1, restartPolicy: 'NEVER', placement: { preferences: [], strategy: 'SPREAD' } },
    status: { phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] },
  }) as Workload;

let stateDir: string;
let manager: ClusterManager | undefined;

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'sky-slurm-soon-'));
});
afterEach(async () => {
  await manager?.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('the look after a submit', () => {
  it('tells the listeners of a job that started right after its submit, long before the next regular look; a burst shares one look', async () => {
    const { runner, calls } = fakeSlurm();
    manager = createSlurmManager(cluster, { stateDir, runner, watchIntervalMs: 60_000, lookAfterSubmitMs: 300 });
    let told = 0;
    const unsubscribe = manager.onStatusChange!(() => told++);
    await until('the first look', async () => calls.includes('squeue'), { timeoutMs: 5_000 });
    for (const name of ['a', 'b', 'c']) await manager.submit(job(name), 1);
    const squeuesBySubmits = calls.filter((c) => c === 'squeue').length;
    await until('a change told', async () => told > 0, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(told).toBe(1);
    expect(calls.filter((c) => c === 'squeue').length).toBe(squeuesBySubmits + 1);
    unsubscribe();
  });

  it('is not taken when nobody listens', async () => {
    const { runner, calls } = fakeSlurm();
    manager = createSlurmManager(cluster, { stateDir, runner, watchIntervalMs: 60_000, lookAfterSubmitMs: 100 });
    await manager.submit(job('a'), 1);
    const before = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls.length).toBe(before);
  });
});
