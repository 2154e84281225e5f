/**
 * Preemption from the scheduler to a member cluster, end to end: a real API server, the
 * controllers (in this process, so the scheduler can be given its queue resolution before the
 * controller manager wires one) and a LOCAL cluster whose replicas are real processes. The test
 * plays the admission controller: it admits a queued Job, withdraws the admission while the Job
 * runs, and admits it again. The process must be gone, the Job PENDING with nothing left of the
 * old run in its status, and the second run a fresh one that completes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { SharedCaches } from '../../src/controllers/caches.js';
import { SchedulerController } from '../../src/controllers/scheduler-controller.js';
import { SkyletController } from '../../src/controllers/skylet-controller.js';
import { usageOf, type QueueResolution } from '../../src/domain/queueing.js';
import type { Admission, Job, Queue } from '../../src/domain/types.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { killReplicas, replicaPids } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const QUEUE = { kind: 'Queue', metadata: { name: 'team-a' } } as unknown as Queue;

let server: ServerProcess;
let client: SkyClient;
let caches: SharedCaches;
let scheduler: SchedulerController;
let skylets: SkyletController;
let stateDir: string;
let jobs: JobAPI;
const logLines: string[] = [];

const logs = () => logLines.slice(-40).join('\n');
const wait = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000) => until(what, probe, { timeoutMs, context: logs });

/** Jobs named queued-* are taken by queue team-a; the others by none. */
const queueOf = (job: { metadata: { name: string } }): QueueResolution =>
  job.metadata.name.startsWith('queued-') ? { kind: 'queue', queue: QUEUE } : { kind: 'none' };

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  stateDir = await mkdtemp(join(tmpdir(), 'sky-preempt-'));
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line).msg) });
  client = new SkyClient({ url: server.url });
  caches = new SharedCaches(new SkyClient({ url: server.url }), logger);
  scheduler = new SchedulerController({ listers: caches, writer: caches, logger, queueOf });
  skylets = new SkyletController({ listers: caches, writer: caches, stateDir, logger, probeIntervalMs: 100, statusIntervalMs: 100 });
  await caches.start();
  scheduler.start();
  skylets.start();
  jobs = new JobAPI({ client });
  await createReadyLocalCluster(new ClusterAPI({ client }), 'pre-a', 2, { timeoutMs: 30_000, context: logs });
});

afterAll(async () => {
  killReplicas(/^queued-|^sky-pre-/);
  await skylets?.stop();
  await scheduler?.stop();
  await caches?.stop();
  await client?.close();
  await server?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

function admission(job: Job): Admission {
  return {
    queue: 'team-a',
    priority: 0,
    admittedAt: new Date().toISOString(),
    generation: job.metadata.generation,
    replicas: job.spec.replicas,
    usage: usageOf(job.spec.resources, job.spec.replicas),
  };
}

/** The admission controller's write: admit, or (admission undefined) withdraw as a preemption. */
async function decide(name: string, admit: boolean): Promise<void> {
  const job = await jobs.get(name);
  await jobs.setAdmission(job.metadata, {
    expectedAdmission: job.status.admission,
    admission: admit ? admission(job) : undefined,
    queue: admit
      ? { name: 'team-a', reason: 'Admitted', message: 'admitted by queue team-a' }
      : { name: 'team-a', reason: 'Preempted', message: 'Preempted to admit default/urgent (priority 1000)' },
  });
}

const jobWhere = (name: string, what: string, test: (job: Job) => boolean) =>
  wait(`job ${name}: ${what}`, async () => {
    const job = await jobs.get(name);
    return test(job) && job;
  });

describe('preemption on a local cluster', () => {
  it('places nothing of a queued Job until it is admitted', async () => {
    await jobs.create({ metadata: { name: 'queued-wait' }, spec: { resources: { cpu: 1 }, run: 'true' } });
    await jobs.create({ metadata: { name: 'sky-pre-free' }, spec: { resources: { cpu: 1 }, run: 'true' } });
    // A Job no queue takes, created after it, runs to the end meanwhile.
    await jobWhere('sky-pre-free', 'COMPLETED', (j) => j.status.phase === 'COMPLETED');
    const waiting = await jobs.get('queued-wait');
    expect(waiting.status).toMatchObject({ phase: 'PENDING', placements: [] });
    // Not a single write from the scheduler.
    expect(waiting.status.observedGeneration).toBeUndefined();
    expect(waiting.status.conditions).toEqual([]);
  });

  it('deletes the replicas of a preempted Job, and runs it afresh to completion once admitted again', async () => {
    const runs = join(stateDir, 'runs.log');
    // The first run waits to be preempted; the second one finishes.
    const run = `echo run >> ${runs}; if [ "$(wc -l < ${runs})" -eq 1 ]; then sleep 300; fi; echo done`;
    await jobs.create({ metadata: { name: 'queued-victim' }, spec: { resources: { cpu: 1 }, run } });

    await decide('queued-victim', true);
    const running = await jobWhere('queued-victim', 'RUNNING on pre-a', (j) => j.status.phase === 'RUNNING');
    expect(running.status.placements).toEqual([{ cluster: 'pre-a', replicas: 1 }]);
    const [pid] = await wait('its process', async () => replicaPids('queued-victim').length === 1 && replicaPids('queued-victim'));

    await decide('queued-victim', false);
    const preempted = await jobWhere('queued-victim', 'PENDING, its report cleared', (j) => {
      const entry = j.status.replicaStatus.find((r) => r.cluster === 'pre-a');
      return j.status.phase === 'PENDING' && entry?.running === 0 && entry.externalId === undefined;
    });
    expect(preempted.status.placements).toEqual([]);
    expect(preempted.status.evictions).toEqual([expect.objectContaining({ cluster: 'pre-a', replicas: 1, reason: 'Preempted', message: 'Preempted to admit default/urgent (priority 1000)' })]);
    expect(preempted.status.conditions.find((c) => c.type === 'Scheduled')).toMatchObject({ status: 'False', reason: 'Preempted' });
    await wait('the process group gone', async () => !processAlive(pid));
    expect(replicaPids('queued-victim')).toEqual([]);

    await decide('queued-victim', true);
    const done = await jobWhere('queued-victim', 'COMPLETED', (j) => j.status.phase === 'COMPLETED');
    expect(done.status.placements).toEqual([{ cluster: 'pre-a', replicas: 1 }]);
    expect(done.status.replicaStatus).toEqual([expect.objectContaining({ cluster: 'pre-a', running: 0, succeeded: 1, failed: 0, exitCodes: [0] })]);
    // Exactly two runs: the preempted one and the one that completed.
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toEqual(['run', 'run']);
  }, 90_000);

  it('runs afresh when admitted again at once, before its Skylet saw it leave', async () => {
    const runs = join(stateDir, 'quick-runs.log');
    const run = `echo run >> ${runs}; if [ "$(wc -l < ${runs})" -eq 1 ]; then sleep 300; fi`;
    await jobs.create({ metadata: { name: 'queued-quick' }, spec: { resources: { cpu: 1 }, run } });
    await decide('queued-quick', true);
    await jobWhere('queued-quick', 'RUNNING', (j) => j.status.phase === 'RUNNING');
    const [pid] = await wait('its process', async () => replicaPids('queued-quick').length === 1 && replicaPids('queued-quick'));

    await decide('queued-quick', false);
    await decide('queued-quick', true);

    const done = await jobWhere('queued-quick', 'COMPLETED', (j) => j.status.phase === 'COMPLETED');
    expect(done.status.replicaStatus).toEqual([expect.objectContaining({ cluster: 'pre-a', succeeded: 1, exitCodes: [0] })]);
    expect(processAlive(pid)).toBe(false);
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toEqual(['run', 'run']);
  }, 90_000);
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
