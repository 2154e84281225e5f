/**
 * The original demo's first half, verbatim, with the real `skym` binary against a real API server
 * (lowdb store, as `skym up` runs it): the CLI part of the notebook, then the curl part against
 * the REST view.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
let base: string;
const skym = (...args: string[]) => runSkym(args, { api: server.url });

beforeAll(async () => {
  server = await startServer({ store: 'lowdb' });
  client = new SkyClient({ url: server.url });
  base = server.url.replace(/\/graphql$/, '');
  // The demo's API server already had cluster-2 when its CLI part began.
  await new ClusterAPI({ client }).create({ metadata: { name: 'cluster-2' }, spec: { manager: 'KUBERNETES' } });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('the demo, CLI part', () => {
  const id = randomBytes(4).toString('hex');

  it('skym get clusters', async () => {
    const result = await skym('get', 'clusters');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(['Name       Manager     Resources  Status', 'cluster-2  kubernetes  {}         INIT', ''].join('\n'));
  });

  it('skym get cluster cluster-2', async () => {
    const result = await skym('get', 'cluster', 'cluster-2');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(['Name       Manager     Resources  Status', 'cluster-2  kubernetes  {}         INIT', ''].join('\n'));
  });

  it('skym create cluster skycluster --manager k8', async () => {
    expect(await skym('create', 'cluster', 'skycluster', '--manager', 'k8')).toMatchObject({ code: 0, stdout: 'Created cluster skycluster.\n', stderr: '' });
    expect((await new ClusterAPI({ client }).get('skycluster')).spec.manager).toBe('KUBERNETES');
  });

  it('skym get clusters', async () => {
    const result = await skym('get', 'clusters');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      ['Name        Manager     Resources  Status', 'cluster-2   kubernetes  {}         INIT', 'skycluster  kubernetes  {}         INIT', ''].join('\n'),
    );
  });

  it(`skym create job sky-ID --resources cpu 1 --run "echo Sky!; sleep 10"`, async () => {
    const result = await skym('create', 'job', `sky-${id}`, '--resources', 'cpu', '1', '--run', 'echo Sky!; sleep 10');
    expect(result).toMatchObject({ code: 0, stdout: `Created job sky-${id}.\n`, stderr: '' });
    const job = await new JobAPI({ client }).get(`sky-${id}`);
    expect(job.spec).toMatchObject({ run: 'echo Sky!; sleep 10', resources: { cpu: 1, memory: 0, gpu: 0 }, replicas: 1 });
  });

  it('skym get job sky-ID', async () => {
    const result = await skym('get', 'job', `sky-${id}`);
    expect(result.code).toBe(0);
    // Not placed yet (no controllers run here): no cluster and 0 replicas, as the demo's INIT job.
    expect(result.stdout).toBe(
      [`Name          Cluster  Replicas  Resources  Namespace  Status`, `sky-${id}                  0  cpu: 1     default    PENDING`, ''].join('\n'),
    );
  });

  it('skym get job sky-ID once the scheduler placed it', async () => {
    const jobs = new JobAPI({ client });
    await jobs.updateStatus({ metadata: { name: `sky-${id}` }, status: { phase: 'RUNNING', placements: [{ cluster: 'mluo-cloud', replicas: 1 }] } });
    const result = await skym('get', 'job', `sky-${id}`);
    expect(result.stdout).toBe(
      [`Name          Cluster     Replicas  Resources  Namespace  Status`, `sky-${id}  mluo-cloud         1  cpu: 1     default    RUNNING`, ''].join('\n'),
    );
  });
});

describe('the demo, curl part (REST view)', () => {
  it('GET /clusters lists them as a ClusterList', async () => {
    const response = await fetch(`${base}/clusters`);
    expect(response.status).toBe(200);
    const list = (await response.json()) as { kind: string; items: { kind: string; metadata: { name: string } }[] };
    expect(list.kind).toBe('ClusterList');
    expect(list.items.map((c) => [c.kind, c.metadata.name])).toEqual([
      ['Cluster', 'cluster-2'],
      ['Cluster', 'skycluster'],
    ]);
  });

  it('GET /clusters/cluster-2 is the cluster', async () => {
    const response = await fetch(`${base}/clusters/cluster-2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: 'Cluster', metadata: { name: 'cluster-2' }, spec: { manager: 'KUBERNETES' }, status: { phase: 'INIT' } });
  });

  it('DELETE /clusters/cluster-2, then it is gone with the demo\'s 404', async () => {
    const deleted = await fetch(`${base}/clusters/cluster-2`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ kind: 'Cluster', metadata: { name: 'cluster-2' } });
    const gone = await fetch(`${base}/clusters/cluster-2`);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(JSON.stringify({ error: "Object 'clusters/cluster-2' not found." }));
  });

  it('POST /default/jobs takes the demo\'s job_dict; GET lists and gets it; DELETE removes it', async () => {
    const jobDict = {
      kind: 'Job',
      metadata: { name: 'hello', labels: { testing: 'hello' } },
      spec: { image: 'gcr.io/sky-burst/skyburst:latest', resources: { cpu: 1 }, run: 'echo Sky!' },
    };
    const created = await fetch(`${base}/default/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(jobDict) });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ kind: 'Job', metadata: { name: 'hello', namespace: 'default', labels: { testing: 'hello' } }, spec: { run: 'echo Sky!' } });

    const list = (await (await fetch(`${base}/default/jobs?labelSelector=testing=hello`)).json()) as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe('JobList');
    expect(list.items.map((j) => j.metadata.name)).toEqual(['hello']);
    expect(await (await fetch(`${base}/default/jobs/hello`)).json()).toMatchObject({ metadata: { name: 'hello' } });

    expect((await fetch(`${base}/default/jobs/hello`, { method: 'DELETE' })).status).toBe(200);
    const gone = await fetch(`${base}/default/jobs/hello`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: "Object 'jobs/default/hello' not found." });
  });
});
