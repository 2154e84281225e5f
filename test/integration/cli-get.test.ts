/**
 * `skym get` against a real API server: the tables of every kind, -o json|yaml|wide, selectors,
 * namespaces. Objects are set up with the typed client; what is checked is the binary's output.
 */
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, DeploymentAPI, FilterPolicyAPI, JobAPI, NamespaceAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
let runs = 0;
const skym = (...args: string[]) => runSkym(args, { api: server.url });

/** A namespace of its own per test: the tests share one server. */
async function freshNamespace(): Promise<string> {
  const name = `get-${++runs}`; // tables below pad it, whatever its length
  await new NamespaceAPI({ client }).create({ metadata: { name } });
  return name;
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('tables', () => {
  it('clusters: Name Manager Resources Status, resources as free/total lines', async () => {
    const clusters = new ClusterAPI({ client });
    await clusters.create({ metadata: { name: 'tbl-a', labels: { suite: 'tables' } }, spec: { manager: 'SLURM' } });
    await clusters.create({ metadata: { name: 'tbl-b', labels: { suite: 'tables' } }, spec: { manager: 'LOCAL' } });
    await clusters.updateStatus({
      metadata: { name: 'tbl-b' },
      status: { phase: 'READY', capacity: { cpu: 4, memory: 15909.34375, gpu: 1 }, allocatable: { cpu: 3.86, memory: 12071.34375, gpu: 1 } },
    });
    const result = await skym('get', 'clusters', '-l', 'suite=tables');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'Name   Manager  Resources                Status',
        'tbl-a  slurm    {}                       INIT',
        'tbl-b  local    cpu: 3.86/4.0            READY',
        '                gpu: 1/1',
        '                memory: 11.79/15.54 GiB',
        '',
      ].join('\n'),
    );
  });

  it('jobs: one row per cluster the replicas are placed on, resources per replica', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'spread' }, spec: { run: 'x', replicas: 4, resources: { cpu: 1, memory: 512 } } });
    await jobs.updateStatus({
      metadata: { name: 'spread' },
      status: { phase: 'RUNNING', placements: [{ cluster: 'mluo-cloud', replicas: 3 }, { cluster: 'mluo-onprem', replicas: 1 }] },
    });
    await jobs.create({ metadata: { name: 'waiting' }, spec: { run: 'x', resources: { cpu: 2, gpu: 1 } } });
    const result = await skym('get', 'jobs', '-n', ns);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Name     Cluster      Replicas  Resources        Namespace  Status',
        `spread   mluo-cloud          3  cpu: 1           ${ns.padEnd(9)}  RUNNING`,
        '                                memory: 512 MiB',
        `spread   mluo-onprem         1  cpu: 1           ${ns.padEnd(9)}  RUNNING`,
        '                                memory: 512 MiB',
        `waiting                      0  cpu: 2           ${ns.padEnd(9)}  PENDING`,
        '                                gpu: 1',
        '',
      ].join('\n'),
    );
  });

  it('clusters not READY say why in their Status cell', async () => {
    const clusters = new ClusterAPI({ client });
    await clusters.create({ metadata: { name: 'tbl-broken', labels: { suite: 'broken' } }, spec: { manager: 'KUBERNETES' } });
    await clusters.updateStatus({
      metadata: { name: 'tbl-broken' },
      status: {
        phase: 'ERROR',
        message: 'context "prod" is not in the kubeconfig',
        conditions: [{ type: 'Ready', status: 'False', reason: 'Unreachable', message: 'context "prod" is not in the kubeconfig', lastTransitionTime: new Date().toISOString() }],
      },
    });
    const result = await skym('get', 'clusters', '-l', 'suite=broken');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      ['Name        Manager     Resources  Status', 'tbl-broken  kubernetes  {}         ERROR: context "prod" is not in the kubeconfig', ''].join('\n'),
    );
  });

  it('deployments: the same columns as jobs; `deploy` is a name for them', async () => {
    const ns = await freshNamespace();
    await new DeploymentAPI({ client, namespace: ns }).create({ metadata: { name: 'web' }, spec: { image: 'nginx', replicas: 2, resources: { cpu: 0.5 } } });
    const result = await skym('get', 'deploy', '-n', ns);
    expect(result.stdout).toBe(['Name  Cluster  Replicas  Resources  Namespace  Status', `web                   0  cpu: 0.5   ${ns.padEnd(9)}  PENDING`, ''].join('\n'));
  });

  it('namespaces: Name Status', async () => {
    const ns = await freshNamespace();
    const result = await skym('get', 'ns', ns);
    expect(result.stdout).toBe([`${'Name'.padEnd(ns.length)}  Status`, `${ns}  ACTIVE`, ''].join('\n'));
  });

  it('filterpolicies: Name Namespace Include Exclude Labels Status', async () => {
    const ns = await freshNamespace();
    await new FilterPolicyAPI({ client, namespace: ns }).create({
      metadata: { name: 'remove-mluo-cloud' },
      spec: { clusterFilter: { include: ['mluo-onprem', 'mluo-cloud'], exclude: ['mluo-cloud'] }, labelsSelector: { my_app: 'testing' } },
    });
    const result = await skym('get', 'filterpolicies', '-n', ns);
    expect(result.stdout).toBe(
      [
        'Name               Namespace  Include                 Exclude     Labels          Status',
        `remove-mluo-cloud  ${ns.padEnd(9)}  mluo-onprem,mluo-cloud  mluo-cloud  my_app=testing  ACTIVE`,
        '',
      ].join('\n'),
    );
  });

  it('-o wide adds columns (per-cluster replica counts for jobs)', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'w' }, spec: { run: 'x', image: 'busybox', replicas: 3 } });
    await jobs.updateStatus({
      metadata: { name: 'w' },
      status: { phase: 'RUNNING', placements: [{ cluster: 'c1', replicas: 3 }], replicaStatus: [{ cluster: 'c1', running: 2, succeeded: 1 }] },
    });
    const result = await skym('get', 'job', 'w', '-n', ns, '-o', 'wide');
    const [header, row] = result.stdout.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['Name', 'Cluster', 'Replicas', 'Resources', 'Namespace', 'Status', 'Desired', 'Pending', 'Running', 'Succeeded', 'Failed', 'Image', 'Queue', 'Priority', 'Cost', 'Age']);
    expect(row.split(/\s{2,}/).slice(0, 12)).toEqual(['w', 'c1', '3', 'cpu: 0', ns, 'RUNNING', '3', '0', '2', '1', '0', 'busybox']);
  });
});

describe('-o json and -o yaml', () => {
  it('prints a list as {kind: "JobList", items, resourceVersion}, the same as --json', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'a' }, spec: { run: 'x' } });
    await jobs.create({ metadata: { name: 'b' }, spec: { run: 'y' } });
    const result = await skym('get', 'jobs', '-n', ns, '-o', 'json');
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list.kind).toBe('JobList');
    expect(list.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((j: { metadata: { name: string } }) => j.metadata.name)).toEqual(['a', 'b']);
    expect(list.items[0]).toEqual(await jobs.get('a'));
    expect(JSON.parse((await skym('get', 'jobs', '-n', ns, '--json')).stdout)).toEqual(list);
  });

  it('prints one object as the object, in JSON and in YAML', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    const job = await jobs.create({ metadata: { name: 'one', labels: { app: 'web' } }, spec: { run: 'echo Sky!', resources: { cpu: 1 } } });
    expect(JSON.parse((await skym('get', 'job', 'one', '-n', ns, '-o', 'json')).stdout)).toEqual(job);
    expect(parseYaml((await skym('get', 'job', 'one', '-n', ns, '-o', 'yaml')).stdout)).toEqual(job);
  });
});

describe('selecting', () => {
  it('-l filters by labels, with the Kubernetes selector syntax', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'web', labels: { app: 'web', tier: 'front' } }, spec: { run: 'x' } });
    await jobs.create({ metadata: { name: 'db', labels: { app: 'db' } }, spec: { run: 'x' } });
    const names = async (selector: string) => JSON.parse((await skym('get', 'jobs', '-n', ns, '-l', selector, '-o', 'json')).stdout).items.map((j: { metadata: { name: string } }) => j.metadata.name);
    expect(await names('app=web')).toEqual(['web']);
    expect(await names('app in (web,db),!tier')).toEqual(['db']);
  });

  it('-A lists every namespace; -n one; without either, the default namespace', async () => {
    const [ns1, ns2] = [await freshNamespace(), await freshNamespace()];
    await new JobAPI({ client, namespace: ns1 }).create({ metadata: { name: 'in-one', labels: { suite: 'all-ns' } }, spec: { run: 'x' } });
    await new JobAPI({ client, namespace: ns2 }).create({ metadata: { name: 'in-two', labels: { suite: 'all-ns' } }, spec: { run: 'x' } });
    const all = await skym('get', 'jobs', '-A', '-l', 'suite=all-ns', '-o', 'json');
    expect(JSON.parse(all.stdout).items.map((j: { metadata: { namespace: string } }) => j.metadata.namespace).sort()).toEqual([ns1, ns2].sort());
    const one = await skym('get', 'jobs', '-n', ns2, '-o', 'json');
    expect(JSON.parse(one.stdout).items.map((j: { metadata: { name: string } }) => j.metadata.name)).toEqual(['in-two']);
    const none = await skym('get', 'jobs', '-l', 'suite=all-ns');
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No jobs found matching "suite=all-ns" in namespace "default".\n' });
  });

  it('several NAMEs: shows those found, reports the others, exits 1', async () => {
    const ns = await freshNamespace();
    await new JobAPI({ client, namespace: ns }).create({ metadata: { name: 'here' }, spec: { run: 'x' } });
    const result = await skym('get', 'jobs', 'here', 'missing', '-n', ns);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('here ');
    expect(result.stderr).toBe(`Error: job "missing" not found in namespace "${ns}"\n`);
  });

  it('KIND/NAME as kubectl takes it: one, several, and several kinds (a table each; one List in JSON)', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'a' }, spec: { run: 'x' } });
    await jobs.create({ metadata: { name: 'b' }, spec: { run: 'x' } });
    await new DeploymentAPI({ client, namespace: ns }).create({ metadata: { name: 'web' }, spec: { run: 'x' } });

    expect(await skym('get', 'job/a', '-n', ns)).toMatchObject({ code: 0, stderr: '', stdout: (await skym('get', 'job', 'a', '-n', ns)).stdout });
    const several = await skym('get', 'job/a', 'jobs/b', '-n', ns, '-o', 'json');
    expect(JSON.parse(several.stdout).items.map((j: { metadata: { name: string } }) => j.metadata.name)).toEqual(['a', 'b']);

    const kinds = await skym('get', 'job/a', 'deploy/web', 'job/b', '-n', ns);
    expect(kinds).toMatchObject({ code: 0, stderr: '' });
    expect(kinds.stdout).toBe(
      [
        'Name  Cluster  Replicas  Resources  Namespace  Status',
        `a                     0  cpu: 0     ${ns.padEnd(9)}  PENDING`,
        `b                     0  cpu: 0     ${ns.padEnd(9)}  PENDING`,
        '',
        'Name  Cluster  Replicas  Resources  Namespace  Status',
        `web                   0  cpu: 0     ${ns.padEnd(9)}  PENDING`,
        '',
      ].join('\n'),
    );
    const list = JSON.parse((await skym('get', 'job/a', 'deploy/web', '-n', ns, '-o', 'json')).stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`)).toEqual(['Job/a', 'Deployment/web']);

    const missing = await skym('get', 'job/a', 'deploy/nope', '-n', ns);
    expect(missing).toMatchObject({ code: 1, stderr: `Error: deployment "nope" not found in namespace "${ns}"\n` });
    expect(missing.stdout).toContain('a ');
    expect(await skym('get', 'jobs', 'job/a')).toMatchObject({ code: 1, stderr: 'Error: "job/a" names its kind already; give KIND NAME… or KIND/NAME…, not both (e.g. skym get job/a)\n' });
  });

  it('refuses NAMEs with a selector', async () => {
    expect(await skym('get', 'jobs', 'a', '-l', 'app=web')).toMatchObject({ code: 1, stdout: '', stderr: 'Error: give NAMEs or --selector, not both\n' });
  });
});
