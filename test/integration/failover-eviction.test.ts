/**
 * Failover and eviction end to end: a real API server, the real controller manager (in this
 * process, so its cluster managers can be wrapped) and LOCAL clusters whose replicas are real
 * processes. Faults are injected around the local manager, the way a network partition or a
 * cluster that accepts work but never starts it would look to a Skylet:
 * - `unreachable`: every call fails, while the replicas already started keep running (as they
 *   would on a partitioned cluster);
 * - `never-starts`: submissions are accepted and reported PENDING forever.
 * The Kubernetes and Slurm suites show the same with real apiservers and slurmctlds stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { createClusterManager } from '../../src/cluster-managers/registry.js';
import { type ClusterManager, type WorkloadReport } from '../../src/cluster-managers/types.js';
import { createControllerManager, type ControllerManager } from '../../src/controllers/manager.js';

import type { Cluster, Job, Workload } from '../../src/domain/types.js';
import { killReplicas, replicaPids } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { type WorkloadRef, refOf, describeRef } from '../../src/domain/object-ref.js';

type Fault = 'unreachable' | 'never-starts';
const faults = new Map<string, Fault>();

/** The local manager of `cluster`, with the fault currently injected for it applied to each call. */
function faultyManager(cluster: Cluster, inner: ClusterManager): ClusterManager {
  const name = cluster.metadata.name;
  const accepted = new Map<string, { ref: WorkloadRef; replicas: number }>();
  const check = () => {
    if (faults.get(name) === 'unreachable') throw new Error(`connect ECONNREFUSED (injected for cluster ${name})`);
  };
  const neverStarts = () => faults.get(name) === 'never-starts';
  return {
    capabilities: inner.capabilities,
    capacity: async () => (check(), inner.capacity()),
    async submit(workload: Workload, replicas, options) {
      check();
      if (neverStarts()) accepted.set(describeRef(refOf(workload)), { ref: refOf(workload), replicas });
      else await inner.submit(workload, replicas, options);
    },
    async status(refs) {
      check();
      const reports = await inner.status(refs);
      for (const { ref, replicas } of accepted.values()) {
        const report: WorkloadReport = {
          ref,
          pending: replicas,
          running: 0,
          succeeded: 0,
          failed: 0,
          replicas: Array.from({ length: replicas }, (_, index) => ({ index, state: 'PENDING' as const, restarts: 0 })),
        };
        reports.set(describeRef(ref), report);
      }
      return reports;
    },
    list: async () => (check(), [...(await inner.list()), ...[...accepted.values()].map((a) => a.ref)]),
    async delete(ref) {
      check();
      accepted.delete(describeRef(ref));
      await inner.delete(ref);
    },
    logs: (ref, options) => inner.logs(ref, options),
    ensureNamespace: async (ns) => (check(), inner.ensureNamespace(ns)),
    close: () => inner.close(),
  };
}

let server: ServerProcess;
let controllers: ControllerManager;
let stateDir: string;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;
const logLines: string[] = [];

const logs = () => logLines.slice(-40).join('\n');
const wait = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000) => until(what, probe, { timeoutMs, context: logs });

const createLocalCluster = (name: string, cpu: number) => createReadyLocalCluster(clusters, name, cpu, { timeoutMs: 30_000, context: logs });

function jobOn(name: string, cluster: string, ...phases: Job['status']['phase'][]) {
  return wait(`job ${name} ${phases.join('|')} on ${cluster}`, async () => {
    const job = await jobs.get(name);
    const there = job.status.replicaStatus.find((r) => r.cluster === cluster);
    return job.status.placements.some((p) => p.cluster === cluster) && phases.includes(job.status.phase) && (there?.running ?? 0) + (there?.succeeded ?? 0) > 0 && job;
  });
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  stateDir = await mkdtemp(join(tmpdir(), 'sky-failover-'));
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line).msg) });
  controllers = createControllerManager({
    apiUrls: [server.url],
    stateDir,
    logger,
    probeIntervalMs: 100,
    statusIntervalMs: 100,
    failoverGraceMs: 1_500,
    createManager: (cluster, options) => faultyManager(cluster, createClusterManager(cluster, options)),
  });
  await controllers.start();
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
});

afterAll(async () => {
  killReplicas(/^sky-fo-/);
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('failover', () => {
  it('moves the replicas of a cluster in ERROR past the grace period, and deletes the stale copy when it returns', async () => {
    await createLocalCluster('fo-a', 2);
    await jobs.create({ metadata: { name: 'sky-fo-job' }, spec: { resources: { cpu: 1 }, run: 'sleep 120' } });
    await jobOn('sky-fo-job', 'fo-a', 'RUNNING');
    await createLocalCluster('fo-b', 2);

    faults.set('fo-a', 'unreachable');
    await wait('fo-a ERROR', async () => (await clusters.get('fo-a')).status.phase === 'ERROR');
    const moved = await jobOn('sky-fo-job', 'fo-b', 'RUNNING');
    expect(moved.status.placements).toEqual([{ cluster: 'fo-b', replicas: 1 }]);
    const eviction = moved.status.evictions?.find((e) => e.cluster === 'fo-a');
    expect(eviction).toMatchObject({ reason: 'ClusterLost', replicas: 1 });
    expect(eviction?.message).toMatch(/moved elsewhere: the cluster has been ERROR/);
    expect(logs()).toMatch(/Moving 1 replicas of jobs\/default\/sky-fo-job off cluster fo-a/);
    // The partitioned cluster still runs its copy: two processes for one replica, for now.
    expect(replicaPids('sky-fo-job')).toHaveLength(2);

    faults.delete('fo-a');
    await wait('fo-a READY again', async () => (await clusters.get('fo-a')).status.phase === 'READY');
    await wait('the stale copy on fo-a deleted', async () => replicaPids('sky-fo-job').length === 1);
    expect((await jobs.get('sky-fo-job')).status.phase).toBe('RUNNING');
  });
});

describe('eviction after the wait timeout', () => {
  it('takes replicas that wait too long off a cluster, places them elsewhere and keeps them off it', async () => {
    await createLocalCluster('fo-stuck', 8);
    faults.set('fo-stuck', 'never-starts');
    await createLocalCluster('fo-small', 1);
    // Spread puts the replica on the roomiest cluster: the one that will never start it.
    await jobs.create({ metadata: { name: 'sky-fo-waits' }, spec: { resources: { cpu: 1 }, run: 'sleep 120', waitTimeout: 1 } });
    await wait('placed on fo-stuck first', async () => (await jobs.get('sky-fo-waits')).status.replicaStatus.some((r) => r.cluster === 'fo-stuck' && r.pending === 1));

    const job = await wait('sky-fo-waits running elsewhere', async () => {
      const j = await jobs.get('sky-fo-waits');
      return j.status.phase === 'RUNNING' && j;
    });
    expect(job.status.placements).toHaveLength(1);
    expect(job.status.placements[0].cluster).not.toBe('fo-stuck');
    const eviction = job.status.evictions?.find((e) => e.cluster === 'fo-stuck');
    expect(eviction).toMatchObject({ reason: 'WaitTimeout', replicas: 1 });
    expect(eviction?.message).toMatch(/waited more than 1s in cluster fo-stuck/);
    // The Skylet asked and the scheduler answered: the request and the eviction carry one time.
    expect(job.status.replicaStatus.find((r) => r.cluster === 'fo-stuck')?.evictionRequest?.requestedAt ?? eviction?.requestedAt).toBe(eviction?.requestedAt);
    expect(job.status.conditions.find((c) => c.type === 'Evicted')).toMatchObject({ status: 'True', reason: 'WaitTimeout' });
    expect(logs()).toMatch(/Evicting 1 waiting replicas of jobs\/default\/sky-fo-waits from cluster fo-stuck/);
    await clusters.delete('fo-stuck');
  });

  it('uses the cluster default wait timeout when the workload sets none', async () => {
    await clusters.create({ metadata: { name: 'fo-stuck2' }, spec: { manager: 'LOCAL', local: { cpu: 16, memory: 16_384, gpu: 0 }, waitTimeout: 1 } });
    faults.set('fo-stuck2', 'never-starts');
    await wait('fo-stuck2 READY', async () => (await clusters.get('fo-stuck2')).status.phase === 'READY');
    expect((await clusters.get('fo-stuck2')).spec.waitTimeout).toBe(1);
    await jobs.create({ metadata: { name: 'sky-fo-default' }, spec: { resources: { cpu: 1 }, run: 'sleep 120' } });
    const job = await wait('evicted from fo-stuck2 and placed elsewhere', async () => {
      const j = await jobs.get('sky-fo-default');
      return j.status.evictions?.some((e) => e.cluster === 'fo-stuck2') && j.status.placements.length === 1 && j;
    });
    expect(job.status.placements[0].cluster).not.toBe('fo-stuck2');
  });
});
