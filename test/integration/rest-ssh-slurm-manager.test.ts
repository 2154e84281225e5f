/**
 * The Slurm manager with both spec.slurm.restUrl and spec.slurm.sshHost: slurmrestd for the
 * controller (nodes, jobs, submit, cancel) and the login node for the jobs' files, since
 * slurmrestd serves none. A real Slurm cluster under munge (so slurmctld checks the JWT), its
 * slurmrestd (fixtures/slurm/restd.ts) and a real sshd (fixtures/ssh/sshd.ts). Status is pushed
 * from slurmrestd's job table as from squeue's.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurmRestd, type SlurmRestd } from '../../fixtures/slurm/restd.js';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { SlurmRestToken } from '../../src/cluster-managers/slurm/rest-token.js';
import { createSlurmManager } from '../../src/cluster-managers/slurm/slurm-manager.js';
import type { ClusterManager, LogLine } from '../../src/cluster-managers/types.js';
import { describeRef, refOf } from '../../src/domain/object-ref.js';
import { slurmClusterObject, slurmJobObject, startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { until } from '../helpers/wait.js';

const CLUSTER = 'rsm-a';

let slurm: TestSlurm;
let restd: SlurmRestd;
let sshd: SshdProcess;
let stateDir: string;
let jobsDir: string;
let manager: ClusterManager;

beforeAll(async () => {
  [slurm, sshd] = await Promise.all([startTestSlurm('rsm', [{ name: CLUSTER, auth: 'munge', nodes: [{ name: 'rsm-a1', cpus: 2, memory: 2048 }] }]), startSshd()]);
  restd = await startSlurmRestd(slurm, CLUSTER);
  stateDir = await mkdtemp(path.join(tmpdir(), 'sky-rsm-state-'));
  jobsDir = await mkdtemp(path.join(tmpdir(), 'sky-rsm-login-'));
  manager = createSlurmManager(slurmClusterObject(CLUSTER, { restUrl: restd.url, sshHost: sshd.sshHost }), {
    stateDir,
    restToken: new SlurmRestToken({ file: restd.tokenFile }),
    ssh: { ...sshd.clientOptions, jobsDir },
  });
}, 120_000);

afterAll(async () => {
  await manager?.close();
  await restd?.stop();
  await sshd?.stop();
  await slurm?.stopAndClean();
  for (const dir of [stateDir, jobsDir]) if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('Slurm manager over slurmrestd, with the files through a login node', () => {
  it('submits through slurmrestd, reads exit codes and logs through the login node', async () => {
    const workload = slurmJobObject('both', 'echo "replica $SKY_REPLICA_INDEX"; exit $SKY_REPLICA_INDEX', 2);
    await manager.submit(workload, 2);
    const key = describeRef(refOf(workload));
    const done = await until(
      'both replicas finished',
      async () => {
        const r = (await manager.status([refOf(workload)])).get(key);
        return r && r.succeeded + r.failed === 2 && r;
      },
      { timeoutMs: 90_000 },
    );
    expect(done.replicas.map((r) => r.exitCode)).toEqual([0, 1]);
    // The jobs wrote under the login node's directory, which only SSH reads.
    expect((await readdir(path.join(jobsDir, CLUSTER, 'default', 'jobs', 'both'))).sort()).toEqual(['0.exit', '0.log', '1.exit', '1.log']);
    const lines: LogLine[] = [];
    for await (const line of manager.logs(refOf(workload))) lines.push(line);
    expect(lines.map((l) => `${l.replica}:${l.line}`).sort()).toEqual(['0:replica 0', '1:replica 1']);
    // One array of two elements in Slurm.
    const submitted = await slurm.command(CLUSTER, 'squeue', ['--noheader', '--states=all', '--name=sky.default.both', '--format=%i']);
    expect(submitted.trim().split('\n').filter(Boolean)).toHaveLength(2);
  });

  it("pushes changes of its Sky jobs from one GET /jobs per look, and stops when the last listener leaves", async () => {
    let calls = 0;
    const unsubscribe = manager.onStatusChange!(() => calls++);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const pushed = slurmJobObject('pushed', 'sleep 2', 1);
    await manager.submit(pushed, 1);
    // It appears, runs, completes: at least two changes, without anyone asking for its status.
    await until('two pushed changes', async () => calls >= 2, { timeoutMs: 60_000 });
    unsubscribe();
    const after = calls;
    const quiet = slurmJobObject('unwatched', 'true', 1);
    await manager.submit(quiet, 1);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(calls).toBe(after);
    await manager.delete(refOf(pushed));
    await manager.delete(refOf(quiet));
  }, 120_000);
});
