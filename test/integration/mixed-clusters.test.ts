/**
 * Kubernetes and Slurm clusters side by side under one Sky Manager: a real Kubernetes control
 * plane (fixtures/kubernetes) and two real Slurm clusters (fixtures/slurm), the API server and
 * the controller manager as real processes. A FilterPolicy sends `my_app: testing` jobs to Slurm
 * only; other jobs may go anywhere. Also reads a Kubernetes job's logs through the pod log API
 * (served by kwok in the fixture: one placeholder line per container).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, FilterPolicyAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { KUBE_FIXTURE_TIMEOUT_MS, POD_LOG_LINE, startKubeFixture, type KubeFixture } from '../helpers/kubernetes.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { until as waitUntil } from '../helpers/wait.js';

const KUBE = 'mix-k8s';
const SLURM = ['mix-a', 'mix-b'];

let kube: KubeFixture;
let slurm: TestSlurm;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let jobs: JobAPI;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-3000) ?? '' });
}

function jobInPhase(name: string, ...phases: Job['status']['phase'][]): Promise<Job> {
  return until(`job ${name} in ${phases.join('|')}`, async () => {
    const job = await jobs.get(name);
    return phases.includes(job.status.phase) && job;
  });
}

beforeAll(async () => {
  [kube, slurm] = await Promise.all([
    // A large single-node cluster: spread would favour it, so a job kept off it shows the policy.
    startKubeFixture([{ name: KUBE, nodes: [{ cpu: 32, memory: '64Gi' }] }]),
    startTestSlurm('mix'),
  ]);
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  const clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  controllers = await startControllers(server.url);
  await clusters.create({ metadata: { name: KUBE }, spec: { manager: 'KUBERNETES', kubernetes: { context: KUBE, kubeconfigPath: kube.kubeconfigPath } } });
  for (const name of SLURM) await clusters.create({ metadata: { name }, spec: { manager: 'SLURM', slurm: { slurmConf: slurm.get(name).slurmConf } } });
  for (const name of [KUBE, ...SLURM]) await until(`cluster ${name} READY`, async () => (await clusters.get(name)).status.phase === 'READY');
}, KUBE_FIXTURE_TIMEOUT_MS);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  await Promise.all([kube?.stop(), slurm?.stopAndClean()]);
}, 120_000);

describe('Kubernetes and Slurm clusters together', () => {
  it('a FilterPolicy sends my_app: testing jobs to Slurm only', async () => {
    await new FilterPolicyAPI({ client }).create({
      metadata: { name: 'testing-on-slurm' },
      spec: { clusterFilter: { include: SLURM, exclude: [] }, labelsSelector: { my_app: 'testing' } },
    });
    const names = ['mix-testing-1', 'mix-testing-2', 'mix-testing-3'];
    for (const name of names) {
      await jobs.create({ metadata: { name, labels: { my_app: 'testing' } }, spec: { resources: { cpu: 1 }, run: 'echo Sky!' } });
    }
    for (const name of names) {
      const done = await jobInPhase(name, 'COMPLETED');
      expect(done.status.placements).toHaveLength(1);
      expect(SLURM).toContain(done.status.placements[0].cluster);
      const lines = (await jobs.logs(name)).map((l) => l.line);
      expect(lines).toEqual(['Sky!']);
    }
    const kept = await jobs.get('mix-testing-1');
    expect(kept.status.conditions.find((c) => c.type === 'Scheduled')?.status).toBe('True');
  });

  it('other jobs may land on Kubernetes, where their logs come from the pod log API', async () => {
    await jobs.create({ metadata: { name: 'mix-anywhere' }, spec: { image: 'busybox', resources: { cpu: 1 }, run: 'echo Sky!' } });
    const done = await jobInPhase('mix-anywhere', 'COMPLETED');
    // The 32-cpu Kubernetes cluster has by far the most room, so spread puts the job there.
    expect(done.status.placements).toEqual([{ cluster: KUBE, replicas: 1 }]);
    const lines = await jobs.logs('mix-anywhere');
    expect(lines).toEqual([expect.objectContaining({ cluster: KUBE, replica: 0, line: POD_LOG_LINE })]);
  });
});
