/** `skym delete` and `skym describe` against a real API server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, DeploymentAPI, JobAPI, NamespaceAPI, NotFoundError, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
const skym = (...args: string[]) => runSkym(args, { api: server.url });

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  await new NamespaceAPI({ client }).create({ metadata: { name: 'team-a' } });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('delete', () => {
  it('deletes a job as the demo said it: "Deleted job hello."', async () => {
    const jobs = new JobAPI({ client });
    await jobs.create({ metadata: { name: 'hello' }, spec: { run: 'x' } });
    expect(await skym('delete', 'job', 'hello')).toMatchObject({ code: 0, stdout: 'Deleted job hello.\n', stderr: '' });
    await expect(jobs.get('hello')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes several, reports the missing one, deletes the rest, exits 1', async () => {
    const jobs = new JobAPI({ client, namespace: 'team-a' });
    await jobs.create({ metadata: { name: 'a' }, spec: { run: 'x' } });
    await jobs.create({ metadata: { name: 'b' }, spec: { run: 'x' } });
    const result = await skym('delete', 'jobs', 'a', 'missing', 'b', '-n', 'team-a');
    expect(result).toMatchObject({
      code: 1,
      stdout: 'Deleted job a in namespace team-a.\nDeleted job b in namespace team-a.\n',
      stderr: 'Error: job "missing" not found in namespace "team-a"\n',
    });
    expect((await jobs.list()).items).toEqual([]);
  });

  it('takes KIND/NAME as kubectl does, several kinds at once', async () => {
    const jobs = new JobAPI({ client, namespace: 'team-a' });
    const deployments = new DeploymentAPI({ client, namespace: 'team-a' });
    await jobs.create({ metadata: { name: 'slash' }, spec: { run: 'x' } });
    await deployments.create({ metadata: { name: 'slash-web' }, spec: { run: 'x' } });
    const result = await skym('delete', 'job/slash', 'deploy/slash-web', '-n', 'team-a');
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'Deleted job slash in namespace team-a.\nDeleted deployment slash-web in namespace team-a.\n' });
    await expect(jobs.get('slash')).rejects.toBeInstanceOf(NotFoundError);
    await expect(deployments.get('slash-web')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a kind without names is a usage mistake, not "all of them"', async () => {
    expect(await skym('delete', 'jobs')).toMatchObject({ code: 2, stdout: '', stderr: 'Error: name the objects to delete: skym delete KIND NAME… or KIND/NAME…\n' });
  });

  it('deletes a cluster; --json prints the deleted objects', async () => {
    await new ClusterAPI({ client }).create({ metadata: { name: 'gone-soon' }, spec: { manager: 'LOCAL' } });
    const result = await skym('delete', 'cluster', 'gone-soon', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ kind: 'Cluster', metadata: { name: 'gone-soon' } }]);
  });
});

describe('describe', () => {
  it('a pending job: metadata, spec, status, replicas per cluster, and why it is pending', async () => {
    const jobs = new JobAPI({ client, namespace: 'team-a' });
    await jobs.create({ metadata: { name: 'stuck', labels: { app: 'train' } }, spec: { run: 'python train.py', replicas: 3, resources: { cpu: 64 } } });
    const why = '0/2 clusters fit: mluo-cloud: needs 64 cpu, 5.79 free; mluo-onprem: needs 64 cpu, 3.86 free';
    await jobs.updateStatus({
      metadata: { name: 'stuck' },
      status: {
        phase: 'PENDING',
        placements: [{ cluster: 'mluo-cloud', replicas: 1 }],
        replicaStatus: [{ cluster: 'mluo-cloud', pending: 1, externalId: 'stuck-abc12' }],
        conditions: [{ type: 'Scheduled', status: 'False', reason: 'Unschedulable', message: why }],
      },
    });
    const result = await skym('describe', 'job', 'stuck', '-n', 'team-a');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['Name:             stuck', 'Namespace:        team-a', 'Kind:             Job', 'Labels:           app=train']);
    expect(result.stdout).toContain('Spec:\n  image: ""\n  run: python train.py\n');
    expect(result.stdout).toContain('Status:\n  phase: PENDING\n');
    expect(result.stdout).toContain(
      'Clusters:\n  Cluster     Placed  Pending  Running  Succeeded  Failed  Cost  Waiting Since  External ID  Message\n  mluo-cloud       1        1        0          0       0  0.00                 stuck-abc12\n',
    );
    const conditions = lines.slice(lines.indexOf('Conditions:') + 1);
    expect(conditions[0].trim().split(/\s{2,}/)).toEqual(['Type', 'Status', 'Reason', 'Message', 'Last Transition']);
    expect(conditions[1].trim().split(/\s{2,}/).slice(0, 4)).toEqual(['Scheduled', 'False', 'Unschedulable', why]);
  });

  it('a cluster and a namespace; a missing object is an error', async () => {
    await new ClusterAPI({ client }).create({ metadata: { name: 'described' }, spec: { manager: 'KUBERNETES', kubernetes: { context: 'kind-a' } } });
    const cluster = await skym('describe', 'cluster', 'described');
    expect(cluster.stdout).toMatch(/^Name:\s+described\nKind:\s+Cluster\n/);
    expect(cluster.stdout).toContain('Spec:\n  manager: KUBERNETES\n  kubernetes:\n    context: kind-a\n');
    expect(cluster.stdout).toContain('Conditions: <none>');
    expect((await skym('describe', 'ns', 'team-a')).stdout).toMatch(/^Name:\s+team-a\nKind:\s+Namespace\n[\s\S]*Spec: <none>\nStatus:\n {2}phase: ACTIVE\n/);
    expect(await skym('describe', 'job', 'nope')).toMatchObject({ code: 1, stdout: '', stderr: 'Error: job "nope" not found in namespace "default"\n' });
  });

  it('takes KIND/NAME as kubectl does: the same description, objects of several kinds one after the other', async () => {
    await new JobAPI({ client }).create({ metadata: { name: 'slashed' }, spec: { run: 'echo hi' } });
    const one = await skym('describe', 'job/slashed');
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout.replace(/\(\d+s ago\)/, '')).toBe((await skym('describe', 'job', 'slashed')).stdout.replace(/\(\d+s ago\)/, ''));
    const two = await skym('describe', 'job/slashed', 'ns/team-a');
    expect(two).toMatchObject({ code: 0, stderr: '' });
    expect(two.stdout).toMatch(/^Name:\s+slashed\n[\s\S]*\n\nName:\s+team-a\nKind:\s+Namespace\n/);
  });
});
