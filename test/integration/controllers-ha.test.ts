/**
 * Two controller-manager replicas against one API server, leader-elected over a Lease: one acts,
 * the other keeps its caches warm and waits. The leader is SIGKILLed in the middle of 50 Jobs on
 * two LOCAL clusters (one state directory, as replicas sharing a volume); the other takes over
 * once the lease has gone unrenewed for its duration, and every Job's replica runs exactly once.
 * Real processes throughout: the API server, both controller managers, the replicas.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, LeaseAPI, SkyClient } from '../../src/client/index.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { killReplicas } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const LEASE = 'skym-controller-manager';
const JOBS = 50;
// Short timings, so the test waits seconds rather than the default 15 s.
const TIMINGS = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'];

let server: ServerProcess;
let client: SkyClient;
let leases: LeaseAPI;
let jobs: JobAPI;
let stateDir: string;
let ranDir: string;
let a: ControllersProcess | undefined;
let b: ControllersProcess | undefined;

const logs = () => `--- replica-a\n${a?.logs().slice(-2500) ?? ''}\n--- replica-b\n${b?.logs().slice(-2500) ?? ''}`;
const holder = async () => (await leases.get(LEASE).catch(() => undefined))?.spec.holderIdentity;
const replica = (identity: string) => startControllers(server.url, { stateDir, leaderElectIdentity: identity, extraArgs: TIMINGS });

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  leases = new LeaseAPI({ client });
  jobs = new JobAPI({ client });
  stateDir = await mkdtemp(join(tmpdir(), 'sky-ha-state-'));
  ranDir = await mkdtemp(join(tmpdir(), 'sky-ha-ran-'));
  a = await replica('replica-a');
  await until('replica-a leads', async () => (await holder()) === 'replica-a', { context: logs });
  b = await replica('replica-b');
  const clusters = new ClusterAPI({ client });
  await createReadyLocalCluster(clusters, 'east', 4, { context: logs });
  await createReadyLocalCluster(clusters, 'west', 4, { context: logs });
});

afterAll(async () => {
  killReplicas(/^sky-ha-/);
  await a?.stop({ keepState: true });
  await b?.stop({ keepState: true });
  await client?.close();
  await server?.stop();
  await rm(stateDir, { recursive: true, force: true });
  await rm(ranDir, { recursive: true, force: true });
});

describe('two leader-elected controller managers', () => {
  it('only the leader runs controllers; the other follows', async () => {
    expect(await holder()).toBe('replica-a');
    expect(a!.logs()).toMatch(/became leader/);
    expect(a!.logs()).toMatch(/Running Scheduler controller/);
    expect(b!.logs()).toMatch(/new leader: replica-a/);
    // Skylets are shared out over both replicas (skylet-shards.ts); only the leader schedules.
    expect(b!.logs()).not.toMatch(/Running Scheduler controller/);
  });

  it('the follower takes over when the leader is SIGKILLed mid-burst, and every replica runs exactly once', async () => {
    for (let i = 0; i < JOBS; i++) {
      const name = `sky-ha-${String(i).padStart(2, '0')}`;
      const mark = join(ranDir, name);
      await jobs.create({ metadata: { name }, spec: { resources: { cpu: 1 }, run: `mkdir -p ${mark} && touch ${mark}/$$ && sleep 1` } });
    }
    // Kill the leader once it has placed some of the burst and replicas are running.
    await until('a few jobs placed', async () => (await jobs.list()).items.filter((j) => j.status.placements.length > 0).length >= 8, { context: logs });
    const transitionsBefore = (await leases.get(LEASE)).spec.leaseTransitions ?? 0;
    await a!.kill('SIGKILL');
    a = undefined;
    const unfinished = (await jobs.list()).items.filter((j) => j.status.phase !== 'COMPLETED').length;
    expect(unfinished, 'jobs left for the next leader').toBeGreaterThan(JOBS / 2);
    await until('replica-b leads', async () => (await holder()) === 'replica-b', { timeoutMs: 20_000, context: logs });
    expect((await leases.get(LEASE)).spec.leaseTransitions).toBe(transitionsBefore + 1);
    expect(b!.logs()).toMatch(/became leader/);

    const done = await until(
      `all ${JOBS} jobs COMPLETED`,
      async () => {
        const list = (await jobs.list()).items.filter((j) => j.metadata.name.startsWith('sky-ha-'));
        return list.length === JOBS && list.every((j) => j.status.phase === 'COMPLETED') && list;
      },
      { timeoutMs: 120_000, context: logs },
    );
    for (const job of done) {
      expect(job.status.replicaStatus.reduce((n, r) => n + r.succeeded, 0), job.metadata.name).toBe(1);
      expect(job.status.replicaStatus.reduce((n, r) => n + r.failed, 0), job.metadata.name).toBe(0);
    }
    // Each replica left one mark per process that ran it: exactly one each, none started twice.
    const marks = await readdir(ranDir);
    expect(marks).toHaveLength(JOBS);
    for (const name of marks) expect(await readdir(join(ranDir, name)), name).toHaveLength(1);
  });

  it('a replica stopped gracefully releases the lease, and a waiting one takes it', async () => {
    a = await replica('replica-c');
    expect(a.logs()).not.toMatch(/became leader/);
    await b!.stop({ keepState: true });
    b = undefined;
    // Released, not left to run out: a waiting replica may take it on its next try.
    const released = (await leases.get(LEASE)).spec;
    expect(['', 'replica-c']).toContain(released.holderIdentity);
    await until('replica-c leads', async () => (await holder()) === 'replica-c', { context: logs });
  });
});
