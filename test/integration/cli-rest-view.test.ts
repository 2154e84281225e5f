/**
 * The REST view (src/server/use-rest-view.ts) on a real API server, for the original demo's curl
 * users: every kind's paths, the demo's shapes and its errors. Requests are plain fetch, as curl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let base: string;

type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  base = server.url.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await server?.stop();
});

describe('REST view', () => {
  it('global kinds: POST, GET list and one, PUT (update and status), DELETE', async () => {
    const created = await call('POST', '/clusters', { kind: 'Cluster', metadata: { name: 'rest-c', labels: { env: 'prod' } }, spec: { manager: 'LOCAL' } });
    expect(created).toMatchObject({ status: 200, body: { kind: 'Cluster', metadata: { name: 'rest-c', labels: { env: 'prod' } } } });

    const list = await call('GET', '/clusters?labelSelector=env=prod');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ kind: 'ClusterList', resourceVersion: expect.any(String) });
    expect(list.body.items.map((c: Json) => c.metadata.name)).toEqual(['rest-c']);

    // PUT the object as GET returned it, changed: status and server-owned fields ride along harmlessly.
    const got = (await call('GET', '/clusters/rest-c')).body;
    const updated = await call('PUT', '/clusters', { ...got, spec: { manager: 'LOCAL', local: { cpu: 2 } } });
    expect(updated).toMatchObject({ status: 200, body: { spec: { local: { cpu: 2 } }, metadata: { generation: 2 } } });

    const status = await call('PUT', '/clusters/rest-c/status', { status: { phase: 'READY', capacity: { cpu: 2 } } });
    expect(status).toMatchObject({ status: 200, body: { status: { phase: 'READY', capacity: { cpu: 2 } } } });

    expect(await call('DELETE', '/clusters/rest-c')).toMatchObject({ status: 200, body: { metadata: { name: 'rest-c' } } });
    expect(await call('GET', '/clusters/rest-c')).toEqual({ status: 404, body: { error: "Object 'clusters/rest-c' not found." } });
  });

  it('namespaced kinds live under /NAMESPACE/, which the body cannot contradict', async () => {
    expect((await call('POST', '/namespaces', { metadata: { name: 'rest-ns' } })).status).toBe(200);
    const policy = await call('POST', '/rest-ns/filterpolicies', { kind: 'FilterPolicy', metadata: { name: 'p' }, spec: { clusterFilter: { exclude: ['x'] } } });
    expect(policy).toMatchObject({ status: 200, body: { metadata: { name: 'p', namespace: 'rest-ns' }, spec: { clusterFilter: { exclude: ['x'] } } } });
    const deployment = await call('POST', '/rest-ns/deployments', { metadata: { name: 'web' }, spec: { image: 'nginx', replicas: 2 } });
    expect(deployment).toMatchObject({ status: 200, body: { kind: 'Deployment', metadata: { namespace: 'rest-ns' } } });
    expect((await call('GET', '/rest-ns/deployments')).body.items).toHaveLength(1);
    expect((await call('GET', '/default/deployments')).body.items).toHaveLength(0);

    expect(await call('POST', '/rest-ns/jobs', { metadata: { name: 'j', namespace: 'default' }, spec: { run: 'x' } })).toEqual({
      status: 400,
      body: { error: 'metadata.namespace is "default" but the path says "rest-ns"' },
    });
  });

  it('what the CLI created, curl sees, and the other way round', async () => {
    await runSkym(['create', 'job', 'from-cli', '--resources', 'cpu', '1', '--run', 'echo Sky!'], { api: server.url });
    expect((await call('GET', '/default/jobs/from-cli')).body).toMatchObject({ spec: { run: 'echo Sky!', resources: { cpu: 1 } } });
    await call('POST', '/default/jobs', { kind: 'Job', metadata: { name: 'from-curl' }, spec: { run: 'echo hi' } });
    expect((await runSkym(['get', 'job', 'from-curl'], { api: server.url })).stdout).toContain('from-curl');
  });

  it('API errors keep their message and get the HTTP status of their code', async () => {
    await call('POST', '/clusters', { metadata: { name: 'dup' }, spec: { manager: 'LOCAL' } });
    expect(await call('POST', '/clusters', { metadata: { name: 'dup' }, spec: { manager: 'LOCAL' } })).toEqual({ status: 409, body: { error: "Object 'clusters/dup' already exists." } });
    const stale = await call('PUT', '/clusters', { metadata: { name: 'dup', resourceVersion: '1' }, spec: { manager: 'LOCAL' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^Object 'clusters\/dup' has been modified/);
    const bad = await call('POST', '/default/jobs', { metadata: { name: 'bad' }, spec: { replicas: -1 } });
    expect(bad).toEqual({ status: 400, body: { error: 'input.spec.replicas: must be at least 1, got -1' } });
    expect((await call('POST', '/default/jobs', '{not json')).status).toBe(400);
    // A broken %-escape in a name is the caller's mistake, not a 500 with a stack trace.
    for (const path of ['/default/jobs/%E0%A4%A', '/clusters/%zz']) {
      const response = await call('GET', path);
      expect(response).toEqual({ status: 400, body: { error: `The path ${path} has a malformed %-escape.` } });
    }
  });

  it('does not offer SOFA\'s subscription webhooks (they would make the server call any URL)', async () => {
    expect(await call('POST', '/webhook', { subscription: 'watchJobs', url: 'http://127.0.0.1:9/' })).toEqual({ status: 404, body: { error: 'Not found: POST /webhook' } });
  });

  it('leaves GraphQL and the health checks where they were', async () => {
    const graphql = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ namespaces { kind } }' }) });
    expect(await graphql.json()).toEqual({ data: { namespaces: { kind: 'NamespaceList' } } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
