/**
 * The Kubernetes test fixture is real: three control planes (kube-apiserver, kube-controller-
 * manager, kube-scheduler, kwok) answer; their nodes are Ready with the capacity the specs
 * declare; a batch/v1 Job's pods are made by the member's Job controller, bound by its
 * scheduler, run and succeed; a Deployment's pods keep running; an apiserver stops and starts.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KUBE_CLUSTERS, KUBE_FIXTURE_TIMEOUT_MS, POD_LOG_LINE, startKubeFixture, type KubeFixture } from '../helpers/kubernetes.js';
import { until } from '../helpers/wait.js';

const WAIT_MS = 90_000;
/** For a test that waits for several things in turn (each up to WAIT_MS). */
const TEST_MS = 300_000;
let fixture: KubeFixture;

beforeAll(async () => {
  fixture = await startKubeFixture();
}, KUBE_FIXTURE_TIMEOUT_MS);

afterAll(async () => {
  if (!fixture) return;
  const memory = fixture.memory();
  console.info(
    'kubernetes fixture: ' +
      fixture.clusters
        .map((c) => {
          const m = memory.clusters[c.name]!;
          const mib = (kib: number) => Math.round(kib / 1024);
          return `${c.name} up in ${(c.startupMs / 1000).toFixed(1)} s, RSS MiB apiserver ${mib(m.apiserver)} kcm ${mib(m.controllerManager)} scheduler ${mib(m.scheduler)} kwok ${mib(m.kwok)}`;
        })
        .join('; ') +
      `; etcd ${Math.round(memory.etcd / 1024)} MiB`,
  );
  await fixture.stop();
}, 60_000);

function context(name?: string) {
  return () => fixture.logs(name);
}

function jobBody(name: string, parallelism: number, annotations: Record<string, string> = {}): k8s.V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      parallelism,
      completions: parallelism,
      backoffLimit: 0,
      template: {
        metadata: { annotations },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'echo Sky!'],
              resources: { requests: { cpu: '1', memory: '256Mi' } },
            },
          ],
        },
      },
    },
  };
}

async function jobPods(cluster: string, job: string): Promise<k8s.V1Pod[]> {
  return (await fixture.core(cluster).listNamespacedPod({ namespace: 'default', labelSelector: `job-name=${job}` })).items;
}

function jobCondition(job: k8s.V1Job, type: string): boolean {
  return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

describe('Kubernetes fixture', () => {
  it('brings up the three clusters, each answering on its own context of one kubeconfig', async () => {
    expect(fixture.clusters.map((c) => c.context)).toEqual(['k8s-a', 'k8s-b', 'k8s-c']);
    const servers = new Set(fixture.clusters.map((c) => c.server));
    expect(servers.size).toBe(3);
    for (const cluster of fixture.clusters) {
      const version = await fixture.kubeConfig(cluster.name).makeApiClient(k8s.VersionApi).getCode();
      // build.sh does not stamp versions into the binaries (v0.0.0-master); the answer is what counts.
      expect(version.platform).toMatch(/^linux\//);
      for (const pid of Object.values(cluster.pids)) expect(pid).toBeGreaterThan(0);
    }
    // The clusters are separate: a namespace made in one is not in the others.
    await fixture.core('k8s-a').createNamespace({ body: { metadata: { name: 'only-in-a' } } });
    await expect(fixture.core('k8s-b').readNamespace({ name: 'only-in-a' })).rejects.toMatchObject({ code: 404 });
    await fixture.core('k8s-a').deleteNamespace({ name: 'only-in-a' });
  });

  it('has Ready, untainted fake nodes with the capacity the specs declare', async () => {
    for (const spec of DEFAULT_KUBE_CLUSTERS) {
      const nodes = (await fixture.core(spec.name).listNode()).items;
      const expected = spec.nodes.flatMap((shape) => Array.from({ length: shape.count ?? 1 }, () => shape));
      expect(nodes.map((n) => n.metadata!.name).sort()).toEqual(fixture.cluster(spec.name).nodeNames.slice().sort());
      expect(nodes).toHaveLength(expected.length);
      for (const [index, shape] of expected.entries()) {
        const node = nodes.find((n) => n.metadata!.name === `${spec.name}-node-${index}`)!;
        expect(node.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
        expect(node.spec!.taints ?? []).toEqual([]);
        expect(node.metadata!.labels).toMatchObject({ type: 'kwok', ...shape.labels });
        expect(node.metadata!.annotations).toMatchObject({ 'kwok.x-k8s.io/node': 'fake' });
        const want: Record<string, string> = { cpu: String(shape.cpu), memory: shape.memory, pods: '110' };
        if (shape.gpu) want['nvidia.com/gpu'] = String(shape.gpu);
        expect(node.status!.capacity).toMatchObject(want);
        expect(node.status!.allocatable).toMatchObject(want);
        if (!shape.gpu) expect(node.status!.allocatable!['nvidia.com/gpu']).toBeUndefined();
      }
    }
  });

  it("runs a Job: pods made by the member's Job controller, bound by its scheduler, Running, then Succeeded, the Job Complete", async () => {
    const batch = fixture.batch('k8s-a');
    await batch.createNamespacedJob({ namespace: 'default', body: jobBody('hello', 2) });

    // Poll often and remember every phase each pod showed (Running lasts jobPodDurationMs, 3 s).
    const seen = new Map<string, Set<string>>();
    const record = (pods: k8s.V1Pod[]) => {
      for (const pod of pods) {
        const phases = seen.get(pod.metadata!.name!) ?? new Set<string>();
        phases.add(pod.status?.phase ?? '');
        seen.set(pod.metadata!.name!, phases);
      }
    };
    const done = await until(
      'Job hello Complete on k8s-a',
      async () => {
        record(await jobPods('k8s-a', 'hello'));
        const job = await batch.readNamespacedJob({ name: 'hello', namespace: 'default' });
        return jobCondition(job, 'Complete') && job;
      },
      { timeoutMs: WAIT_MS, context: context('k8s-a') },
    );
    expect(done.status!.succeeded).toBe(2);

    const pods = await jobPods('k8s-a', 'hello');
    expect(pods).toHaveLength(2);
    const nodeNames = fixture.cluster('k8s-a').nodeNames;
    for (const pod of pods) {
      const owner = pod.metadata!.ownerReferences!.find((o) => o.controller)!;
      expect(owner).toMatchObject({ kind: 'Job', name: 'hello' });
      expect(nodeNames).toContain(pod.spec!.nodeName);
      expect(pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!.status).toBe('True');
      expect(pod.status!.phase).toBe('Succeeded');
      expect(pod.status!.containerStatuses![0]!.state!.terminated!.exitCode).toBe(0);
      expect([...seen.get(pod.metadata!.name!)!]).toContain('Running');
    }
    // The pod log API answers (kwok's server plays the kubelet; the text is a placeholder).
    const logText = await fixture.core('k8s-a').readNamespacedPodLog({ name: pods[0]!.metadata!.name!, namespace: 'default', container: 'main' });
    expect(logText).toContain(POD_LOG_LINE);

    // The Job controller removes its tracking finalizer once it has counted a pod.
    await until('tracking finalizers removed', async () => (await jobPods('k8s-a', 'hello')).every((p) => !p.metadata!.finalizers?.length), {
      timeoutMs: WAIT_MS,
      context: context('k8s-a'),
    });

    // A cascading delete removes the pods too (garbage collector + kwok's pod-delete stage).
    await batch.deleteNamespacedJob({ name: 'hello', namespace: 'default', propagationPolicy: 'Background' });
    await until('Job hello and its pods gone', async () => (await jobPods('k8s-a', 'hello')).length === 0, {
      timeoutMs: WAIT_MS,
      context: context('k8s-a'),
    });
  }, TEST_MS);

  it('ends a pod annotated sky.dev/fake-exit-code Failed with that exit code', async () => {
    const batch = fixture.batch('k8s-c');
    await batch.createNamespacedJob({ namespace: 'default', body: jobBody('fails', 1, { 'sky.dev/fake-exit-code': '3' }) });
    await until(
      'Job fails Failed on k8s-c',
      async () => jobCondition(await batch.readNamespacedJob({ name: 'fails', namespace: 'default' }), 'Failed'),
      { timeoutMs: WAIT_MS, context: context('k8s-c') },
    );
    const [pod] = await jobPods('k8s-c', 'fails');
    expect(pod!.status!.phase).toBe('Failed');
    expect(pod!.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  }, TEST_MS);

  it("keeps a Deployment's pods Running, scales it down, and survives its apiserver's restart", async () => {
    const apps = fixture.apps('k8s-b');
    const core = fixture.core('k8s-b');
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '500m', memory: '128Mi' } } }] },
          },
        },
      },
    });
    const running = async (count: number) =>
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.filter(
        (p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
      ).length === count;
    await until('2 web pods Running on k8s-b', () => running(2), { timeoutMs: WAIT_MS, context: context('k8s-b') });
    await until(
      'Deployment web available',
      async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).status?.availableReplicas === 2,
      { timeoutMs: WAIT_MS, context: context('k8s-b') },
    );
    // Longer than a Job's pod runs: Deployment pods are not completed.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items;
    expect(pods.map((p) => p.status!.phase)).toEqual(['Running', 'Running']);
    for (const pod of pods) expect(pod.metadata!.ownerReferences![0]!.kind).toBe('ReplicaSet');

    // The apiserver goes away: requests fail; the other processes keep running.
    const before = fixture.cluster('k8s-b').pids;
    await fixture.stopApiserver('k8s-b');
    expect(fixture.cluster('k8s-b').pids.apiserver).toBe(0);
    await expect(core.listNode()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await fixture.startApiserver('k8s-b');
    const after = fixture.cluster('k8s-b').pids;
    expect(after.apiserver).toBeGreaterThan(0);
    expect(after.apiserver).not.toBe(before.apiserver);
    expect(after.controllerManager).toBe(before.controllerManager);
    expect(after.scheduler).toBe(before.scheduler);
    expect(after.kwok).toBe(before.kwok);

    // Same data (etcd), and the controllers reconnected: a scale-down deletes a pod, and kwok
    // confirms the deletion.
    expect((await core.listNode()).items).toHaveLength(1);
    await until('2 web pods still Running after the restart', () => running(2), { timeoutMs: WAIT_MS, context: context('k8s-b') });
    await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'default', body: { spec: { replicas: 1 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      'web scaled to 1 pod',
      async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.length === 1,
      { timeoutMs: WAIT_MS, context: context('k8s-b') },
    );

    // And a new Job runs to completion there.
    const batch = fixture.batch('k8s-b');
    await batch.createNamespacedJob({ namespace: 'default', body: jobBody('after-restart', 1) });
    await until(
      'Job after-restart Complete on k8s-b',
      async () => jobCondition(await batch.readNamespacedJob({ name: 'after-restart', namespace: 'default' }), 'Complete'),
      { timeoutMs: WAIT_MS, context: context('k8s-b') },
    );

    // restartComponents: the controller manager, scheduler and kwok start afresh with it.
    await fixture.stopApiserver('k8s-b');
    await fixture.startApiserver('k8s-b', { restartComponents: true });
    const restarted = fixture.cluster('k8s-b').pids;
    for (const component of ['apiserver', 'controllerManager', 'scheduler', 'kwok'] as const) {
      expect(restarted[component]).toBeGreaterThan(0);
      expect(restarted[component]).not.toBe(after[component]);
    }
    await batch.createNamespacedJob({ namespace: 'default', body: jobBody('after-restart-2', 1) });
    await until(
      'Job after-restart-2 Complete on k8s-b',
      async () => jobCondition(await batch.readNamespacedJob({ name: 'after-restart-2', namespace: 'default' }), 'Complete'),
      { timeoutMs: WAIT_MS, context: context('k8s-b') },
    );
    await until('1 web pod Running after the components restarted', () => running(1), { timeoutMs: WAIT_MS, context: context('k8s-b') });
  }, TEST_MS);
});
