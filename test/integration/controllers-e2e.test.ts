/**
 * The controller manager end to end, on real processes: an API server, the controller manager,
 * and LOCAL clusters of different sizes whose replicas are real child processes. These are the
 * original demo's three demos plus what must hold when things go wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, DeploymentAPI, FilterPolicyAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { killReplicas, replicaPids } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/wait.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';

let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;

/** Waits for `probe`, showing the controller manager's last logs when it times out. */
function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-3000) ?? '' });
}

function jobInPhase(name: string, ...phases: Job['status']['phase'][]) {
  return until(`job ${name} in ${phases.join('|')}`, async () => {
    const job = await jobs.get(name);
    return phases.includes(job.status.phase) && job;
  });
}

const createLocalCluster = (name: string, cpu: number, labels: Record<string, string> = {}) =>
  createReadyLocalCluster(clusters, name, cpu, { labels, context: () => controllers?.logs().slice(-3000) ?? '' });

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  controllers = await startControllers(server.url);
  await createLocalCluster('cloud', 6);
  await createLocalCluster('onprem', 4);
});

afterAll(async () => {
  // Replicas belong to their cluster and outlive the controller manager; the test started them,
  // so the test stops them.
  killReplicas(/^sky-/);
  await controllers?.stop();
  await client?.close();
  await server?.stop();
});

describe('the original demo on local clusters', () => {
  it('demo 1: a 1-cpu job lands on a cluster, runs and completes', async () => {
    await jobs.create({ metadata: { name: 'sky-demo1' }, spec: { resources: { cpu: 1 }, run: 'echo Sky!; sleep 1' } });
    const running = await jobInPhase('sky-demo1', 'RUNNING', 'COMPLETED');
    expect(running.status.placements).toHaveLength(1);
    const done = await jobInPhase('sky-demo1', 'COMPLETED');
    expect(done.status.replicaStatus).toEqual([expect.objectContaining({ cluster: done.status.placements[0].cluster, succeeded: 1, failed: 0 })]);
    expect(done.status.conditions.find((c) => c.type === 'Scheduled')?.status).toBe('True');
    expect(controllers.logs()).toContain(`Sending job sky-demo1 to clusters {'${done.status.placements[0].cluster}': 1}.`);
  });

  it('demo 2: a FilterPolicy keeps labelled jobs off the excluded cluster', async () => {
    await new FilterPolicyAPI({ client }).create({
      metadata: { name: 'remove-cloud' },
      spec: { clusterFilter: { include: ['cloud', 'onprem'], exclude: ['cloud'] }, labelsSelector: { my_app: 'testing' } },
    });
    for (const name of ['sky-policy-a', 'sky-policy-b', 'sky-policy-c']) {
      await jobs.create({ metadata: { name, labels: { my_app: 'testing' } }, spec: { resources: { cpu: 1 }, run: 'sleep 1' } });
    }
    for (const name of ['sky-policy-a', 'sky-policy-b', 'sky-policy-c']) {
      const job = await jobInPhase(name, 'COMPLETED');
      expect(job.status.placements).toEqual([{ cluster: 'onprem', replicas: 1 }]);
    }
    await new FilterPolicyAPI({ client }).delete('remove-cloud');
  });

  it('demo 3: a 4-replica job spreads across both clusters and completes', async () => {
    await jobs.create({ metadata: { name: 'sky-spread' }, spec: { replicas: 4, resources: { cpu: 1 }, run: 'echo $SKY_REPLICA_INDEX; sleep 1' } });
    const placed = await jobInPhase('sky-spread', 'SCHEDULED', 'RUNNING', 'COMPLETED');
    const byCluster = Object.fromEntries(placed.status.placements.map((p) => [p.cluster, p.replicas]));
    expect(Object.keys(byCluster).sort()).toEqual(['cloud', 'onprem']);
    expect(byCluster.cloud + byCluster.onprem).toBe(4);
    expect(byCluster.cloud).toBeGreaterThanOrEqual(byCluster.onprem);
    // skym describe's Scheduled condition says why each cluster got what it got.
    const scheduled = placed.status.conditions.find((c) => c.type === 'Scheduled');
    expect(scheduled?.message).toMatch(
      new RegExp(`^placed on cloud \\(${byCluster.cloud}\\), onprem \\(${byCluster.onprem}\\)\\. SPREAD by room \\(room: replicas a cluster could still take\\): cloud \\d+, onprem \\d+ → cloud ${byCluster.cloud}, onprem ${byCluster.onprem}$`),
    );
    const done = await jobInPhase('sky-spread', 'COMPLETED');
    const succeeded = done.status.replicaStatus.reduce((n, r) => n + r.succeeded, 0);
    expect(succeeded).toBe(4);
    // Replicas are numbered across clusters: each of 0..3 ran exactly once.
    const indices = (await jobs.logs('sky-spread')).map((l) => Number(l.line)).sort();
    expect(indices).toEqual([0, 1, 2, 3]);
  });
});

describe('Deployments', () => {
  it('spread across clusters, keep their replicas running, and shrink when scaled down', async () => {
    const deployments = new DeploymentAPI({ client });
    await deployments.create({ metadata: { name: 'sky-web' }, spec: { replicas: 4, resources: { cpu: 1 }, run: 'sleep 300' } });
    const running = await until('sky-web with 4 ready replicas', async () => {
      const d = await deployments.get('sky-web');
      return d.status.readyReplicas === 4 && d;
    });
    expect(running.status.phase).toBe('RUNNING');
    expect(running.status.placements.map((p) => p.cluster).sort()).toEqual(['cloud', 'onprem']);
    expect(replicaPids('sky-web')).toHaveLength(4);

    // A replica that dies is started again: that is what a Deployment is for.
    process.kill(-replicaPids('sky-web')[0], 'SIGKILL');
    await until('sky-web back to 4 processes', async () => replicaPids('sky-web').length === 4 && (await deployments.get('sky-web')).status.readyReplicas === 4);

    const current = await deployments.get('sky-web');
    await deployments.update({ ...current, spec: { ...current.spec, replicas: 2 } });
    await until('sky-web scaled to 2', async () => {
      const d = await deployments.get('sky-web');
      return d.status.readyReplicas === 2 && replicaPids('sky-web').length === 2 && d;
    });
    await deployments.delete('sky-web');
    await until('sky-web processes gone', async () => replicaPids('sky-web').length === 0);
  });
});

describe('when work does not fit or goes away', () => {
  it('keeps a job too big for every cluster PENDING with the reasons, and runs it once a big enough cluster appears', async () => {
    await jobs.create({ metadata: { name: 'sky-big' }, spec: { resources: { cpu: 16 }, run: 'echo big' } });
    const pending = await until('an Unschedulable condition', async () => {
      const job = await jobs.get('sky-big');
      return job.status.conditions.find((c) => c.reason === 'Unschedulable') && job;
    });
    expect(pending.status.phase).toBe('PENDING');
    const message = pending.status.conditions.find((c) => c.type === 'Scheduled')!.message!;
    expect(message).toMatch(/cloud: .*16/);
    expect(message).toMatch(/onprem: .*16/);

    await createLocalCluster('big', 32);
    const done = await jobInPhase('sky-big', 'COMPLETED');
    expect(done.status.placements).toEqual([{ cluster: 'big', replicas: 1 }]);
    await clusters.delete('big');
  });

  it('reports a failing job FAILED with its exit code', async () => {
    await jobs.create({ metadata: { name: 'sky-fail' }, spec: { resources: { cpu: 1 }, run: 'exit 3' } });
    const failed = await jobInPhase('sky-fail', 'FAILED');
    expect(failed.status.replicaStatus[0].exitCodes).toEqual([3]);
  });

  it('stops the processes of a deleted job', async () => {
    await jobs.create({ metadata: { name: 'sky-long' }, spec: { replicas: 2, resources: { cpu: 1 }, run: 'sleep 100' } });
    await jobInPhase('sky-long', 'RUNNING');
    await until('2 replica processes', async () => replicaPids('sky-long').length === 2);
    await jobs.delete('sky-long');
    await until('no replica processes', async () => replicaPids('sky-long').length === 0);
  });

  it('survives a SIGKILLed controller manager: nothing runs twice and the job completes', async () => {
    await jobs.create({ metadata: { name: 'sky-crash' }, spec: { replicas: 3, resources: { cpu: 1 }, run: 'sleep 3' } });
    await jobInPhase('sky-crash', 'RUNNING');
    await until('3 replica processes', async () => replicaPids('sky-crash').length === 3);
    const stateDir = controllers.stateDir;
    await controllers.kill('SIGKILL');
    const survivors = replicaPids('sky-crash');
    controllers = await startControllers(server.url, { stateDir });
    // The restarted manager adopts the running replicas instead of starting them again.
    await new Promise((r) => setTimeout(r, 1000));
    const after = replicaPids('sky-crash');
    expect(after.length).toBeLessThanOrEqual(3);
    expect(after.every((pid) => survivors.includes(pid))).toBe(true);
    const done = await jobInPhase('sky-crash', 'COMPLETED');
    expect(done.status.replicaStatus.reduce((n, r) => n + r.succeeded, 0)).toBe(3);
  });

  it('places the jobs of a deleted cluster elsewhere', async () => {
    await createLocalCluster('doomed', 8, { tier: 'doomed' });
    await jobs.create({
      metadata: { name: 'sky-move' },
      spec: { resources: { cpu: 1 }, run: 'sleep 30', placement: { preferences: [{ selector: 'tier=doomed', weight: 100 }] } },
    });
    const first = await jobInPhase('sky-move', 'RUNNING');
    expect(first.status.placements).toEqual([{ cluster: 'doomed', replicas: 1 }]);
    const orphans = replicaPids('sky-move');
    await clusters.delete('doomed');
    // Deleting a Cluster object forgets the cluster; what it runs is its own. Here it is a test's.
    for (const pid of orphans) process.kill(-pid, 'SIGKILL');
    const moved = await until('sky-move placed elsewhere', async () => {
      const job = await jobs.get('sky-move');
      const [p] = job.status.placements;
      return p && p.cluster !== 'doomed' && job;
    });
    expect(moved.status.placements).toHaveLength(1);
    await jobs.delete('sky-move');
  });
});
