/**
 * Preemption end to end on a real Slurm cluster (fixtures/slurm: slurmctld and a slurmd on this
 * machine): the real API server and the real controller manager as child processes, ONE member
 * cluster. An urgent Job preempts a best-effort one that holds the queue's whole quota; the
 * victim's Slurm job must be cancelled, as squeue sees it, and the victim must run again to
 * completion after the urgent job, as a new Slurm job.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, NamespaceAPI, PriorityClassAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { squeueByName, startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { until as waitUntil } from '../helpers/wait.js';

const CLUSTER = 'prs-a';
const NAMESPACE = 'prod';
/** The Slurm job name the manager gives Sky Job prod/batch. */
const VICTIM_SLURM_NAME = 'sky.prod.batch';

let slurm: TestSlurm;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let jobs: JobAPI;
let runsDir: string;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-4000) ?? '' });
}

function jobWhere(name: string, what: string, test: (job: Job) => boolean, timeoutMs = 90_000): Promise<Job> {
  let last: Job | undefined;
  return waitUntil(
    `${name}: ${what}`,
    async () => {
      last = await jobs.get(name);
      return test(last) && last;
    },
    { timeoutMs, context: () => `last status: ${JSON.stringify(last?.status)}\n${controllers?.logs().slice(-4000) ?? ''}` },
  );
}

const externalIdOf = (job: Job) => job.status.replicaStatus.find((r) => r.cluster === CLUSTER)?.externalId;

/** The Sky replicas of a cluster are one Slurm job array: squeue lists its tasks as `<id>_<index>`. */
const arrayIdOf = (squeueId: string) => squeueId.split('_')[0];

/** The (array) job ids squeue lists (its default states: pending, running, completing and the like). */
async function squeueIds(): Promise<string[]> {
  const out = await slurm.command(CLUSTER, 'squeue', ['--noheader', '--format=%F']);
  return out.split('\n').map((line) => line.trim()).filter(Boolean);
}

beforeAll(async () => {
  // One node, room for both jobs at once: only the queue's quota makes them compete.
  slurm = await startTestSlurm('prs', [{ name: CLUSTER, nodes: [{ name: 'prs-a1', cpus: 4, memory: 8192 }] }]);
  runsDir = await mkdtemp(join(tmpdir(), 'sky-preempt-slurm-'));
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  jobs = new JobAPI({ client, namespace: NAMESPACE });
  controllers = await startControllers(server.url);
  const clusters = new ClusterAPI({ client });
  await clusters.create({ metadata: { name: CLUSTER }, spec: { manager: 'SLURM', slurm: { slurmConf: slurm.get(CLUSTER).slurmConf } } });
  await until(`${CLUSTER} READY`, async () => (await clusters.get(CLUSTER)).status.phase === 'READY');
  await new NamespaceAPI({ client }).create({ metadata: { name: NAMESPACE } });
  await new QueueAPI({ client }).create({ metadata: { name: 'prod' }, spec: { namespaces: [NAMESPACE], quota: { cpu: 2 } } });
  const priorityClasses = new PriorityClassAPI({ client });
  await priorityClasses.create({ metadata: { name: 'urgent' }, spec: { value: 1000 } });
  await priorityClasses.create({ metadata: { name: 'best-effort' }, spec: { value: -10, preemptionPolicy: 'NEVER' } });
}, 240_000);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  // Cancels whatever is left in Slurm, then stops the daemons by pid.
  await slurm?.stopAndClean();
  if (runsDir) await rm(runsDir, { recursive: true, force: true });
}, 120_000);

describe('preemption on a Slurm cluster', () => {
  it('an urgent job preempts a best-effort one: squeue no longer lists the victim, which runs again to completion later', async () => {
    const runs = join(runsDir, 'batch-runs.log');
    // The first run waits to be preempted; the second one finishes at once.
    const run = `echo run >> ${runs}; if [ "$(wc -l < ${runs})" -eq 1 ]; then sleep 600; fi; echo batch done`;
    await jobs.create({ metadata: { name: 'batch' }, spec: { resources: { cpu: 2 }, run, priorityClassName: 'best-effort' } });
    const running = await jobWhere('batch', 'RUNNING with its Slurm job id', (j) => j.status.phase === 'RUNNING' && externalIdOf(j) !== undefined);
    const firstId = externalIdOf(running)!;
    expect(firstId).toMatch(/^\d+$/);
    const listed = await squeueByName(slurm, CLUSTER, VICTIM_SLURM_NAME);
    expect(listed.map((r) => ({ id: arrayIdOf(r.id), state: r.state }))).toEqual([{ id: firstId, state: 'RUNNING' }]);
    expect(await squeueIds()).toContain(firstId);

    await jobs.create({ metadata: { name: 'urgent' }, spec: { resources: { cpu: 2 }, run: 'echo urgent', priorityClassName: 'urgent' } });
    const preempted = await jobWhere('batch', 'preempted', (j) => (j.status.preemptions?.length ?? 0) > 0);
    expect(preempted.status.preemptions?.[0]).toMatchObject({ by: 'Job/prod/urgent', queue: 'prod', priority: 1000 });
    expect(preempted.status.conditions.find((c) => c.type === 'Preempted')).toMatchObject({
      status: 'True',
      message: 'Preempted to admit prod/urgent (priority 1000)',
    });

    // scancelled: squeue no longer lists it; Slurm still remembers it as CANCELLED.
    await until(`Slurm job ${firstId} gone from squeue`, async () => !(await squeueIds()).includes(firstId));
    const remembered = await squeueByName(slurm, CLUSTER, VICTIM_SLURM_NAME);
    expect(remembered.find((r) => arrayIdOf(r.id) === firstId)?.state).toBe('CANCELLED');

    const urgent = await jobWhere('urgent', 'COMPLETED', (j) => j.status.phase === 'COMPLETED');
    expect(urgent.status.replicaStatus).toEqual([expect.objectContaining({ cluster: CLUSTER, succeeded: 1, failed: 0, exitCodes: [0] })]);

    // Admitted again once the quota is free, it runs again as a new Slurm job, and completes.
    const done = await jobWhere('batch', 'COMPLETED', (j) => j.status.phase === 'COMPLETED', 120_000);
    const secondId = externalIdOf(done);
    expect(secondId).toMatch(/^\d+$/);
    expect(secondId).not.toBe(firstId);
    expect(done.status.admission).toBeDefined();
    expect(done.status.replicaStatus).toEqual([expect.objectContaining({ cluster: CLUSTER, succeeded: 1, failed: 0, exitCodes: [0] })]);
    expect(Date.parse(done.status.completionTime!)).toBeGreaterThan(Date.parse(urgent.status.completionTime!));
    // Exactly two runs: the preempted one and the one that completed.
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toEqual(['run', 'run']);
    expect((await jobs.logs('batch')).map((l) => l.line)).toEqual(['batch done']);
  }, 240_000);
});
