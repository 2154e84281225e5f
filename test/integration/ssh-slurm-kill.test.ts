/**
 * The login node dies in the middle of a batch of Jobs (issue 19): a real Slurm cluster behind a
 * real sshd (fixtures/ssh/sshd.ts), the API server and the controller manager as real processes.
 * Jobs are submitted through the API, some with several replicas; each replica appends one marker
 * line (its Job and SKY_REPLICA_INDEX) to a file on the shared filesystem. sshd is SIGKILLed
 * while some replicas run and others have not started, and stays away for longer than the
 * controller manager's failover grace. Slurm itself carries on meanwhile.
 *
 * What must hold: the cluster turns ERROR with the connection's reason and READY once sshd is
 * back; every Job completes; every replica's marker is there exactly once (none ran twice, none
 * was lost); each Job's replicaStatus has its succeeded count and exit codes; and Slurm saw one
 * array per Job (MinJobAge is an hour, so squeue still shows every finished element).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

const NAME = 'sshk-a';
/** Short, so the outage below outlasts it several times over. */
const FAILOVER_GRACE_MS = 4_000;
/** How long sshd stays away once the cluster is ERROR: well past the failover grace. */
const OUTAGE_AFTER_ERROR_MS = FAILOVER_GRACE_MS + 12_000;
/**
 * 13 Jobs of 1 to 3 replicas, 25 replicas on 4 cpus: several waves, so the kill finds all stages.
 * Half a cpu each: Sky fits 8 on the node, Slurm (whole cpus) starts 4 and queues the rest, so
 * replicas wait in Slurm's queue as well as in Sky's.
 */
const JOBS = Array.from({ length: 13 }, (_, i) => ({ name: `kill-${String(i + 1).padStart(2, '0')}`, replicas: 1 + (i % 3) }));
const REPLICA_SECONDS = 3;

let slurm: TestSlurm;
let sshd: SshdProcess;
let jobsDir: string;
let markerFile: string;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;

const logs = () => controllers?.logs().slice(-4000) ?? '';

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-4000) ?? '' });
}

interface SlurmElement {
  arrayJobId: string;
  /** The element's index, or the pending rest of the array ("[1-2]"). */
  task: string;
  state: string;
  name: string;
}

/** Every element of Sky's arrays Slurm remembers, asked of slurmctld directly (not through sshd). */
async function slurmElements(): Promise<SlurmElement[]> {
  const out = await slurm.command(NAME, 'squeue', ['--noheader', '--states=all', '--array', '--format=%F|%K|%T|%j']);
  return out
    .split('\n')
    .filter((line) => line.includes('|sky.'))
    .map((line) => {
      const [arrayJobId, task, state, name] = line.trim().split('|');
      return { arrayJobId, task, state, name };
    });
}

beforeAll(async () => {
  [slurm, sshd] = await Promise.all([
    startTestSlurm('sshk', [{ name: NAME, nodes: [{ name: 'sshk-a1', cpus: 4, memory: 4096 }], minJobAge: 3600 }]),
    startSshd(),
  ]);
  jobsDir = await mkdtemp(path.join(tmpdir(), 'sky-sshk-login-'));
  markerFile = path.join(jobsDir, 'markers');
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  controllers = await startControllers(server.url, {
    extraArgs: ['--failover-grace-ms', String(FAILOVER_GRACE_MS)],
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

describe('the login node killed in the middle of many Jobs', () => {
  it('turns the cluster ERROR and READY again, and runs every replica of every Job exactly once', async () => {
    for (const { name, replicas } of JOBS) {
      await jobs.create({
        metadata: { name },
        spec: { replicas, resources: { cpu: 0.5 }, run: `echo "$SKY_JOB_NAME $SKY_REPLICA_INDEX" >> '${markerFile}'; sleep ${REPLICA_SECONDS}` },
      });
    }
    const total = JOBS.reduce((n, j) => n + j.replicas, 0);

    // The kill comes once some replicas have finished and some run, while others wait in
    // Slurm's queue and more have not been submitted yet.
    const atKill = await until(
      'replicas finished, running, queued in Slurm and not yet submitted, at once',
      async () => {
        const elements = await slurmElements();
        const count = (state: string) => elements.filter((e) => e.state === state).length;
        const started = count('RUNNING') + count('COMPLETED');
        return count('COMPLETED') > 0 && count('RUNNING') > 0 && count('PENDING') > 0 && started < total - 8 && { completed: count('COMPLETED'), running: count('RUNNING'), pending: count('PENDING') };
      },
      120_000,
    );
    await sshd.kill();
    let error: Cluster;
    let completedDuringOutage = 0;
    try {
      error = await clusterWhere(clusters, NAME, 'ERROR', (c) => c.status.phase === 'ERROR', logs);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_AFTER_ERROR_MS));
      completedDuringOutage = (await slurmElements()).filter((e) => e.state === 'COMPLETED').length - atKill.completed;
    } finally {
      await sshd.start();
    }
    expect(error.status.message).toMatch(/Connection refused|closed by remote host|connection was lost/);
    // Slurm went on without us: replicas finished while the login node was away.
    expect(completedDuringOutage).toBeGreaterThan(0);
    await clusterWhere(clusters, NAME, 'READY again', (c) => c.status.phase === 'READY', logs);

    const done = await until(
      'every Job COMPLETED',
      async () => {
        const list = (await jobs.list()).items;
        return list.length === JOBS.length && list.every((j) => j.status.phase === 'COMPLETED') && list;
      },
      180_000,
    );

    // Each replica's marker exactly once: none ran twice, none was lost.
    const markers = (await readFile(markerFile, 'utf8')).split('\n').filter(Boolean).sort();
    const expected = JOBS.flatMap(({ name, replicas }) => Array.from({ length: replicas }, (_, i) => `${name} ${i}`)).sort();
    expect(markers).toEqual(expected);

    for (const { name, replicas } of JOBS) {
      const job = done.find((j: Job) => j.metadata.name === name)!;
      expect(job.status.replicaStatus, name).toEqual([
        expect.objectContaining({ cluster: NAME, succeeded: replicas, failed: 0, running: 0, pending: 0, exitCodes: Array(replicas).fill(0) }),
      ]);
    }

    // Slurm saw one array per Job, each element of which completed once.
    const elements = await slurmElements();
    for (const { name, replicas } of JOBS) {
      const own = elements.filter((e) => e.name === `sky.default.${name}`);
      expect(new Set(own.map((e) => e.arrayJobId)).size, `arrays submitted for ${name}`).toBe(1);
      expect(own.map((e) => `${e.task} ${e.state}`).sort(), `elements of ${name}`).toEqual(Array.from({ length: replicas }, (_, i) => `${i} COMPLETED`));
    }
    console.log(`at the kill: ${JSON.stringify(atKill)} of ${total} replicas in Slurm; ${completedDuringOutage} completed while sshd was away`);
  }, 600_000);
});
