/**
 * The KUBERNETES cluster manager on its own against one real control plane (kube-apiserver,
 * kube-controller-manager, kube-scheduler; kwok plays the kubelets): what it makes in the member
 * cluster, what it reads back, and that every call can be repeated. Last, the controller
 * manager's discovery of the fixture's kubeconfig context (it would sweep what the manager tests
 * made there, so it comes after them).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubernetesManager } from '../../src/cluster-managers/kubernetes/kubernetes-manager.js';
import { type ClusterManager, type WorkloadReport } from '../../src/cluster-managers/types.js';

import type { Cluster, Workload } from '../../src/domain/types.js';
import { ClusterAPI, SkyClient } from '../../src/client/index.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { KUBE_FIXTURE_TIMEOUT_MS, startKubeFixture, type KubeFixture } from '../helpers/kubernetes.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/wait.js';
import { refOf, describeRef } from '../../src/domain/object-ref.js';

const CLUSTER = 'k8s-m';
const NS = 'team-m';
const SKY = 'sky.dev/managed-by=sky-manager';

let fixture: KubeFixture;
let manager: ClusterManager;
let stateDir: string;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => fixture?.logs(CLUSTER) ?? '' });
}

function clusterObject(name: string, kubernetes: Cluster['spec']['kubernetes']): Cluster {
  return {
    kind: 'Cluster',
    metadata: { name, uid: `uid-${name}`, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: new Date().toISOString() },
    spec: { manager: 'KUBERNETES', kubernetes },
    status: { phase: 'INIT', conditions: [], capacity: { cpu: 0, memory: 0, gpu: 0 }, allocatable: { cpu: 0, memory: 0, gpu: 0 }, nodes: [], acceleratorTypes: [] },
  };
}

let uidCounter = 0;
function workload(kind: 'Job' | 'Deployment', name: string, spec: Partial<Workload['spec']> = {}, uid = `sky-${name}-${++uidCounter}`): Workload {
  return {
    kind,
    metadata: { name, namespace: NS, uid, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: new Date().toISOString() },
    spec: {
      image: 'busybox',
      run: 'echo Sky!',
      envs: [],
      resources: { cpu: 1, memory: 256, gpu: 0 },
      replicas: 1,
      restartPolicy: kind === 'Job' ? 'NEVER' : 'ALWAYS',
      placement: { preferences: [], strategy: 'SPREAD' },
      ...spec,
    },
    status: { phase: 'SCHEDULED', conditions: [], placements: [], replicaStatus: [] },
  } as Workload;
}

async function report(w: Workload): Promise<WorkloadReport | undefined> {
  return (await manager.status([refOf(w)])).get(describeRef(refOf(w)));
}

async function memberPods(name: string): Promise<V1Pod[]> {
  const pods = await fixture.core(CLUSTER).listNamespacedPod({ namespace: NS, labelSelector: `${SKY},sky.dev/name=${name}` });
  return pods.items;
}

beforeAll(async () => {
  // Job pods run 6 s here, long enough to see the capacity they hold.
  fixture = await startKubeFixture(
    [
      {
        name: CLUSTER,
        nodes: [
          { cpu: 4, memory: '8Gi', count: 2 },
          { cpu: 2, memory: '4Gi', gpu: 1, labels: { accelerator: 'nvidia-tesla-t4' } },
        ],
      },
    ],
    { jobPodDurationMs: 6000 },
  );
  stateDir = await mkdtemp(join(tmpdir(), 'sky-k8s-manager-'));
  manager = createKubernetesManager(clusterObject(CLUSTER, { context: CLUSTER, kubeconfigPath: fixture.kubeconfigPath }), { stateDir });
}, KUBE_FIXTURE_TIMEOUT_MS);

afterAll(async () => {
  await manager?.close();
  await fixture?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 60_000);

describe('connecting', () => {
  it('names the cluster and what is missing when the context or the file is not there', () => {
    expect(() => createKubernetesManager(clusterObject('x', { context: 'nope', kubeconfigPath: fixture.kubeconfigPath }), { stateDir })).toThrow(
      `Cluster 'x': context 'nope' is not in kubeconfig ${fixture.kubeconfigPath} (it has: ${CLUSTER})`,
    );
    expect(() => createKubernetesManager(clusterObject('x', { kubeconfigPath: '/nonexistent/kubeconfig' }), { stateDir })).toThrow(
      `Cluster 'x': kubeconfig /nonexistent/kubeconfig does not exist`,
    );
  });

  it('fails calls with the reason when the API server cannot be reached', async () => {
    const dead = join(stateDir, 'dead-kubeconfig');
    await writeFile(
      dead,
      ['apiVersion: v1', 'kind: Config', 'current-context: dead', 'clusters:', '- name: dead', '  cluster:', '    server: https://127.0.0.1:1', 'users:', '- name: u', '  user:', '    token: t', 'contexts:', '- name: dead', '  context:', '    cluster: dead', '    user: u', ''].join('\n'),
    );
    const unreachable = createKubernetesManager(clusterObject('gone', { kubeconfigPath: dead }), { stateDir });
    await expect(unreachable.capacity()).rejects.toThrow(/^cluster 'gone': list (Nodes|Pods): cannot reach the API server: .*ECONNREFUSED/);
    await unreachable.close();
  });
});

describe('capacity', () => {
  it("reports the fake nodes' declared figures", async () => {
    const capacity = await manager.capacity();
    expect(capacity.capacity).toEqual({ cpu: 10, memory: 20480, gpu: 1 });
    expect(capacity.allocatable).toEqual({ cpu: 10, memory: 20480, gpu: 1 });
    expect(capacity.acceleratorTypes).toEqual(['nvidia-tesla-t4']);
    expect(capacity.nodes).toEqual([
      { name: `${CLUSTER}-node-0`, capacity: { cpu: 4, memory: 8192, gpu: 0 }, allocatable: { cpu: 4, memory: 8192, gpu: 0 }, ready: true },
      { name: `${CLUSTER}-node-1`, capacity: { cpu: 4, memory: 8192, gpu: 0 }, allocatable: { cpu: 4, memory: 8192, gpu: 0 }, ready: true },
      {
        name: `${CLUSTER}-node-2`,
        capacity: { cpu: 2, memory: 4096, gpu: 1, accelerator: 'nvidia-tesla-t4' },
        allocatable: { cpu: 2, memory: 4096, gpu: 1, accelerator: 'nvidia-tesla-t4' },
        ready: true,
      },
    ]);
  });
});

describe('namespaces', () => {
  it('creates the member namespace once, and accepts it existing', async () => {
    await manager.ensureNamespace(NS);
    await manager.ensureNamespace(NS);
    const ns = await fixture.core(CLUSTER).readNamespace({ name: NS });
    expect(ns.metadata?.labels?.['sky.dev/managed-by']).toBe('sky-manager');
  });
});

describe('a Job', () => {
  const job = workload('Job', 'train', { replicas: 3 });

  it('becomes ONE Indexed member Job however often it is submitted, and runs to SUCCEEDED', async () => {
    const started = Date.now();
    await Promise.all([manager.submit(job, 3, { firstReplicaIndex: 2 }), manager.submit(job, 3, { firstReplicaIndex: 2 })]);
    await manager.submit(job, 3, { firstReplicaIndex: 2 });
    const jobs = await fixture.batch(CLUSTER).listNamespacedJob({ namespace: NS, labelSelector: SKY });
    expect(jobs.items.map((j) => j.metadata?.name)).toEqual(['train']);
    expect(jobs.items[0].spec).toMatchObject({ parallelism: 3, completions: 3, completionMode: 'Indexed', backoffLimit: 0 });

    const running = await until('3 replicas RUNNING', async () => {
      const r = await report(job);
      return r?.running === 3 && r;
    });
    console.log(`[kubernetes-manager] submit → 3 replicas RUNNING: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(running).toMatchObject({ pending: 0, succeeded: 0, failed: 0, externalId: 'train' });
    expect(running.replicas.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(running.replicas.every((r) => r.startTime)).toBe(true);

    // The member's own controllers made and bound the pods, each with its index and the env.
    const pods = await memberPods('train');
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.spec?.nodeName)).toBe(true);
    const env = Object.fromEntries((pods[0].spec!.containers[0].env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ SKY_JOB_NAME: 'train', SKY_NAMESPACE: NS, SKY_CLUSTER: CLUSTER, SKY_FIRST_REPLICA_INDEX: '2' });

    const done = await until('3 replicas SUCCEEDED', async () => {
      const r = await report(job);
      return r?.succeeded === 3 && r;
    });
    expect(done).toMatchObject({ pending: 0, running: 0, failed: 0, exitCodes: [0, 0, 0] });

    // Submitting a finished Job again changes nothing.
    await manager.submit(job, 3, { firstReplicaIndex: 2 });
    expect(await memberPods('train')).toHaveLength(3);
  });

  it('holds capacity while its pods run, and gives it back when they finish', async () => {
    const big = workload('Job', 'hold', { resources: { cpu: 2, memory: 1024, gpu: 0 } });
    await manager.submit(big, 2);
    const held = await until('capacity held by 2 x 2 cpu', async () => {
      const c = await manager.capacity();
      return c.allocatable.cpu === 6 && c;
    });
    expect(held.allocatable.memory).toBe(20480 - 2048);
    expect(held.capacity.cpu).toBe(10);
    await until('capacity given back', async () => (await manager.capacity()).allocatable.cpu === 10);
    await manager.delete(refOf(big));
  });

  it('replaces the member Job of a deleted Sky Job of the same name', async () => {
    const first = workload('Job', 'again', {}, 'uid-first');
    await manager.submit(first, 1);
    const before = await fixture.batch(CLUSTER).readNamespacedJob({ namespace: NS, name: 'again' });
    const second = workload('Job', 'again', { replicas: 2 }, 'uid-second');
    await until('the successor submitted', async () => {
      await manager.submit(second, 2);
      return true;
    });
    const after = await fixture.batch(CLUSTER).readNamespacedJob({ namespace: NS, name: 'again' });
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(after.metadata?.labels?.['sky.dev/uid']).toBe('uid-second');
    expect(after.spec?.completions).toBe(2);
    // Pods of the old one do not count for the new one.
    const r = await until('the successor reported', async () => (await report(second))?.replicas.length === 2 && (await report(second)));
    expect(r.replicas).toHaveLength(2);
    await manager.delete(refOf(second));
  });

  it('runs afresh when submitted again right after a delete (the same Sky Job preempted and placed here again)', async () => {
    const rerun = workload('Job', 'rerun');
    await manager.submit(rerun, 1);
    await until('running', async () => (await report(rerun))?.running === 1);
    const before = await fixture.batch(CLUSTER).readNamespacedJob({ namespace: NS, name: 'rerun' });
    await manager.delete(refOf(rerun));
    await until('submitted again', async () => {
      await manager.submit(rerun, 1);
      return true;
    });
    const after = await fixture.batch(CLUSTER).readNamespacedJob({ namespace: NS, name: 'rerun' });
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    const done = await until('the new run SUCCEEDED', async () => {
      const r = await report(rerun);
      return r?.succeeded === 1 && r;
    });
    expect(done).toMatchObject({ pending: 0, running: 0, failed: 0, exitCodes: [0] });
    await until('only pods of the new member Job left', async () => {
      const pods = await memberPods('rerun');
      return pods.length > 0 && pods.every((p) => p.metadata?.ownerReferences?.[0]?.uid === after.metadata?.uid);
    });
    await manager.delete(refOf(rerun));
  });

  it('leaves alone a Job it did not make', async () => {
    await fixture.batch(CLUSTER).createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: 'users-own' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    });
    const mine = workload('Job', 'users-own');
    await expect(manager.submit(mine, 1)).rejects.toThrow(/Job team-m\/users-own exists and was not made by Sky Manager/);
    await manager.delete(refOf(mine));
    const still = await fixture.batch(CLUSTER).readNamespacedJob({ namespace: NS, name: 'users-own' });
    expect(still.metadata?.labels?.['sky.dev/managed-by']).toBeUndefined();
    expect(await manager.list()).not.toContainEqual(refOf(mine));
  });

  it('is deleted with its pods (cascading), and deleting again is fine', async () => {
    const doomed = workload('Job', 'doomed', { replicas: 2 });
    await manager.submit(doomed, 2);
    await until('2 pods', async () => (await memberPods('doomed')).length === 2);
    await manager.delete(refOf(doomed));
    await manager.delete(refOf(doomed));
    await until('the member Job gone', async () => (await fixture.batch(CLUSTER).listNamespacedJob({ namespace: NS, labelSelector: `${SKY},sky.dev/name=doomed` })).items.length === 0);
    await until('its pods gone', async () => (await memberPods('doomed')).length === 0);
    expect(await report(doomed)).toBeUndefined();
  });
});

describe('a Deployment', () => {
  const web = workload('Deployment', 'web');

  it('becomes ONE member Deployment, scaled 3 → 1 in place', async () => {
    await manager.submit(web, 3);
    await manager.submit(web, 3);
    await until('3 replicas RUNNING', async () => (await report(web))?.running === 3);
    const before = await fixture.apps(CLUSTER).readNamespacedDeployment({ namespace: NS, name: 'web' });

    await manager.submit(web, 1);
    const after = await fixture.apps(CLUSTER).readNamespacedDeployment({ namespace: NS, name: 'web' });
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.spec?.replicas).toBe(1);
    const shrunk = await until('1 replica left', async () => {
      const r = await report(web);
      return r?.running === 1 && (await memberPods('web')).length === 1 && r;
    });
    expect(shrunk).toMatchObject({ pending: 0, running: 1, externalId: 'web' });
  });

  it('rolls its pods when the spec changes', async () => {
    const changed = { ...web, spec: { ...web.spec, run: 'echo changed' } } as Workload;
    await manager.submit(changed, 1);
    await until('the pod of the new spec running', async () => {
      const pods = await memberPods('web');
      return pods.length === 1 && pods[0].spec?.containers[0].command?.[2] === 'echo changed' && pods[0].status?.phase === 'Running';
    });
  });
});

describe('finding what Sky runs', () => {
  it('lists every labelled Job and Deployment, so orphans can be found', async () => {
    const orphan = workload('Job', 'orphan');
    await manager.submit(orphan, 1);
    const refs = await manager.list();
    expect(refs).toContainEqual({ kind: 'Job', namespace: NS, name: 'orphan' });
    expect(refs).toContainEqual({ kind: 'Deployment', namespace: NS, name: 'web' });
    await manager.delete(refOf(orphan));
    await until('the orphan gone from the list', async () => !(await manager.list()).some((r) => r.name === 'orphan'));
  });

  it('reports nothing for workloads it does not run, in one call for many', async () => {
    const reports = await manager.status([refOf(workload('Job', 'never')), refOf(workload('Deployment', 'web'))]);
    expect([...reports.keys()]).toEqual([`deployments/${NS}/web`]);
  });
});

describe('closing', () => {
  it('makes later calls fail instead of hanging', async () => {
    const other = createKubernetesManager(clusterObject(CLUSTER, { context: CLUSTER, kubeconfigPath: fixture.kubeconfigPath }), { stateDir });
    await other.capacity();
    await other.close();
    await expect(other.capacity()).rejects.toThrow(/aborted/);
  });
});

describe('discovery by the controller manager', () => {
  it("registers the kubeconfig's context as a KUBERNETES cluster, READY with the capacity its nodes declare", async () => {
    let server: ServerProcess | undefined;
    let controllers: ControllersProcess | undefined;
    let client: SkyClient | undefined;
    try {
      server = await startServer({ store: 'memory' });
      // The fixture's kubeconfig as the user's own, found through KUBECONFIG.
      controllers = await startControllers(server.url, { discover: true, env: { KUBECONFIG: fixture.kubeconfigPath } });
      client = new SkyClient({ url: server.url });
      const clusters = new ClusterAPI({ client });
      const discovered = await waitUntil(
        `${CLUSTER} discovered and READY`,
        async () => {
          const c = await clusters.get(CLUSTER);
          return c.status.phase === 'READY' && c;
        },
        { timeoutMs: 60_000, context: () => controllers?.logs().slice(-4000) ?? '' },
      );
      expect(discovered.metadata.labels['sky.dev/discovered-from']).toBe('kubeconfig');
      // The context only: the controller finds the kubeconfig itself, and no credential is in the API.
      expect(discovered.spec).toMatchObject({ manager: 'KUBERNETES', kubernetes: { context: CLUSTER } });
      expect(discovered.spec.kubernetes?.kubeconfigPath).toBeFalsy();
      expect(JSON.stringify(discovered)).not.toContain(fixture.cluster(CLUSTER).token);
      expect(discovered.status.capacity).toEqual({ cpu: 10, memory: 20480, gpu: 1 });
      expect(discovered.status.acceleratorTypes).toEqual(['nvidia-tesla-t4']);
    } finally {
      await controllers?.stop();
      await client?.close();
      await server?.stop();
    }
  }, 120_000);
});
