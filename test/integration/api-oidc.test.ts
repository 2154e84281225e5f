/**
 * OIDC ID tokens as bearer tokens on a REAL server process (--oidc-issuer, --oidc-audience,
 * --oidc-jwks), over real HTTP and WebSocket: the issuer's keys as a JWKS file, and as a JWKS URL
 * served by a small HTTP server on loopback (beside a token file: both kinds of token work). A
 * valid token's groups decide what its user may do, as a token file's do; an expired or foreign
 * one is UNAUTHENTICATED, and no token ever reaches the logs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalInput, uniqueName } from '../helpers/api.js';
import { documents, post, Watch } from '../helpers/graphql.js';
import { AUDIENCE, createTestIssuer, ISSUER, type TestIssuer } from '../helpers/oidc.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const jobs = documents('Job');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);
const oidcArgs = (jwks: string) => ['--oidc-issuer', ISSUER, '--oidc-audience', AUDIENCE, '--oidc-jwks', jwks, '--bookmark-interval-ms', '200'];

let dir: string;
let issuer: TestIssuer;
/** Every token a test made, so that the logs can be searched for them. */
const issued: string[] = [];

async function token(claims: Parameters<TestIssuer['sign']>[0] = {}, options?: Parameters<TestIssuer['sign']>[1]) {
  const signed = await issuer.sign(claims, options);
  issued.push(signed);
  return signed;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-oidc-'));
  issuer = await createTestIssuer();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The one error of a refused request, after checking it carries no data and not the token. */
async function refusal(server: ServerProcess, credential: string | undefined, query = jobs.list) {
  const response = await post(server.url, query, { namespace: 'default' }, credential === undefined ? {} : bearer(credential));
  expect(response.data ?? undefined).toBeUndefined();
  expect(response.text).not.toContain(credential ?? '\u0000');
  return { status: response.status, code: response.errors?.[0]?.extensions?.code, message: response.errors?.[0]?.message };
}

async function listJobs(server: ServerProcess, credential: string) {
  const response = await post(server.url, jobs.list, { namespace: 'default' }, bearer(credential));
  if (response.errors?.length) throw new Error(`expected success, got HTTP ${response.status}: ${response.text}`);
  return response.data!.result;
}

/** A watch of jobs with the credential in connectionParams (the browser's way) or the upgrade header. */
function watchJobs(server: ServerProcess, credential: string, where: 'connectionParams' | 'header') {
  const options = where === 'header' ? { headers: bearer(credential) } : { connectionParams: { token: credential } };
  return new Watch(server.wsUrl, jobs.watch, { namespace: 'default' }, options);
}

/** The cases both ways of giving the keys must pass. */
function behavesAsOidc(serverOf: () => ServerProcess) {
  it('over HTTP a viewer lists jobs and may not create one; an editor may', async () => {
    const server = serverOf();
    expect((await listJobs(server, await token())).kind).toBe('JobList');
    const name = uniqueName('oidc');
    const create = { input: minimalInput('Job', name) };
    const viewer = await post(server.url, jobs.create, create, bearer(await token()));
    expect(viewer.status).toBe(403);
    expect(viewer.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^User "alice" may not create jobs in namespace "default"/), extensions: { code: 'FORBIDDEN' } });
    const editor = await post(server.url, jobs.create, create, bearer(await token({ sub: 'erin', groups: 'sky:editors' })));
    expect(editor.errors).toBeUndefined();
    expect(editor.data?.result.metadata.name).toBe(name);
  });

  it('over HTTP an expired, foreign or missing token is UNAUTHENTICATED (401)', async () => {
    const server = serverOf();
    expect(await refusal(server, await token({ exp: now() - 120 }))).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The token has expired.' });
    expect(await refusal(server, await token({ aud: 'someone-else' }))).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: `The token's audience is not ${AUDIENCE}.` });
    const impostor = await createTestIssuer(issuer.kid);
    const forged = await impostor.sign({ groups: ['sky:admins'] });
    expect(await refusal(server, forged)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: "The token's signature does not verify." });
    expect(await refusal(server, undefined)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await refusal(server, 'not-a-jwt-0123456789')).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The token is not valid.' });
  });

  it.each(['connectionParams', 'header'] as const)('over WebSocket a viewer watches jobs with the token in the %s', async (where) => {
    const server = serverOf();
    const name = uniqueName('oidcw');
    const watch = watchJobs(server, await token(), where);
    try {
      await watch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      const created = await post(server.url, jobs.create, { input: minimalInput('Job', name) }, bearer(await token({ sub: 'erin', groups: ['sky:editors'] })));
      expect(created.errors).toBeUndefined();
      await watch.until((events) => events.some((e) => e.type === 'ADDED' && e.object?.metadata.name === name));
    } finally {
      await watch.close();
    }
  });

  it.each(['connectionParams', 'header'] as const)('over WebSocket an expired token in the %s is UNAUTHENTICATED', async (where) => {
    const server = serverOf();
    const watch = watchJobs(server, await token({ exp: now() - 120 }), where);
    try {
      expect(await watch.failure()).toEqual([expect.objectContaining({ message: 'The token has expired.', extensions: { code: 'UNAUTHENTICATED' } })]);
      expect(watch.events).toEqual([]);
    } finally {
      await watch.close();
    }
  });

  it('the REST view takes the token too: 200 for a viewer\'s list, 403 for its create, 401 when expired', async () => {
    const server = serverOf();
    const base = server.url.replace(/\/graphql$/, '');
    const rest = async (path: string, credential: string, init: RequestInit = {}) => {
      const response = await fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...bearer(credential) } });
      return { status: response.status, body: await response.json() };
    };
    expect(await rest('/default/jobs', await token())).toMatchObject({ status: 200, body: { kind: 'JobList' } });
    const create = { method: 'POST', body: JSON.stringify(minimalInput('Job', uniqueName('oidcr'))) };
    expect(await rest('/default/jobs', await token(), create)).toMatchObject({ status: 403, body: { error: expect.stringMatching(/^User "alice" may not create jobs in namespace "default"/) } });
    expect(await rest('/default/jobs', await token({ exp: now() - 120 }))).toEqual({ status: 401, body: { error: 'The token has expired.' } });
  });

  it('over WebSocket a mutation is authorized by the token\'s groups', async () => {
    const server = serverOf();
    const watch = new Watch(server.wsUrl, jobs.create, { input: minimalInput('Job', uniqueName('oidcm')) }, { connectionParams: { token: await token() } });
    try {
      expect(await watch.failure()).toEqual([expect.objectContaining({ message: expect.stringMatching(/^User "alice" may not create jobs in namespace "default"/), extensions: { code: 'FORBIDDEN' } })]);
    } finally {
      await watch.close();
    }
  });
}

describe('OIDC with a JWKS file, and no token file', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    const jwks = join(dir, 'jwks.json');
    await writeFile(jwks, JSON.stringify(issuer.jwks));
    // At info, so that refusals are logged (and the test can check no token is).
    server = await startServer({ store: 'memory', extraArgs: oidcArgs(jwks), env: { SKYM_LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  behavesAsOidc(() => server);

  it('logs no token', () => {
    expect(server.logs()).toContain('forbidden');
    for (const signed of issued) expect(server.logs()).not.toContain(signed.split('.')[2]);
  });

  it('a bad JWKS file stops the server at start, naming it', async () => {
    const bad = join(dir, 'bad-jwks.json');
    await writeFile(bad, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    await expect(startServer({ store: 'memory', extraArgs: oidcArgs(bad) })).rejects.toThrow(`--oidc-jwks ${bad}: keys[0] is a symmetric key`);
  });

  it('an issuer without an audience stops the server at start, naming the flags', async () => {
    await expect(startServer({ store: 'memory', extraArgs: ['--oidc-issuer', ISSUER] })).rejects.toThrow('--oidc-audience (SKYM_OIDC_AUDIENCE) is required with --oidc-issuer');
  });
});

describe('OIDC with a JWKS URL, beside a token file', () => {
  const FILE_TOKEN = 'viewer-token-0123456789';
  let keysServer: Server;
  let fetches = 0;
  let server: ServerProcess;

  beforeAll(async () => {
    keysServer = createServer((request, response) => {
      fetches += 1;
      if (request.url !== '/keys') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => keysServer.listen(0, '127.0.0.1', resolve));
    const { port } = keysServer.address() as AddressInfo;
    const tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, `${FILE_TOKEN},vic,3,sky:viewers\n`);
    server = await startServer({ store: 'memory', tokenAuthFile: tokenFile, extraArgs: oidcArgs(`http://127.0.0.1:${port}/keys`) });
  });

  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => (keysServer ? keysServer.close(() => resolve()) : resolve()));
  });

  behavesAsOidc(() => server);

  it('the token file\'s tokens work as before, over HTTP and WebSocket', async () => {
    expect((await listJobs(server, FILE_TOKEN)).kind).toBe('JobList');
    const watch = watchJobs(server, FILE_TOKEN, 'connectionParams');
    try {
      await watch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
    } finally {
      await watch.close();
    }
  });

  it('fetched the keys once, and tokens naming unknown keys do not make it fetch again and again', async () => {
    expect(fetches).toBe(1);
    for (const kid of ['nope-1', 'nope-2', 'nope-3']) {
      expect(await refusal(server, await token({}, { kid }))).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: "The token's key is not among the issuer's signing keys." });
    }
    expect(fetches).toBe(1);
  });
});
