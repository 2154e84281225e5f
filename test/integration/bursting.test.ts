/**
 * Cost-aware bursting with real processes: the API server, the controller manager (admission,
 * scheduler, Skylets) and two LOCAL clusters: `on-prem`, free, of 2 cores, and `cloud`, 8 cores
 * at 1.20 per core-hour. In each scenario on-prem is first filled by a 2-core job (`filler`,
 * about 8 s), then two jobs come that do not fit there: `small` (1 core, 2 s) and `big` (2 cores,
 * expected to run 10 s). Their queue's waiting policy decides who waits for on-prem and who goes to the cloud.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, NamespaceAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import type { Job, QueueSpec } from '../../src/domain/types.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { runSkym } from '../helpers/cli.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/wait.js';

let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-3000) ?? '' });
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  controllers = await startControllers(server.url);
  const clusters = new ClusterAPI({ client });
  await createReadyLocalCluster(clusters, 'on-prem', 2);
  await clusters.create({ metadata: { name: 'cloud' }, spec: { manager: 'LOCAL', local: { cpu: 8, memory: 16_384, gpu: 0 }, cost: { cpu: 1.2 } } });
  await until('cloud READY', async () => (await clusters.get('cloud')).status.phase === 'READY');
}, 120_000);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
}, 60_000);

const clusterOf = (job: Job) => job.status.placements.map((p) => p.cluster).join(',');

/**
 * Fills on-prem, then sends `small` and `big` to a queue with `policy` (none: the default), and
 * returns all three once COMPLETED, with what `skym describe job big` said while big waited.
 */
async function scenario(namespace: string, { policy, namespaceDefault }: { policy?: QueueSpec['waitingPolicy']; namespaceDefault?: string }) {
  const annotations: Record<string, string> = namespaceDefault ? { 'sky.dev/waiting-policy': namespaceDefault } : {};
  await new NamespaceAPI({ client }).create({ metadata: { name: namespace, annotations } });
  await new QueueAPI({ client }).create({ metadata: { name: namespace }, spec: { namespaces: [namespace], ...(policy ? { waitingPolicy: policy } : {}) } });
  const jobs = new JobAPI({ client, namespace });
  await jobs.create({ metadata: { name: 'filler' }, spec: { resources: { cpu: 2 }, run: 'sleep 8', expectedRuntime: 8 } });
  await until('filler RUNNING on on-prem', async () => {
    const filler = await jobs.get('filler');
    return filler.status.phase === 'RUNNING' && clusterOf(filler) === 'on-prem';
  });
  // And on-prem's capacity report says so (a replica's report can come before it: see the note).
  await until('on-prem reported full', async () => (await new ClusterAPI({ client }).get('on-prem')).status.allocatable.cpu === 0);
  await jobs.create({ metadata: { name: 'small' }, spec: { resources: { cpu: 1 }, run: 'sleep 2', expectedRuntime: 2 } });
  // Expected to run longer than it does: estimates are estimates.
  await jobs.create({ metadata: { name: 'big' }, spec: { resources: { cpu: 2 }, run: 'sleep 4', expectedRuntime: 10 } });
  // While filler runs, big's place in the line (a few looks: the controllers take a moment).
  let described = '';
  await until('big placed or explained', async () => {
    const big = await jobs.get('big');
    if (big.status.placements.length > 0) return true;
    described = (await runSkym(['describe', 'job', 'big', '-n', namespace], { api: server.url })).stdout;
    return described.includes('Bursting:');
  });
  const done = await until(
    `every job of ${namespace} COMPLETED`,
    async () => {
      const { items } = await jobs.list();
      return items.length === 3 && items.every((j) => j.status.phase === 'COMPLETED') && items;
    },
    120_000,
  );
  const byName = Object.fromEntries(done.map((j) => [j.metadata.name, j]));
  return { filler: byName.filler, small: byName.small, big: byName.big, described };
}

describe('bursting from a free on-prem cluster to a costly cloud', () => {
  it('COMPUTE with a small coefficient: the small job goes to the cloud, the big one waits for on-prem', async () => {
    // w = c x cores x runtime: small waits 1 x 1 x 2 = 2 s, big 1 x 2 x 10 = 20 s. on-prem frees
    // in about 8 s: past small's wait (it bursts, at once by the start estimate), within big's.
    const { small, big, filler, described } = await scenario('compute', { policy: { policy: 'COMPUTE', coefficient: 1 } });
    expect(clusterOf(small), JSON.stringify(small.status, null, 1)).toBe('cloud');
    expect(clusterOf(big), JSON.stringify(big.status, null, 1)).toBe('on-prem');
    expect(described).toMatch(/Bursting: waiting for on-prem until \d\d:\d\d UTC \(COMPUTE, c 1\), then it may burst to cloud at 2\.40\/h/);
    // big started on on-prem once filler was done, not before.
    expect(Date.parse(big.status.startTime!)).toBeGreaterThanOrEqual(Date.parse(filler.status.completionTime!) - 1_000);
    // Why small went to the cloud, in its Scheduled condition.
    expect(small.status.conditions.find((c) => c.type === 'Scheduled')?.message).toMatch(/placed on cloud \(1\)\..*(it waited 2s for cheaper clusters|the cheaper clusters would start it at .* so it does not wait)/);
  }, 180_000);

  it('ZERO (no waiting policy): both go to the cloud at once', async () => {
    const { small, big } = await scenario('zero', {});
    expect(clusterOf(small)).toBe('cloud');
    expect(clusterOf(big)).toBe('cloud');
  }, 180_000);

  it("INFINITE, as the namespace's default: neither ever goes to the cloud; both wait for on-prem", async () => {
    const { small, big, filler, described } = await scenario('infinite', { namespaceDefault: 'INFINITE' });
    expect(clusterOf(small)).toBe('on-prem');
    expect(clusterOf(big)).toBe('on-prem');
    expect(described).toContain('(INFINITE: it never goes to a costlier cluster)');
    for (const j of [small, big]) expect(Date.parse(j.status.startTime!)).toBeGreaterThanOrEqual(Date.parse(filler.status.completionTime!) - 1_000);
  }, 180_000);
});
