/**
 * Costs over real HTTP: a Skylet's reports carry its cluster's account (as
 * src/controllers/replica-status.ts makes them, with src/domain/replica-cost.ts), the server
 * derives WorkloadStatus.cost, Queue.cost and Namespace.cost when read — growing while replicas
 * run on a priced cluster, still once they finished — and `skym get -o wide`, `skym get queues`
 * and `skym describe` show them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pricePerHour } from '../../src/bursting/price.js';
import { ClusterAPI, DeploymentAPI, JobAPI, NamespaceAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import { accrue } from '../../src/domain/replica-cost.js';
import type { Cluster, ReplicaCost } from '../../src/domain/types.js';
import { runSkym } from '../helpers/cli.js';
import { post } from '../helpers/graphql.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
const NS = 'costly';
const HOUR = 3_600_000;
const skym = (...args: string[]) => runSkym(args, { api: server.url });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startServer({ store: 'lowdb' });
  client = new SkyClient({ url: server.url });
  await new NamespaceAPI({ client }).create({ metadata: { name: NS } });
  await new QueueAPI({ client }).create({ metadata: { name: 'research' }, spec: {} });
  await new QueueAPI({ client }).create({ metadata: { name: 'serving' }, spec: {} });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

interface CostAnswer {
  job: { status: { cost: number; replicaStatus: { cluster: string; cost: ReplicaCost | null }[] } };
  queues: { items: { metadata: { name: string }; cost: number }[] };
  namespace: { cost: number };
}

async function costs(): Promise<CostAnswer> {
  const answer = await post<CostAnswer>(
    `${server.url}/graphql`,
    `query { job(namespace: "${NS}", name: "train") { status { cost replicaStatus { cluster cost { accrued ratePerHour since } } } }
             queues { items { metadata { name } cost } }
             namespace(name: "${NS}") { cost } }`,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!;
}
/** A right-aligned cell: it ends where its header ends. */
const rightCell = (header: string, row: string, title: string) => row.slice(0, header.indexOf(title) + title.length).trim().split(/\s+/).at(-1);
const queueCost = (answer: CostAnswer, name: string) => answer.queues.items.find((q) => q.metadata.name === name)!.cost;

describe('costs', () => {
  let cloud: Cluster;
  let rate: number;

  it('grow while replicas run on a priced cluster and stop once they finish; queues and namespaces sum them', async () => {
    // A GPU-hour at 36 000: two one-GPU replicas accrue 20 a second, enough to see in a moment.
    cloud = await new ClusterAPI({ client }).create({ metadata: { name: 'cost-cloud' }, spec: { manager: 'LOCAL', cost: { cpu: 0, gpu: 36_000, memory: 0 } } });
    const jobs = new JobAPI({ client, namespace: NS });
    const job = await jobs.create({ metadata: { name: 'train' }, spec: { run: 'train', replicas: 2, resources: { cpu: 1, gpu: 1, memory: 0 } } });
    await jobs.updateStatus({
      metadata: { name: 'train' },
      status: { phase: 'SCHEDULED', placements: [{ cluster: 'cost-cloud', replicas: 2 }], queue: { name: 'research', reason: 'Admitted', message: '' } },
    });
    // A Deployment in another queue that ran elsewhere earlier: 5 accrued, nothing open.
    const deployments = new DeploymentAPI({ client, namespace: NS });
    await deployments.create({ metadata: { name: 'web' }, spec: { run: 'serve' } });
    await deployments.updateStatus({
      metadata: { name: 'web' },
      status: { phase: 'SCHEDULED', replicaStatus: [{ cluster: 'old', cost: { accrued: 5, ratePerHour: 0 } }], queue: { name: 'serving', reason: 'Admitted', message: '' } },
    });

    rate = 2 * pricePerHour(cloud, job.spec.resources);
    expect(rate).toBe(72_000);
    const started = Date.now();
    const open = accrue(undefined, rate, started)!;
    await jobs.reportReplicas(job.metadata, { cluster: 'cost-cloud', pending: 0, running: 2, succeeded: 0, failed: 0, cost: open });

    const first = await costs();
    await sleep(300);
    const before = Date.now();
    const second = await costs();
    const after = Date.now();
    expect(second.job.status.replicaStatus).toEqual([{ cluster: 'cost-cloud', cost: open }]); // no writes while it runs
    expect(second.job.status.cost).toBeGreaterThan(first.job.status.cost);
    expect(second.job.status.cost).toBeGreaterThanOrEqual((rate * (before - started)) / HOUR);
    expect(second.job.status.cost).toBeLessThanOrEqual((rate * (after - started)) / HOUR);
    expect(queueCost(second, 'research')).toBe(second.job.status.cost);
    expect(queueCost(second, 'serving')).toBe(5);
    expect(second.namespace.cost).toBeCloseTo(second.job.status.cost + 5, 6);

    // Both finish: the Skylet closes the interval; the cost stays where it got to.
    const closed = accrue(open, 0, Date.now())!;
    await jobs.reportReplicas(job.metadata, { cluster: 'cost-cloud', pending: 0, running: 0, succeeded: 2, failed: 0, cost: closed });
    const done = await costs();
    await sleep(200);
    const later = await costs();
    expect(done.job.status.cost).toBe(closed.accrued);
    expect(closed.accrued).toBeGreaterThan(second.job.status.cost);
    expect(later.job.status.cost).toBe(done.job.status.cost);
    expect(queueCost(later, 'research')).toBe(closed.accrued);
    expect(later.namespace.cost).toBeCloseTo(closed.accrued + 5, 6);
  });

  it('refuses a report whose account is out of bounds, naming the field', async () => {
    const answer = await post(
      `${server.url}/graphql`,
      `mutation { reportJobReplicas(input: { namespace: "${NS}", name: "train", cluster: "cost-cloud", cost: { accrued: -1, ratePerHour: 0 } }) { metadata { name } } }`,
    );
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(answer.errors?.[0].message).toContain('input.cost.accrued: must be at least 0');
  });

  it('skym shows prices, workload costs and the sums', async () => {
    await new ClusterAPI({ client }).create({ metadata: { name: 'cost-owned' }, spec: { manager: 'LOCAL' } });
    const clusters = await skym('get', 'clusters', 'cost-cloud', 'cost-owned', '-o', 'wide');
    expect(clusters).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = clusters.stdout.trimEnd().split('\n');
    const costAt = header.indexOf('Cost');
    expect(costAt).toBeGreaterThan(0);
    const cell = (row: string) => row.slice(costAt).split(/\s{2,}/)[0];
    expect(rows.map(cell)).toEqual(['gpu 36000.00/h', 'free']);

    const job = await new JobAPI({ client, namespace: NS }).get('train');
    const total = job.status.replicaStatus[0].cost!.accrued.toFixed(2);
    const wide = await skym('get', 'jobs', '-n', NS, '-o', 'wide');
    const [jobHeader, jobRow] = wide.stdout.split('\n');
    expect(rightCell(jobHeader, jobRow, 'Cost')).toBe(total);

    const queues = await skym('get', 'queues', 'research', 'serving');
    const [queueHeader, ...queueRows] = queues.stdout.trimEnd().split('\n');
    expect(queueHeader.split(/\s{2,}/).at(-1)).toBe('Cost');
    expect(queueRows.map((row) => row.split(/\s{2,}/).at(-1))).toEqual([total, '5.00']);

    const namespaces = await skym('get', 'namespaces', NS, '-o', 'wide');
    const [nsHeader, nsRow] = namespaces.stdout.split('\n');
    expect(rightCell(nsHeader, nsRow, 'Cost')).toBe((Number(total) + 5).toFixed(2));

    const described = await skym('describe', 'job', 'train', '-n', NS);
    expect(described.stdout).toContain(`\nCost: ${total}\n`);
    expect(described.stdout).toMatch(new RegExp(`cost-cloud\\s+2\\s+0\\s+0\\s+2\\s+0\\s+${total.replace('.', '\\.')}`));
    expect((await skym('describe', 'queue', 'serving')).stdout).toContain('\nCost: 5.00\n');

    // What `get -o yaml` prints goes back through apply: the derived cost is not a field to set.
    const yaml = await skym('get', 'queue', 'serving', '-o', 'yaml');
    expect(yaml.stdout).toContain('cost: 5');
    const applied = await runSkym(['apply', '-f', '-'], { api: server.url, input: yaml.stdout });
    expect(applied).toMatchObject({ code: 0 });
  });
});
