/**
 * Authentication and authorization on a REAL server process started with --token-auth-file, over
 * real HTTP, WebSocket (raw graphql-ws and the typed client) and the REST view: UNAUTHENTICATED
 * (401) without a valid token, FORBIDDEN (403) for what the caller's groups do not allow, the
 * rest as usual. (A server without a token file stays open: every other API test shows that.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, JobAPI, SkyClient, UnauthenticatedError } from '../../src/client/index.js';
import { minimalInput, someStatus, uniqueName } from '../helpers/api.js';
import { documents, post, Watch } from '../helpers/graphql.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const TOKENS = {
  admin: 'admin-token-0123456789',
  controller: 'controller-token-0123456789',
  editor: 'editor-token-0123456789',
  viewer: 'viewer-token-0123456789',
  nobody: 'nobody-token-0123456789',
};

const TOKEN_FILE = `# token,user,uid,"groups"
${TOKENS.admin},root,0,"sky:admins,ops"
${TOKENS.controller},controllers,1,sky:controllers
${TOKENS.editor},erin,2,"team-a,sky:editors"
${TOKENS.viewer},vic,3,sky:viewers
${TOKENS.nobody},nora,4
`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jobs = documents('Job');
const clusters = documents('Cluster');
const leases = documents('Lease');

let dir: string;
let server: ServerProcess;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-auth-'));
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, TOKEN_FILE);
  // At info, so that refusals are logged (and the test can check no token is).
  server = await startServer({ store: 'memory', tokenAuthFile: tokenFile, env: { SKYM_LOG_LEVEL: 'info' } });
  base = server.url.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The request's one error, its code and HTTP status; and no data, no stack trace. */
async function refused(token: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const response = await post(server.url, query, variables, token === undefined ? {} : bearer(token));
  expect(response.data ?? undefined).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  expect(response.text).not.toMatch(/stack|\.js:\d+/);
  expect(response.text).not.toContain(token ?? '\u0000');
  const [error] = response.errors!;
  return { status: response.status, code: error.extensions?.code, message: error.message, extensions: error.extensions };
}

async function allowed(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await post(server.url, query, variables, bearer(token));
  if (response.errors?.length) throw new Error(`expected success, got HTTP ${response.status}: ${response.text}`);
  expect(response.status).toBe(200);
  return response.data!.result;
}

describe('authentication over HTTP', () => {
  it('without a token: UNAUTHENTICATED, HTTP 401 with WWW-Authenticate: Bearer', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ namespaces { items { metadata { name } } } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0].message).toMatch(/^A bearer token is required/);
    expect(body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('with an unknown token, or not a bearer one: UNAUTHENTICATED', async () => {
    expect(await refused('not-a-token', jobs.list)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'The token is not valid.' });
    const basic = await post(server.url, jobs.list, {}, { authorization: `Basic ${Buffer.from('root:x').toString('base64')}` });
    expect(basic.status).toBe(401);
    expect(basic.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('introspection needs a token too, but no group', async () => {
    expect(await refused(undefined, '{ __typename }')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await post(server.url, '{ __typename }', {}, bearer(TOKENS.nobody))).data).toEqual({ __typename: 'Query' });
  });

  it('/healthz, /readyz and the GraphiQL page stay open', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(server.url, { headers: { accept: 'text/html' } })).status).toBe(200);
  });

  it('the REST view’s API description (/openapi.json, /docs) needs a token, as the API does', async () => {
    for (const path of ['/openapi.json', '/docs']) {
      const refusedResponse = await fetch(`${base}${path}`);
      expect(refusedResponse.status).toBe(401);
      expect(refusedResponse.headers.get('www-authenticate')).toBe('Bearer');
      const served = await fetch(`${base}${path}`, { headers: bearer(TOKENS.nobody) });
      expect(served.status).toBe(200);
      await served.body?.cancel();
    }
  });
});

describe('authorization by group over HTTP', () => {
  it('the controllers may create, update and delete a lease; viewers and editors read it and may not write it', async () => {
    const name = uniqueName('leader');
    const spec = { holderIdentity: 'replica-a', leaseDurationSeconds: 15, leaseTransitions: 0 };
    const created = await allowed(TOKENS.controller, leases.create, { input: { metadata: { name }, spec } });
    const renewed = await allowed(TOKENS.controller, leases.update, {
      input: { metadata: { name, resourceVersion: created.metadata.resourceVersion }, spec: { ...spec, renewTime: '2026-12-02T23:30:00.000000Z' } },
    });
    expect(renewed.spec.renewTime).toBe('2026-12-02T23:30:00.000000Z');
    for (const [token, user] of [
      [TOKENS.viewer, 'vic'],
      [TOKENS.editor, 'erin'],
    ]) {
      expect(await allowed(token, leases.get, { name })).toMatchObject({ spec: { holderIdentity: 'replica-a' } });
      expect(await allowed(token, leases.list)).toMatchObject({ kind: 'LeaseList' });
      const take = { input: { metadata: { name, resourceVersion: renewed.metadata.resourceVersion }, spec: { ...spec, holderIdentity: user } } };
      expect(await refused(token, leases.update, take)).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
        message: `User "${user}" may not update leases "${name}".`,
      });
      expect(await refused(token, leases.delete, { name })).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
    expect((await allowed(TOKENS.controller, leases.delete, { name })).metadata.name).toBe(name);
  });

  it('a viewer may list jobs but not create one: FORBIDDEN, HTTP 403, naming user, verb, kind and namespace', async () => {
    expect(await allowed(TOKENS.viewer, jobs.list)).toMatchObject({ kind: 'JobList' });
    const denied = await refused(TOKENS.viewer, jobs.create, { input: minimalInput('Job', uniqueName('v')) });
    expect(denied).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: 'User "vic" may not create jobs in namespace "default".',
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('an editor may create, update and delete a job, but not create a cluster nor write job status', async () => {
    const name = uniqueName('ed');
    const created = await allowed(TOKENS.editor, jobs.create, { input: minimalInput('Job', name) });
    expect(created.metadata.name).toBe(name);
    expect(await refused(TOKENS.editor, clusters.create, { input: minimalInput('Cluster', uniqueName('c')) })).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: 'User "erin" may not create clusters.',
    });
    expect(await refused(TOKENS.editor, jobs.updateStatus, { input: { metadata: { name }, status: someStatus('Job') } })).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: `User "erin" may not update jobs/status "${name}" in namespace "default".`,
    });
    expect((await allowed(TOKENS.editor, jobs.delete, { name })).metadata.name).toBe(name);
  });

  it('an alias or a fragment does not hide a root field', async () => {
    const denied = await refused(TOKENS.editor, 'mutation { ...M } fragment M on Mutation { harmless: deleteNamespace(name: "x") { kind } }');
    expect(denied).toMatchObject({ status: 403, message: 'User "erin" may not delete namespaces "x".' });
  });

  it('a user in no sky group may call nothing but introspection', async () => {
    expect(await refused(TOKENS.nobody, jobs.list)).toMatchObject({
      status: 403,
      message: 'User "nora" may not list jobs in any namespace.',
    });
  });

  it('admins and controllers may do everything', async () => {
    for (const token of [TOKENS.admin, TOKENS.controller]) {
      const cluster = uniqueName('c');
      await allowed(token, clusters.create, { input: minimalInput('Cluster', cluster) });
      const status = await allowed(token, clusters.updateStatus, { input: { metadata: { name: cluster }, status: someStatus('Cluster') } });
      expect(status.status.phase).toBe('READY');
      await allowed(token, clusters.delete, { name: cluster });
      const job = uniqueName('j');
      await allowed(token, jobs.create, { input: minimalInput('Job', job) });
      await allowed(token, jobs.updateStatus, { input: { metadata: { name: job }, status: someStatus('Job') } });
    }
  });

  it('domain FORBIDDEN (the default namespace) is unchanged for those allowed to try', async () => {
    expect(await refused(TOKENS.admin, documents('Namespace').delete, { name: 'default' })).toMatchObject({
      code: 'FORBIDDEN',
      message: "Namespace 'default' cannot be deleted.",
    });
  });

  it('the server logs refusals at info, naming user and field, never a token', () => {
    expect(server.logs()).toMatch(/"user":"vic".*"field":"createJob".*forbidden: User \\"vic\\" may not create jobs/);
    for (const token of [...Object.values(TOKENS), 'not-a-token']) expect(server.logs()).not.toContain(token);
  });
});

describe('WebSocket (graphql-ws)', () => {
  it('a subscription without a token is refused with UNAUTHENTICATED', async () => {
    const watch = new Watch(server.wsUrl, jobs.watch);
    try {
      const error = (await watch.failure()) as { message: string; extensions: Record<string, unknown> }[];
      expect(error).toEqual([expect.objectContaining({ message: expect.stringMatching(/^A bearer token is required/), extensions: { code: 'UNAUTHENTICATED' } })]);
      expect(watch.events).toEqual([]);
    } finally {
      await watch.close();
    }
  });

  it('with a bad token on the upgrade request: UNAUTHENTICATED', async () => {
    const watch = new Watch(server.wsUrl, jobs.watch, {}, { headers: bearer('wrong') });
    try {
      expect(await watch.failure()).toEqual([expect.objectContaining({ message: 'The token is not valid.', extensions: { code: 'UNAUTHENTICATED' } })]);
    } finally {
      await watch.close();
    }
  });

  it.each([
    ['the upgrade request header', { headers: bearer(TOKENS.viewer) }],
    ['connectionParams.authorization', { connectionParams: { authorization: `Bearer ${TOKENS.viewer}` } }],
    ['connectionParams.token', { connectionParams: { token: TOKENS.viewer } }],
  ])('a viewer watches with the token in %s', async (_where, options) => {
    const name = uniqueName('w');
    const watch = new Watch(server.wsUrl, jobs.watch, {}, options);
    try {
      await watch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      await jobsAs(TOKENS.editor).create(minimalInput('Job', name) as never);
      await watch.until((events) => events.some((e) => e.type === 'ADDED' && e.object?.metadata.name === name));
    } finally {
      await watch.close();
    }
  });

  it('a mutation over WebSocket is authorized like over HTTP', async () => {
    const watch = new Watch(server.wsUrl, jobs.create, { input: minimalInput('Job', uniqueName('ws')) }, { connectionParams: { token: TOKENS.viewer } });
    try {
      expect(await watch.failure()).toEqual([expect.objectContaining({ message: expect.stringMatching(/^User "vic" may not create jobs/), extensions: { code: 'FORBIDDEN' } })]);
    } finally {
      await watch.close();
    }
  });
});

/** The typed client's API of Jobs for a token (over HTTP, fetch with the header). */
function jobsAs(token: string) {
  return new JobAPI({ client: new SkyClient({ url: server.url, token }), namespace: 'default' });
}

describe('the typed client', () => {
  it('sends its token on HTTP and WebSocket, and surfaces refusals as typed errors', async () => {
    const viewer = new SkyClient({ url: server.url, token: TOKENS.viewer });
    const anonymous = new SkyClient({ url: server.url, token: '' });
    try {
      const viewerJobs = new JobAPI({ client: viewer, namespace: 'default' });
      expect((await viewerJobs.list()).kind).toBe('JobList');
      await expect(viewerJobs.create(minimalInput('Job', uniqueName('tc')) as never)).rejects.toBeInstanceOf(ForbiddenError);

      const anonymousJobs = new JobAPI({ client: anonymous, namespace: 'default' });
      const listError = await anonymousJobs.list().catch((error: unknown) => error);
      expect(listError).toBeInstanceOf(UnauthenticatedError);
      expect(listError).toMatchObject({ code: 'UNAUTHENTICATED' });

      // watch() with a resourceVersion subscribes at once (no list first): the WebSocket path.
      const { resourceVersion } = await viewerJobs.list();
      const watchError = await (async () => {
        for await (const _event of anonymousJobs.watch({ resourceVersion })) return undefined;
      })().catch((error: unknown) => error);
      expect(watchError).toBeInstanceOf(UnauthenticatedError);
      expect(watchError).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/^A bearer token is required/) });

      const watched = uniqueName('tw');
      const stop = new AbortController();
      const seen = (async () => {
        for await (const event of viewerJobs.watch({ resourceVersion, signal: stop.signal })) if (event.object?.metadata.name === watched) return event.type;
        return undefined;
      })();
      await jobsAs(TOKENS.editor).create(minimalInput('Job', watched) as never);
      expect(await seen).toBe('ADDED');
      stop.abort();
    } finally {
      await viewer.close();
      await anonymous.close();
    }
  });
});

describe('the REST view', () => {
  const rest = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.token ? bearer(init.token) : {}) } });

  it('answers 401 without a token and 403 for what the group may not do, in its {"error": …} shape', async () => {
    const anonymous = await rest('/default/jobs');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: expect.stringMatching(/^A bearer token is required/) });

    const viewerList = await rest('/default/jobs', { token: TOKENS.viewer });
    expect(viewerList.status).toBe(200);
    expect(await viewerList.json()).toMatchObject({ kind: 'JobList' });

    const viewerCreate = await rest('/default/jobs', { method: 'POST', token: TOKENS.viewer, body: JSON.stringify(minimalInput('Job', uniqueName('r'))) });
    expect(viewerCreate.status).toBe(403);
    expect(await viewerCreate.json()).toEqual({ error: 'User "vic" may not create jobs in namespace "default".' });

    const editorCluster = await rest('/clusters', { method: 'POST', token: TOKENS.editor, body: JSON.stringify(minimalInput('Cluster', uniqueName('r'))) });
    expect(editorCluster.status).toBe(403);
    expect(await editorCluster.json()).toEqual({ error: 'User "erin" may not create clusters.' });

    const bad = await rest('/clusters', { token: 'nope' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'The token is not valid.' });
  });
});

describe('the token file', () => {
  it('a malformed one stops the server at start, naming the file and line', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, `${TOKENS.admin},root,0,"sky:admins\n`);
    await expect(startServer({ store: 'memory', tokenAuthFile: bad })).rejects.toThrow(`token file ${bad}:1: a quoted field is not closed`);
  });
});
