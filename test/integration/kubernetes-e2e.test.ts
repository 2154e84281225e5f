/**
 * Sky Manager end to end on three real Kubernetes control planes (kube-apiserver,
 * kube-controller-manager, kube-scheduler per cluster; kwok plays the kubelets): the real API
 * server and the real controller manager as child processes, clusters registered through the API
 * as `manager: KUBERNETES` with a context of the fixture's kubeconfig. What lands in the member
 * clusters is checked there, with their own API.
 *
 * The fixture's clusters (test/helpers/kubernetes.ts): k8s-a 2 x 4 cpu, k8s-b 1 x 2 cpu, k8s-c
 * 8 cpu + 4 cpu with a GPU. Job pods run 5 s, Deployment pods until deleted; a workload's
 * annotations reach its pods, where the fixture's sky.dev/fake-* annotations change that.
 * The failover test stops an apiserver, so it comes last.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, DeploymentAPI, FilterPolicyAPI, JobAPI, LeaseAPI, NamespaceAPI, SkyClient } from '../../src/client/index.js';
import type { Job, Workload } from '../../src/domain/types.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { KUBE_FIXTURE_TIMEOUT_MS, startKubeFixture, type KubeFixture } from '../helpers/kubernetes.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/wait.js';

const CLUSTERS = ['k8s-a', 'k8s-b', 'k8s-c'];
const SKY = 'sky.dev/managed-by=sky-manager';
const LONG = 120_000;
/**
 * A short failover grace, so the failover test does not wait the default minute. (The helper
 * turns kubeconfig discovery off: the clusters are registered through the API, below.)
 */
const CONTROLLER_ARGS = ['--failover-grace-ms', '3000'];
/**
 * Replica states are polled only every ten minutes, i.e. never within a test: every state change
 * below reaches Sky because the member clusters' watch caches push it (onStatusChange), and the
 * eviction test because the Skylet looks again when waiting replicas fall due.
 */
const STATUS_INTERVAL_MS = 600_000;

let fixture: KubeFixture;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;
let deployments: DeploymentAPI;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, {
    timeoutMs,
    context: () => `--- controller manager:\n${controllers?.logs().slice(-4000) ?? ''}\n${fixture?.logs() ?? ''}`.slice(-12_000),
  });
}

function inPhase<T extends Workload>(api: { get(name: string): Promise<T> }, name: string, ...phases: Job['status']['phase'][]): Promise<T> {
  return until(`${name} in ${phases.join('|')}`, async () => {
    const w = await api.get(name);
    return phases.includes(w.status.phase) && w;
  });
}

const placementsOf = (w: Workload) => Object.fromEntries(w.status.placements.map((p) => [p.cluster, p.replicas]));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The member Jobs (or Deployments) of Sky workload `name` in each cluster. */
async function memberJobs(name: string, namespace = 'default', among = CLUSTERS): Promise<Record<string, V1Job[]>> {
  const entries = await Promise.all(
    among.map(async (c) => [c, (await fixture.batch(c).listNamespacedJob({ namespace, labelSelector: `${SKY},sky.dev/name=${name}` })).items] as const),
  );
  return Object.fromEntries(entries);
}

async function memberDeploymentReplicas(name: string, namespace = 'default'): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const c of CLUSTERS) {
    const items = (await fixture.apps(c).listNamespacedDeployment({ namespace, labelSelector: `${SKY},sky.dev/name=${name}` })).items;
    if (items.length > 0) result[c] = sum(items.map((d) => d.spec?.replicas ?? 0));
  }
  return result;
}

async function memberPods(name: string, namespace = 'default'): Promise<Record<string, V1Pod[]>> {
  const entries = await Promise.all(
    CLUSTERS.map(async (c) => [c, (await fixture.core(c).listNamespacedPod({ namespace, labelSelector: `${SKY},sky.dev/name=${name}` })).items] as const),
  );
  return Object.fromEntries(entries);
}

const nonEmpty = <T>(byCluster: Record<string, T[]>) => Object.fromEntries(Object.entries(byCluster).filter(([, items]) => items.length > 0));

beforeAll(async () => {
  fixture = await startKubeFixture(undefined, { jobPodDurationMs: 5000 });
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  deployments = new DeploymentAPI({ client });
  controllers = await startControllers(server.url, { extraArgs: CONTROLLER_ARGS, statusIntervalMs: STATUS_INTERVAL_MS });
  for (const name of CLUSTERS) {
    await clusters.create({
      metadata: { name, labels: { cluster: name } },
      spec: { manager: 'KUBERNETES', kubernetes: { context: fixture.cluster(name).context, kubeconfigPath: fixture.kubeconfigPath } },
    });
  }
}, KUBE_FIXTURE_TIMEOUT_MS);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  await fixture?.stop();
}, 120_000);

describe('clusters', () => {
  it("turn READY with the capacity the fake nodes declare, and no credentials in the API", async () => {
    for (const name of CLUSTERS) await until(`${name} READY`, async () => (await clusters.get(name)).status.phase === 'READY');
    const [a, b, c] = await Promise.all(CLUSTERS.map((name) => clusters.get(name)));
    expect(a.status.capacity).toEqual({ cpu: 8, memory: 16384, gpu: 0 });
    expect(a.status.nodes.map((n) => n.name)).toEqual(['k8s-a-node-0', 'k8s-a-node-1']);
    expect(b.status.capacity).toEqual({ cpu: 2, memory: 4096, gpu: 0 });
    expect(c.status.capacity).toEqual({ cpu: 12, memory: 32768, gpu: 1 });
    expect(c.status.acceleratorTypes).toEqual(['nvidia-tesla-t4']);
    const wire = JSON.stringify(await clusters.list());
    expect(wire).not.toContain(fixture.cluster('k8s-a').token);
  }, LONG);
});

describe("the original demo's three demos on Kubernetes", () => {
  it('demo 1: a 1-cpu job lands on a cluster, whose own controllers make, bind and run its pod; RUNNING, then COMPLETED', async () => {
    const started = Date.now();
    await jobs.create({ metadata: { name: 'sky-demo1' }, spec: { image: 'gcr.io/sky-burst/skyburst:latest', resources: { cpu: 1 }, run: 'echo Sky!; sleep 10' } });
    const running = await inPhase(jobs, 'sky-demo1', 'RUNNING');
    console.log(`[kubernetes-e2e] createJob → RUNNING: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(running.status.placements).toHaveLength(1);
    const [{ cluster }] = running.status.placements;

    const member = (await memberJobs('sky-demo1'))[cluster];
    expect(member).toHaveLength(1);
    expect(member[0].spec).toMatchObject({ parallelism: 1, completions: 1 });
    const pods = (await memberPods('sky-demo1'))[cluster];
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'sky-demo1' });
    expect(pods[0].spec?.nodeName).toMatch(new RegExp(`^${cluster}-node-`));
    expect(pods[0].spec?.containers[0].image).toBe('gcr.io/sky-burst/skyburst:latest');

    const done = await inPhase(jobs, 'sky-demo1', 'COMPLETED');
    expect(done.status.replicaStatus).toEqual([expect.objectContaining({ cluster, succeeded: 1, failed: 0, externalId: 'sky-demo1' })]);
    expect(controllers.logs()).toContain(`Sending job sky-demo1 to clusters {'${cluster}': 1}.`);
  }, LONG);

  it('demo 2: a FilterPolicy keeps labelled jobs off the excluded cluster', async () => {
    const policies = new FilterPolicyAPI({ client });
    await policies.create({
      metadata: { name: 'not-on-c' },
      spec: { clusterFilter: { include: CLUSTERS, exclude: ['k8s-c'] }, labelsSelector: { my_app: 'testing' } },
    });
    const names = ['sky-policy-a', 'sky-policy-b', 'sky-policy-c'];
    for (const name of names) await jobs.create({ metadata: { name, labels: { my_app: 'testing' } }, spec: { resources: { cpu: 1 }, run: 'echo policy' } });
    for (const name of names) {
      const job = await inPhase(jobs, name, 'COMPLETED');
      expect(job.status.placements.map((p) => p.cluster)).not.toContain('k8s-c');
      expect((await memberJobs(name))['k8s-c']).toEqual([]);
    }
    await policies.delete('not-on-c');
  }, LONG);

  it('demo 3: a 4-replica job spreads by capacity, one member Job per cluster, each replica its own index', async () => {
    await jobs.create({ metadata: { name: 'sky-spread' }, spec: { replicas: 4, resources: { cpu: 1 }, run: 'echo $SKY_REPLICA_INDEX' } });
    const placed = await inPhase(jobs, 'sky-spread', 'RUNNING', 'COMPLETED');
    const byCluster = placementsOf(placed);
    expect(Object.keys(byCluster).length).toBeGreaterThanOrEqual(2);
    expect(sum(Object.values(byCluster))).toBe(4);
    expect(byCluster['k8s-c'] ?? 0).toBeGreaterThanOrEqual(byCluster['k8s-b'] ?? 0);

    const members = nonEmpty(await memberJobs('sky-spread'));
    expect(Object.keys(members).sort()).toEqual(Object.keys(byCluster).sort());
    const indexes: number[] = [];
    for (const [cluster, [member]] of Object.entries(members)) {
      expect(member.spec?.completions).toBe(byCluster[cluster]);
      const first = Number(member.spec!.template.spec!.containers[0].env!.find((e) => e.name === 'SKY_FIRST_REPLICA_INDEX')!.value);
      for (let i = 0; i < byCluster[cluster]; i++) indexes.push(first + i);
    }
    expect(indexes.sort()).toEqual([0, 1, 2, 3]);

    const done = await inPhase(jobs, 'sky-spread', 'COMPLETED');
    expect(sum(done.status.replicaStatus.map((r) => r.succeeded))).toBe(4);
  }, LONG);
});

describe('failures', () => {
  it('a failing replica fails the job, with its exit code from the member pod', async () => {
    await jobs.create({ metadata: { name: 'sky-fail', annotations: { 'sky.dev/fake-exit-code': '3' } }, spec: { resources: { cpu: 1 }, run: 'exit 3' } });
    const failed = await inPhase(jobs, 'sky-fail', 'FAILED');
    expect(failed.status.replicaStatus).toEqual([expect.objectContaining({ failed: 1, exitCodes: [3] })]);
    expect(failed.status.replicaStatus[0].message).toContain('exited with code 3');
  }, LONG);
});

describe('eviction', () => {
  it('replicas kept Pending by a member past the wait timeout are evicted and placed on another cluster', async () => {
    await jobs.create({
      // The fixture's kubelets never start these pods: Pending, bound to a node, as behind a slow image pull.
      metadata: { name: 'sky-stuck', annotations: { 'sky.dev/fake-start-delay': '10m' } },
      spec: {
        resources: { cpu: 1 },
        run: 'echo stuck',
        waitTimeout: 3,
        placement: { strategy: 'PACK', preferences: [{ selector: 'cluster=k8s-a', weight: 100 }] },
      },
    });
    const first = await until('sky-stuck placed and reported pending', async () => {
      const job = await jobs.get('sky-stuck');
      return job.status.replicaStatus.some((r) => r.pending === 1) && job;
    });
    const [{ cluster: firstCluster }] = first.status.placements;
    const evicted = await until(`sky-stuck evicted from ${firstCluster}`, async () => {
      const job = await jobs.get('sky-stuck');
      const eviction = job.status.evictions?.find((e) => e.cluster === firstCluster);
      const moved = job.status.placements.length === 1 && job.status.placements[0].cluster !== firstCluster;
      return !!eviction && moved && job;
    });
    expect(evicted.status.evictions?.find((e) => e.cluster === firstCluster)?.message).toMatch(/waited more than 3s/);
    // Its copy in the first cluster goes; the new cluster runs one.
    await until(`the member Job on ${firstCluster} deleted`, async () => (await memberJobs('sky-stuck'))[firstCluster].length === 0);
    await jobs.delete('sky-stuck');
    await until('sky-stuck gone from every member', async () => Object.keys(nonEmpty(await memberJobs('sky-stuck'))).length === 0);
  }, LONG);
});

describe('Deployments', () => {
  it('spread 6 replicas, then shrink in the member clusters when scaled to 2', async () => {
    await deployments.create({ metadata: { name: 'web' }, spec: { replicas: 6, resources: { cpu: 1 }, run: 'sleep infinity' } });
    const running = await until('6 replicas ready', async () => {
      const d = await deployments.get('web');
      return d.status.readyReplicas === 6 && d;
    });
    expect(running.status.phase).toBe('RUNNING');
    const byCluster = placementsOf(running);
    expect(Object.keys(byCluster).length).toBeGreaterThanOrEqual(2);
    expect(await memberDeploymentReplicas('web')).toEqual(byCluster);
    expect(sum(Object.values(await memberPods('web')).map((pods) => pods.length))).toBe(6);

    const current = await deployments.get('web');
    await deployments.update({ metadata: current.metadata, spec: { ...current.spec, replicas: 2 } });
    const shrunk = await until('2 replicas in the members', async () => {
      const d = await deployments.get('web');
      const members = await memberDeploymentReplicas('web');
      const pods = sum(Object.values(await memberPods('web')).map((p) => p.length));
      return d.status.readyReplicas === 2 && sum(Object.values(members)) === 2 && pods === 2 && { d, members };
    });
    expect(shrunk.members).toEqual(placementsOf(shrunk.d));
    await deployments.delete('web');
    await until('web gone from the members', async () => Object.keys(await memberDeploymentReplicas('web')).length === 0);
  }, LONG);
});

describe('deleting', () => {
  it('a Sky job removes its member Jobs and pods from every cluster', async () => {
    await jobs.create({ metadata: { name: 'sky-del' }, spec: { replicas: 6, resources: { cpu: 1 }, run: 'sleep 100' } });
    const placed = await inPhase(jobs, 'sky-del', 'RUNNING');
    await until('member Jobs in every placed cluster', async () => {
      const members = nonEmpty(await memberJobs('sky-del'));
      return Object.keys(members).length === placed.status.placements.length;
    });
    await jobs.delete('sky-del');
    await until('no member Job left', async () => Object.keys(nonEmpty(await memberJobs('sky-del'))).length === 0);
    await until('no pod left', async () => Object.keys(nonEmpty(await memberPods('sky-del'))).length === 0);
  }, LONG);

  it('a Sky namespace removes its workloads from every cluster (federated namespaces)', async () => {
    const namespaces = new NamespaceAPI({ client });
    await namespaces.create({ metadata: { name: 'team-e2e' } });
    const teamJobs = new JobAPI({ client, namespace: 'team-e2e' });
    const teamDeployments = new DeploymentAPI({ client, namespace: 'team-e2e' });
    await teamJobs.create({ metadata: { name: 'batch' }, spec: { replicas: 5, resources: { cpu: 1 }, run: 'sleep 100' } });
    await teamDeployments.create({ metadata: { name: 'svc' }, spec: { replicas: 3, resources: { cpu: 0.5 }, run: 'sleep infinity' } });
    const job = await inPhase(teamJobs, 'batch', 'RUNNING');
    await inPhase(teamDeployments, 'svc', 'RUNNING');
    // The member namespace of the same name was created where the work landed.
    for (const { cluster } of job.status.placements) {
      const ns = await fixture.core(cluster).readNamespace({ name: 'team-e2e' });
      expect(ns.metadata?.name).toBe('team-e2e');
    }
    await until('member objects in team-e2e', async () => Object.keys(nonEmpty(await memberJobs('batch', 'team-e2e'))).length > 0);

    await namespaces.delete('team-e2e');
    await until('no member Job or Deployment of team-e2e left', async () => {
      const leftJobs = Object.keys(nonEmpty(await memberJobs('batch', 'team-e2e')));
      const leftDeployments = Object.keys(await memberDeploymentReplicas('svc', 'team-e2e'));
      return leftJobs.length === 0 && leftDeployments.length === 0;
    });
  }, LONG);
});

/**
 * A burst of 50 one-replica Jobs in a namespace of its own, with `interrupt` run once 15 are
 * created (it must leave a controller manager acting); then every Job must complete with exactly
 * one member Job per placement, one pod per replica, and nothing anywhere else.
 */
async function burstSurvives(namespace: string, interrupt: () => Promise<void>): Promise<void> {
  await new NamespaceAPI({ client }).create({ metadata: { name: namespace } });
  const burst = new JobAPI({ client, namespace });
  const names = Array.from({ length: 50 }, (_, i) => `burst-${i}`);
  let created = 0;
  const creating = (async () => {
    for (const name of names) {
      await burst.create({ metadata: { name }, spec: { resources: { cpu: 0.1, memory: 64 }, run: 'echo burst' } });
      created++;
    }
  })();
  await until('the burst under way', async () => created >= 15, 60_000);
  await interrupt();
  await creating;

  const all = await until('all 50 COMPLETED', async () => {
    const list = (await burst.list()).items;
    return list.length === 50 && list.every((j) => j.status.phase === 'COMPLETED') && list;
  }, 240_000);

  // Member clusters, as their own API sees them: one Job per placement and nowhere else.
  const membersByCluster = Object.fromEntries(
    await Promise.all(CLUSTERS.map(async (c) => [c, (await fixture.batch(c).listNamespacedJob({ namespace, labelSelector: SKY })).items] as const)),
  );
  const podsByCluster = Object.fromEntries(
    await Promise.all(CLUSTERS.map(async (c) => [c, (await fixture.core(c).listNamespacedPod({ namespace, labelSelector: SKY })).items] as const)),
  );
  let placements = 0;
  for (const job of all) {
    for (const { cluster, replicas } of job.status.placements) {
      placements++;
      const copies = membersByCluster[cluster].filter((m) => m.metadata?.name === job.metadata.name);
      expect(copies, `${job.metadata.name} on ${cluster}`).toHaveLength(1);
      expect(copies[0].spec?.completions).toBe(replicas);
      expect(copies[0].metadata?.labels?.['sky.dev/uid']).toBe(job.metadata.uid);
      // Never started twice: one pod per replica.
      const pods = podsByCluster[cluster].filter((p) => p.metadata?.labels?.['sky.dev/name'] === job.metadata.name);
      expect(pods, `pods of ${job.metadata.name} on ${cluster}`).toHaveLength(replicas);
    }
  }
  expect(placements).toBe(50);
  expect(sum(Object.values(membersByCluster).map((items) => items.length))).toBe(50);
}

describe('when the controller manager dies', () => {
  it('SIGKILLed during a burst of 50 submissions and restarted: exactly one member Job per placement, none lost', async () => {
    await burstSurvives('burst', async () => {
      const { stateDir } = controllers;
      await controllers.kill('SIGKILL');
      controllers = await startControllers(server.url, { stateDir, extraArgs: CONTROLLER_ARGS, statusIntervalMs: STATUS_INTERVAL_MS });
    });
  }, 400_000);

  it('the leader SIGKILLed during a burst with a standby running: the standby takes over, exactly one member Job per placement', async () => {
    const leases = new LeaseAPI({ client });
    const leader = (await leases.get('skym-controller-manager')).spec.holderIdentity;
    const standby = await startControllers(server.url, { leaderElectIdentity: 'standby', extraArgs: CONTROLLER_ARGS, statusIntervalMs: STATUS_INTERVAL_MS });
    try {
      await burstSurvives('burst-ha', async () => {
        expect(standby.logs()).not.toMatch(/became leader/);
        await controllers.kill('SIGKILL');
        // The standby's own state directory: Kubernetes members keep their state in the member clusters.
        await until('the standby leads', async () => (await leases.get('skym-controller-manager')).spec.holderIdentity === 'standby', 60_000);
      });
      expect(leader).not.toBe('standby');
      controllers = standby;
    } catch (error) {
      await standby.stop();
      throw error;
    }
  }, 400_000);
});

describe('when a member cluster goes away', () => {
  it("goes ERROR, its jobs are placed on the other clusters, and its stale copies are deleted when it returns", async () => {
    await jobs.create({
      // Its pods run for ten minutes in the fixture: long enough to be moved.
      metadata: { name: 'sky-failover', annotations: { 'sky.dev/fake-duration': '10m' } },
      spec: {
        replicas: 2,
        resources: { cpu: 0.5 },
        run: 'sleep 600',
        placement: { strategy: 'PACK', preferences: [{ selector: 'cluster=k8s-b', weight: 100 }] },
      },
    });
    const first = await inPhase(jobs, 'sky-failover', 'RUNNING');
    expect(first.status.placements.map((p) => p.cluster)).toContain('k8s-b');
    await until('the member Job on k8s-b', async () => (await memberJobs('sky-failover'))['k8s-b'].length === 1);

    await fixture.stopApiserver('k8s-b', 'SIGKILL');
    const down = await until('k8s-b ERROR', async () => {
      const c = await clusters.get('k8s-b');
      return c.status.phase === 'ERROR' && c;
    });
    expect(down.status.message).toMatch(/k8s-b.*cannot reach the API server/);

    const moved = await until('sky-failover placed off k8s-b, running on the others', async () => {
      const job = await jobs.get('sky-failover');
      const placements = placementsOf(job);
      return !('k8s-b' in placements) && sum(Object.values(placements)) === 2 && job.status.phase === 'RUNNING' && job;
    });
    const members = nonEmpty(await memberJobs('sky-failover', 'default', ['k8s-a', 'k8s-c']));
    for (const cluster of Object.keys(placementsOf(moved))) expect(members[cluster], cluster).toHaveLength(1);

    await fixture.startApiserver('k8s-b');
    await until('k8s-b READY again', async () => (await clusters.get('k8s-b')).status.phase === 'READY');
    await until('the stale copy on k8s-b deleted', async () => (await memberJobs('sky-failover'))['k8s-b'].length === 0);
    expect(placementsOf(await jobs.get('sky-failover'))).toEqual(placementsOf(moved));
    await jobs.delete('sky-failover');
  }, 240_000);
});
