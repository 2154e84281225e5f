/**
 * The Slurm manager with spec.slurm.sshHost: a real Slurm cluster reached only through a real
 * sshd (fixtures/ssh/sshd.ts) on this machine. Commands and the jobs' files go through one SSH
 * login; the jobs write under the login node's jobs directory, not beside the controller's
 * records; a login node that goes away fails the calls with the connection's reason and loses
 * nothing once it is back.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { createSlurmManager } from '../../src/cluster-managers/slurm/slurm-manager.js';
import type { ClusterManager, WorkloadReport } from '../../src/cluster-managers/types.js';
import { describeRef, refOf } from '../../src/domain/object-ref.js';
import type { Workload } from '../../src/domain/types.js';
import { slurmClusterObject, slurmJobObject, startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { until } from '../helpers/wait.js';

const CLUSTER = 'sshm-a';
const WAIT = { timeoutMs: 90_000 };

let slurm: TestSlurm;
let sshd: SshdProcess;
let stateDir: string;
let jobsDir: string;
let manager: ClusterManager;

const cluster = (sshHost: string, slurmConf: string) => slurmClusterObject(CLUSTER, { sshHost, slurmConf });
const job = (name: string, run: string, replicas: number) => slurmJobObject(name, run, replicas, [{ name: 'GREETING', value: "it's Sky" }]);

async function report(workload: Workload): Promise<WorkloadReport | undefined> {
  return (await manager.status([refOf(workload)])).get(describeRef(refOf(workload)));
}

beforeAll(async () => {
  [slurm, sshd] = await Promise.all([startTestSlurm('sshm', [{ name: CLUSTER, nodes: [{ name: 'sshm-a1', cpus: 4, memory: 4096 }] }]), startSshd()]);
  stateDir = await mkdtemp(path.join(tmpdir(), 'sky-sshm-state-'));
  jobsDir = await mkdtemp(path.join(tmpdir(), 'sky-sshm-login-'));
  manager = createSlurmManager(cluster(sshd.sshHost, slurm.get(CLUSTER).slurmConf), {
    stateDir,
    ssh: { ...sshd.clientOptions, jobsDir },
  });
}, 120_000);

afterAll(async () => {
  await manager?.close();
  await sshd?.stop();
  await slurm?.stopAndClean();
  for (const dir of [stateDir, jobsDir]) if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('Slurm manager over SSH', () => {
  it('refuses a malformed spec.slurm.sshHost, naming it', () => {
    expect(() => createSlurmManager(cluster('login-without-user', '/x'), { stateDir })).toThrow(/^spec\.slurm\.sshHost: "login-without-user" has no user/);
  });

  it("reports the cluster's capacity through the login node", async () => {
    const capacity = await manager.capacity();
    expect(capacity.capacity.cpu).toBe(4);
  });

  it('runs a Job: exit codes read from the login node, records kept on the controller, one login', async () => {
    const logins = await sshd.acceptedLogins();
    const workload = job('hello', 'echo "$GREETING $SKY_REPLICA_INDEX"; exit $SKY_REPLICA_INDEX', 3);
    await manager.submit(workload, 3);
    const done = await until(
      'three replicas finished',
      async () => {
        const r = await report(workload);
        return r && r.succeeded + r.failed === 3 && r;
      },
      WAIT,
    );
    expect(done.succeeded).toBe(1);
    expect(done.replicas.map((r) => r.exitCode)).toEqual([0, 1, 2]);

    const remote = path.join(jobsDir, CLUSTER, 'default', 'jobs', 'hello');
    expect((await readdir(remote)).sort()).toEqual(['0.exit', '0.log', '1.exit', '1.log', '2.exit', '2.log']);
    expect(await readFile(path.join(remote, '1.log'), 'utf8')).toBe("it's Sky 1\n");
    const local = path.join(stateDir, CLUSTER, 'default', 'jobs', 'hello');
    expect(await readdir(local)).toEqual(['submission.json']);
    expect(await sshd.acceptedLogins()).toBe(logins);
  });

  it('fails with the connection as the reason while the login node is gone, and loses nothing', async () => {
    const workload = job('hello', '', 3);
    await sshd.kill();
    try {
      let error: unknown;
      for (let i = 0; i < 2; i++) error = await manager.capacity().catch((e: unknown) => e);
      expect((error as Error).message).toMatch(new RegExp(`ssh .*@127\\.0\\.0\\.1:${sshd.port}: cannot connect: .*Connection refused`, 's'));
      await expect(report(workload)).rejects.toThrow(/cannot connect/);
    } finally {
      await sshd.start();
    }
    // Once the wait after the last failed connect is over.
    const again = await until('a report through the login node again', () => report(workload).catch(() => undefined), WAIT);
    expect(again.replicas.map((r) => r.exitCode)).toEqual([0, 1, 2]);
  });

  it('follows the logs on the login node until the job ends', async () => {
    const workload = job('talk', 'echo "one $SKY_REPLICA_INDEX"; sleep 2; printf "two ✓ $SKY_REPLICA_INDEX"', 2);
    await manager.submit(workload, 2);
    const lines: string[] = [];
    for await (const { replica, line } of manager.logs(refOf(workload), { follow: true })) lines.push(`${replica}: ${line}`);
    expect(lines.sort()).toEqual(['0: one 0', '0: two ✓ 0', '1: one 1', '1: two ✓ 1']);
    const tail: string[] = [];
    for await (const { line } of manager.logs(refOf(workload), { tail: 1 })) tail.push(line);
    expect(tail.sort()).toEqual(['two ✓ 0', 'two ✓ 1']);
    // Read on the login node, not here (where, on this one machine, the files are too).
    await sshd.kill();
    try {
      const read = async () => {
        for await (const _ of manager.logs(refOf(workload), { tail: 1 })) void _;
      };
      await read().catch(() => undefined);
      await expect(read()).rejects.toThrow(/cannot connect: .*Connection refused/s);
    } finally {
      await sshd.start();
    }
    await until('the login node answers again', () => manager.capacity().then(() => true, () => false), WAIT);
    await manager.delete(refOf(workload));
  });

  it("takes the key and known_hosts from the controller's SKY_SSH_* environment", async () => {
    const saved = { ...process.env };
    try {
      process.env.SKY_SSH_IDENTITY_FILE = sshd.identityFile;
      process.env.SKY_SSH_KNOWN_HOSTS = sshd.knownHostsFile;
      const fromEnv = createSlurmManager(cluster(sshd.sshHost, slurm.get(CLUSTER).slurmConf), { stateDir });
      try {
        expect((await fromEnv.capacity()).capacity.cpu).toBe(4);
      } finally {
        await fromEnv.close();
      }
      process.env.SKY_SSH_IDENTITY_FILE = path.join(jobsDir, 'no-such-key');
      expect(() => createSlurmManager(cluster(sshd.sshHost, slurm.get(CLUSTER).slurmConf), { stateDir })).toThrow(
        `Cluster '${CLUSTER}': spec.slurm.sshHost is "${sshd.sshHost}", but SKY_SSH_IDENTITY_FILE=${path.join(jobsDir, 'no-such-key')} does not exist on the controller machine`,
      );
    } finally {
      process.env = saved;
    }
  });

  it('delete removes the records and the files on the login node', async () => {
    const ref = refOf(job('hello', '', 3));
    await manager.delete(ref);
    expect(existsSync(path.join(stateDir, CLUSTER, 'default', 'jobs', 'hello'))).toBe(false);
    expect(existsSync(path.join(jobsDir, CLUSTER, 'default', 'jobs', 'hello'))).toBe(false);
    expect(await manager.list()).toEqual([]);
  });
});
