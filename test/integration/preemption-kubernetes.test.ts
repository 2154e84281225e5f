/**
 * Preemption end to end on a real Kubernetes control plane (fixtures/kubernetes; kwok plays the
 * kubelets): the real API server and the real controller manager as child processes, ONE member
 * cluster. An urgent Job preempts a best-effort one that holds the queue's whole quota; the
 * victim's pods must be gone from the member cluster, as its own API sees them.
 *
 * On kwok pods are simulated: the victim's pods run ten minutes (sky.dev/fake-duration, which a
 * workload's annotations carry to its pods), the urgent job's pods the fixture's default 3 s.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, NamespaceAPI, PriorityClassAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { KUBE_FIXTURE_TIMEOUT_MS, startKubeFixture, type KubeFixture } from '../helpers/kubernetes.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/wait.js';

const CLUSTER = 'pre-k8s';
const NAMESPACE = 'prod';
const SKY = 'sky.dev/managed-by=sky-manager';

let fixture: KubeFixture;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let jobs: JobAPI;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, {
    timeoutMs,
    context: () => `--- controller manager:\n${controllers?.logs().slice(-4000) ?? ''}\n${fixture?.logs() ?? ''}`.slice(-12_000),
  });
}

function jobWhere(name: string, what: string, test: (job: Job) => boolean): Promise<Job> {
  return until(`${name}: ${what}`, async () => {
    const job = await jobs.get(name);
    return test(job) && job;
  });
}

/** The pods of Sky Job `name` in the member cluster, by the labels the manager puts on them. */
async function podsOf(name: string): Promise<V1Pod[]> {
  return (await fixture.core(CLUSTER).listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${SKY},sky.dev/name=${name}` })).items;
}

const runningPods = (pods: V1Pod[]) => pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);

beforeAll(async () => {
  // One node, room for both jobs at once: only the queue's quota makes them compete.
  fixture = await startKubeFixture([{ name: CLUSTER, nodes: [{ cpu: 4, memory: '8Gi' }] }]);
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  jobs = new JobAPI({ client, namespace: NAMESPACE });
  controllers = await startControllers(server.url);
  const clusters = new ClusterAPI({ client });
  await clusters.create({
    metadata: { name: CLUSTER },
    spec: { manager: 'KUBERNETES', kubernetes: { context: CLUSTER, kubeconfigPath: fixture.kubeconfigPath } },
  });
  await until(`${CLUSTER} READY`, async () => (await clusters.get(CLUSTER)).status.phase === 'READY');
  await new NamespaceAPI({ client }).create({ metadata: { name: NAMESPACE } });
  await new QueueAPI({ client }).create({ metadata: { name: 'prod' }, spec: { namespaces: [NAMESPACE], quota: { cpu: 2 } } });
  const priorityClasses = new PriorityClassAPI({ client });
  await priorityClasses.create({ metadata: { name: 'urgent' }, spec: { value: 1000 } });
  await priorityClasses.create({ metadata: { name: 'best-effort' }, spec: { value: -10, preemptionPolicy: 'NEVER' } });
}, KUBE_FIXTURE_TIMEOUT_MS);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  await fixture?.stop();
}, 120_000);

describe('preemption on a Kubernetes cluster', () => {
  it("an urgent job preempts a best-effort one: the victim's pods leave the member cluster, and it runs again later", async () => {
    await jobs.create({
      metadata: { name: 'batch', annotations: { 'sky.dev/fake-duration': '10m' } },
      spec: { resources: { cpu: 2 }, run: 'sleep 600', priorityClassName: 'best-effort' },
    });
    await jobWhere('batch', 'RUNNING', (j) => j.status.phase === 'RUNNING');
    const [firstPod] = await until('the running pod of batch', async () => {
      const pods = runningPods(await podsOf('batch'));
      return pods.length === 1 && pods;
    });
    expect(firstPod.spec?.nodeName).toBe(`${CLUSTER}-node-0`);

    await jobs.create({ metadata: { name: 'urgent' }, spec: { resources: { cpu: 2 }, run: 'echo urgent', priorityClassName: 'urgent' } });
    const preempted = await jobWhere('batch', 'preempted', (j) => (j.status.preemptions?.length ?? 0) > 0);
    expect(preempted.status.preemptions?.[0]).toMatchObject({ by: 'Job/prod/urgent', queue: 'prod', priority: 1000 });
    expect(preempted.status.conditions.find((c) => c.type === 'Preempted')).toMatchObject({
      status: 'True',
      message: 'Preempted to admit prod/urgent (priority 1000)',
    });

    // Gone from the member cluster, as its own API lists them.
    await until("batch's pods gone from the member cluster", async () => (await podsOf('batch')).length === 0);
    const urgent = await jobWhere('urgent', 'COMPLETED', (j) => j.status.phase === 'COMPLETED');
    expect(urgent.status.replicaStatus).toEqual([expect.objectContaining({ cluster: CLUSTER, succeeded: 1, failed: 0 })]);

    // Admitted again once the quota is free, it runs again: a new pod.
    const again = await jobWhere('batch', 'admitted again and RUNNING', (j) => j.status.admission !== undefined && j.status.phase === 'RUNNING');
    expect(again.status.placements).toEqual([{ cluster: CLUSTER, replicas: 1 }]);
    const [secondPod] = await until('the new running pod of batch', async () => {
      const pods = runningPods(await podsOf('batch'));
      return pods.length === 1 && pods;
    });
    expect(secondPod.metadata?.uid).not.toBe(firstPod.metadata?.uid);
    expect(Date.parse(again.status.admission!.admittedAt)).toBeGreaterThan(Date.parse(preempted.status.preemptions![0].at));

    // Its second run would last ten minutes too: delete it, and nothing of it stays behind.
    await jobs.delete('batch');
    await until('batch gone from the member cluster', async () => {
      const members = (await fixture.batch(CLUSTER).listNamespacedJob({ namespace: NAMESPACE, labelSelector: `${SKY},sky.dev/name=batch` })).items;
      return members.length === 0 && (await podsOf('batch')).length === 0;
    });
  }, 240_000);
});
