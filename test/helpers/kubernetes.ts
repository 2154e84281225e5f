/**
 * Real Kubernetes control planes for integration tests (fixtures/kubernetes/clusters.ts).
 *
 * STABLE API (other tests and helpers build on it):
 *
 *   DEFAULT_KUBE_CLUSTERS: KubeClusterSpec[]
 *     k8s-a: 2 nodes x {cpu 4, memory 8Gi}                       (8 cpu, 16Gi)
 *     k8s-b: 1 node  x {cpu 2, memory 4Gi}                       (2 cpu, 4Gi)
 *     k8s-c: 1 node  x {cpu 8, memory 16Gi}
 *            + 1 node x {cpu 4, memory 16Gi, nvidia.com/gpu 1, label accelerator=nvidia-tesla-t4}
 *                                                                (12 cpu, 32Gi, 1 gpu)
 *     Node names: <cluster>-node-<n> (k8s-a-node-0, k8s-a-node-1, k8s-b-node-0, k8s-c-node-0, k8s-c-node-1).
 *     Every node: label type=kwok, annotation kwok.x-k8s.io/node=fake, pods 110, no taints.
 *
 *   startKubeFixture(specs = DEFAULT_KUBE_CLUSTERS, options?): Promise<KubeFixture>
 *     Runs fixtures/kubernetes/build.sh (returns at once when the binaries are cached; set
 *     SKYM_K8S_BIN_DIR to skip it), then starts the clusters in a fresh temporary directory and
 *     resolves when every apiserver is ready, the default service account exists and the nodes
 *     are Ready. Takes tens of seconds on a busy 2-core machine: call it in beforeAll with a
 *     generous timeout (KUBE_FIXTURE_TIMEOUT_MS), and call `stop()` in afterAll.
 *     options: { podReadyDelayMs (default 1000), jobPodDurationMs (default 3000), sequential }.
 *
 *   KubeFixture (everything of KubeClusters, see fixtures/kubernetes/clusters.ts):
 *     kubeconfigPath            one kubeconfig, a context per cluster named as the cluster
 *     clusters[]                {name, context, server, dir, token, caPem, nodeNames, pids, logs, startupMs}
 *     cluster(name)             one of them
 *     stopApiserver(name, sig?) kills that cluster's kube-apiserver only (SIGKILL by default; 'SIGTERM' for a graceful stop)
 *     startApiserver(name, {restartComponents?})
 *                               starts it again on the same port, waits for /readyz. The other
 *                               processes kept running and reconnect by themselves, but after an
 *                               outage longer than a few seconds client-go's back-off can delay
 *                               their reaction to new objects by up to ~60 s; restartComponents:
 *                               true restarts them as well (new pids) so the cluster reacts at once
 *     memory()                  RSS (KiB) per process
 *     logTail(name, component)  for failure messages; component: apiserver|controllerManager|scheduler|kwok
 *     dir                       the temporary directory (removed by stop() unless SKYM_KEEP_KUBE_FIXTURE=1)
 *     kubeConfig(name)          a @kubernetes/client-node KubeConfig loaded from kubeconfigPath, current context = name
 *     core(name) / batch(name) / apps(name)   CoreV1Api / BatchV1Api / AppsV1Api clients for that cluster
 *     logs(name?)               the tails of the component logs (of one cluster or all), for `until(..., {context})`
 *     stop()                    stops every process by pid, waits, removes the directory; idempotent
 *
 * Pod behaviour (kwok stages, fixtures/kubernetes/stages/): a pod bound to a fake node is Running
 * after podReadyDelayMs; a Job's pod is Succeeded jobPodDurationMs later; a pod annotated
 * sky.dev/fake-exit-code: "N" ends Failed with exit code N instead; sky.dev/fake-duration: "10s"
 * and sky.dev/fake-start-delay: "2s" override the delays per pod; other pods (Deployments) keep
 * running; deleted pods go away at once. The pod log API (readNamespacedPodLog) answers for every
 * container with one line, POD_LOG_LINE (kwok's server stands in for the kubelets).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  ensureKubeBinaries,
  startKubeClusters,
  type KubeClusters,
  type KubeClusterSpec,
  type KubeComponent,
} from '../../fixtures/kubernetes/clusters.js';

export { POD_LOG_LINE } from '../../fixtures/kubernetes/clusters.js';
export type { KubeClusterInfo, KubeClusters, KubeClusterSpec, KubeComponent, KubeNodeSpec } from '../../fixtures/kubernetes/clusters.js';

/** The three test clusters, of different node sizes. */
export const DEFAULT_KUBE_CLUSTERS: KubeClusterSpec[] = [
  { name: 'k8s-a', nodes: [{ cpu: 4, memory: '8Gi', count: 2 }] },
  { name: 'k8s-b', nodes: [{ cpu: 2, memory: '4Gi' }] },
  {
    name: 'k8s-c',
    nodes: [
      { cpu: 8, memory: '16Gi' },
      { cpu: 4, memory: '16Gi', gpu: 1, labels: { accelerator: 'nvidia-tesla-t4' } },
    ],
  },
];

/** A beforeAll timeout that fits starting three clusters on a busy 2-core machine (cached binaries). */
export const KUBE_FIXTURE_TIMEOUT_MS = 300_000;

export interface KubeFixtureOptions {
  /** Pod bound → Running (default 1000 ms). */
  podReadyDelayMs?: number;
  /** A Job's pod Running → Succeeded (default 3000 ms). */
  jobPodDurationMs?: number;
  /** Start the clusters one after another (default: all at once). */
  sequential?: boolean;
}

export interface KubeFixture extends KubeClusters {
  dir: string;
  kubeConfig(name: string): k8s.KubeConfig;
  core(name: string): k8s.CoreV1Api;
  batch(name: string): k8s.BatchV1Api;
  apps(name: string): k8s.AppsV1Api;
  logs(name?: string): string;
}

const COMPONENTS: KubeComponent[] = ['apiserver', 'controllerManager', 'scheduler', 'kwok'];

export async function startKubeFixture(specs: KubeClusterSpec[] = DEFAULT_KUBE_CLUSTERS, options: KubeFixtureOptions = {}): Promise<KubeFixture> {
  const binDir = await ensureKubeBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'sky-k8s-'));
  let clusters: KubeClusters;
  try {
    clusters = await startKubeClusters(specs, { baseDir: dir, binDir, ...options });
  } catch (error) {
    if (!process.env.SKYM_KEEP_KUBE_FIXTURE) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const kubeConfig = (name: string): k8s.KubeConfig => {
    clusters.cluster(name);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(clusters.kubeconfigPath);
    kc.setCurrentContext(name);
    return kc;
  };
  let stopped = false;
  return {
    ...clusters,
    dir,
    kubeConfig,
    core: (name) => kubeConfig(name).makeApiClient(k8s.CoreV1Api),
    batch: (name) => kubeConfig(name).makeApiClient(k8s.BatchV1Api),
    apps: (name) => kubeConfig(name).makeApiClient(k8s.AppsV1Api),
    logs: (name) =>
      clusters.clusters
        .filter((c) => name === undefined || c.name === name)
        .flatMap((c) => COMPONENTS.map((component) => `--- ${c.name} ${component}:\n${clusters.logTail(c.name, component, 15)}`))
        .join('\n'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await clusters.stop();
      if (!process.env.SKYM_KEEP_KUBE_FIXTURE) await rm(dir, { recursive: true, force: true });
    },
  };
}
