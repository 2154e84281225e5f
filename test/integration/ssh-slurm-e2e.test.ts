/**
 * A Slurm cluster behind a login node, end to end: the API server and the controller manager as
 * real processes, the cluster registered with `skym create cluster --ssh-host`, the key and
 * known_hosts given to the controllers by SKY_SSH_*, and a real sshd (fixtures/ssh/sshd.ts) in
 * front of a real Slurm cluster. The login node going away turns the cluster ERROR with the
 * connection's reason; back, it is READY again and the finished Job is still as it was.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import type { Cluster, Job } from '../../src/domain/types.js';
import { runSkym } from '../helpers/cli.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { clusterWhere } from '../helpers/clusters.js';
import { until as waitUntil } from '../helpers/wait.js';

const NAME = 'sshe-a';

let slurm: TestSlurm;
let sshd: SshdProcess;
let jobsDir: string;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;

const logs = () => controllers?.logs().slice(-4000) ?? '';

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-3000) ?? '' });
}

beforeAll(async () => {
  [slurm, sshd] = await Promise.all([startTestSlurm('sshe', [{ name: NAME, nodes: [{ name: 'sshe-a1', cpus: 2, memory: 2048 }] }]), startSshd()]);
  jobsDir = await mkdtemp(path.join(tmpdir(), 'sky-sshe-login-'));
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  controllers = await startControllers(server.url, {
    extraArgs: ['--no-discover'],
    env: { SKY_SSH_IDENTITY_FILE: sshd.identityFile, SKY_SSH_KNOWN_HOSTS: sshd.knownHostsFile, SKY_SSH_JOBS_DIR: jobsDir },
  });
  const created = await runSkym(['create', 'cluster', NAME, '--manager', 'slurm', '--ssh-host', sshd.sshHost, '--slurm-conf', slurm.get(NAME).slurmConf], { api: server.url });
  expect(created.stderr).toBe('');
  await clusterWhere(clusters, NAME, 'READY', (c) => c.status.phase === 'READY', logs);
}, 240_000);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  await sshd?.stop();
  await slurm?.stopAndClean();
  if (jobsDir) await rm(jobsDir, { recursive: true, force: true });
}, 120_000);

describe('Slurm behind a login node, end to end', () => {
  it("reports the cluster's nodes, read through the login node", async () => {
    const c = await clusters.get(NAME);
    expect(c.status.capacity).toMatchObject({ cpu: 2, memory: 2048 });
  });

  it('runs a Job whose logs `skym logs` reads from the login node', async () => {
    await jobs.create({ metadata: { name: 'over-ssh' }, spec: { resources: { cpu: 1 }, run: 'echo "via $SKY_CLUSTER"' } });
    const done = await until('job over-ssh COMPLETED', async () => {
      const job = await jobs.get('over-ssh');
      return job.status.phase === 'COMPLETED' && job;
    });
    expect(done.status.replicaStatus).toEqual([expect.objectContaining({ cluster: NAME, succeeded: 1, exitCodes: [0] })]);
    expect(await readdir(path.join(jobsDir, NAME, 'default', 'jobs', 'over-ssh'))).toEqual(expect.arrayContaining(['0.exit', '0.log']));
    const logs = await runSkym(['logs', 'over-ssh'], { api: server.url });
    expect(logs.stdout).toBe(`via ${NAME}\n`);
  });

  it('turns the cluster ERROR with the reason while the login node is gone, and READY again after', async () => {
    await sshd.kill();
    let error: Cluster;
    try {
      error = await clusterWhere(clusters, NAME, 'ERROR', (c) => c.status.phase === 'ERROR', logs);
    } finally {
      await sshd.start();
    }
    expect(error.status.message).toMatch(/Connection refused|closed by remote host|connection was lost/);
    await clusterWhere(clusters, NAME, 'READY again', (c) => c.status.phase === 'READY', logs);
    const job: Job = await jobs.get('over-ssh');
    expect(job.status.phase).toBe('COMPLETED');
    expect(job.status.replicaStatus).toEqual([expect.objectContaining({ cluster: NAME, succeeded: 1, exitCodes: [0] })]);
  }, 300_000);
});
