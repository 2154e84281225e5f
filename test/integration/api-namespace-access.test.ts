/**
 * Access per namespace on a REAL server with a token file: Roles and RoleBindings written through
 * the API decide who may do what where, over HTTP, WebSocket and the REST view. A team-a user
 * writes in team-a only; lists and watches over all namespaces show team-a's objects alone (no
 * team-b event is ever sent, counted); a RoleBinding added later takes effect without a restart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, JobAPI, NamespaceAPI, RoleAPI, RoleBindingAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const TOKENS = { admin: 'admin-token-0123456789', alice: 'alice-token-0123456789', bob: 'bob-token-0123456789', carol: 'carol-token-0123456789' };
const TOKEN_FILE = `${TOKENS.admin},root,0,sky:admins
${TOKENS.alice},alice,1,team-a
${TOKENS.bob},bob,2,team-b
${TOKENS.carol},carol,3,"team-a,team-b"
`;

let dir: string;
let server: ServerProcess;
const clients: SkyClient[] = [];
const clientOf = (token: string) => {
  const client = new SkyClient({ url: server.url, token });
  clients.push(client);
  return client;
};
const jobsOf = (token: string, namespace: string) => new JobAPI({ client: clientOf(token), namespace });
const job = (name: string) => ({ metadata: { name }, spec: { run: 'true' } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-ns-access-'));
  await writeFile(join(dir, 'tokens.csv'), TOKEN_FILE);
  server = await startServer({ store: 'memory', tokenAuthFile: join(dir, 'tokens.csv') });
  const admin = clientOf(TOKENS.admin);
  for (const team of ['team-a', 'team-b']) {
    await new NamespaceAPI({ client: admin }).create({ metadata: { name: team } });
    await new RoleAPI({ client: admin, namespace: team }).create({
      metadata: { name: 'submitter' },
      spec: { rules: [{ verbs: ['get', 'list', 'watch', 'create', 'delete'], resources: ['jobs'], resourceNames: [] }] },
    });
    await new RoleBindingAPI({ client: admin, namespace: team }).create({
      metadata: { name: 'team' },
      spec: { subjects: [{ kind: 'Group', name: team }], roleRef: { kind: 'Role', name: 'submitter' } },
    });
  }
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('access per namespace', () => {
  it("a team writes in its namespace only, and is told the verb, kind and namespace it may not", async () => {
    await jobsOf(TOKENS.alice, 'team-a').create(job('a-1'));
    const refused = await jobsOf(TOKENS.alice, 'team-b').create(job('a-2')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toBe('User "alice" may not create jobs in namespace "team-b".');
    await expect(jobsOf(TOKENS.bob, 'team-a').delete('a-1')).rejects.toThrow('User "bob" may not delete jobs "a-1" in namespace "team-a".');
    // Nothing of another kind: the Role names jobs alone.
    await expect(new RoleAPI({ client: clientOf(TOKENS.alice), namespace: 'team-a' }).list()).rejects.toThrow('User "alice" may not list roles in namespace "team-a".');
  });

  it("lists and watches over all namespaces show only the caller's namespaces: no team-b event arrives", async () => {
    await jobsOf(TOKENS.bob, 'team-b').create(job('b-1'));
    const all = await jobsOf(TOKENS.alice, 'team-a').list({ allNamespaces: true });
    expect(new Set(all.items.map((j) => j.metadata.namespace))).toEqual(new Set(['team-a']));

    const stop = new AbortController();
    const seen: Job[] = [];
    const watching = (async () => {
      for await (const event of jobsOf(TOKENS.alice, 'team-a').watch({ allNamespaces: true, resourceVersion: all.resourceVersion, signal: stop.signal })) {
        if (event.object) seen.push(event.object);
      }
    })();
    const bob = jobsOf(TOKENS.bob, 'team-b');
    for (let i = 0; i < 20; i++) await bob.create(job(`b-burst-${i}`));
    await jobsOf(TOKENS.alice, 'team-a').create(job('a-last'));
    await until('alice sees her last job', async () => seen.some((j) => j.metadata.name === 'a-last'));
    stop.abort();
    await watching;
    expect(seen.filter((j) => j.metadata.namespace !== 'team-a')).toHaveLength(0);
    expect(seen.map((j) => j.metadata.name)).toEqual(['a-last']);
  });

  it('a user of two namespaces watches both over all namespaces, and nothing of a third', async () => {
    await new NamespaceAPI({ client: clientOf(TOKENS.admin) }).create({ metadata: { name: 'team-c' } });
    const jobsOfCarol = jobsOf(TOKENS.carol, 'team-a');
    const { resourceVersion } = await jobsOfCarol.list({ allNamespaces: true });
    const stop = new AbortController();
    const seen: Job[] = [];
    const watching = (async () => {
      for await (const event of jobsOfCarol.watch({ allNamespaces: true, resourceVersion, signal: stop.signal })) if (event.object) seen.push(event.object);
    })();
    await jobsOf(TOKENS.admin, 'team-c').create(job('c-1'));
    await jobsOf(TOKENS.admin, 'team-b').create(job('b-carol'));
    await jobsOf(TOKENS.admin, 'team-a').create(job('a-carol'));
    await until('carol sees team-a and team-b', async () => seen.some((j) => j.metadata.name === 'a-carol') && seen.some((j) => j.metadata.name === 'b-carol'));
    stop.abort();
    await watching;
    expect(seen.map((j) => j.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
  });

  it('the REST view refuses the other namespace with 403 and lists only what may be seen', async () => {
    const base = server.url.replace(/\/graphql$/, '');
    const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKENS.alice}` } });
    expect((await get('/team-a/jobs')).status).toBe(200);
    const other = await get('/team-b/jobs');
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ error: 'User "alice" may not list jobs in namespace "team-b".' });
  });

  it('a RoleBinding added later takes effect without a restart, and removing it takes it back', async () => {
    const admin = clientOf(TOKENS.admin);
    const bindings = new RoleBindingAPI({ client: admin, namespace: 'team-b' });
    await bindings.create({ metadata: { name: 'guest-alice' }, spec: { subjects: [{ kind: 'User', name: 'alice' }], roleRef: { kind: 'Role', name: 'submitter' } } });
    const aliceInB = jobsOf(TOKENS.alice, 'team-b');
    await until('alice may create in team-b', async () => (await aliceInB.create(job('guest')).then(() => true, () => false)));
    await bindings.delete('guest-alice');
    await until('alice may not any more', async () => (await aliceInB.create(job('guest-2')).then(() => false, (e: unknown) => e instanceof ForbiddenError)));
  });
});

describe('skym auth and skym create role/rolebinding', () => {
  const skym = (token: string, ...args: string[]) => runSkym([...args, '--api', server.url], { env: { SKYM_TOKEN: token } });

  it('whoami names the user and groups; can-i answers yes (exit 0) or no (exit 1) with why', async () => {
    expect(await skym(TOKENS.alice, 'auth', 'whoami')).toMatchObject({ code: 0, stdout: 'User: alice\nGroups: team-a\n' });
    expect(await skym(TOKENS.alice, 'auth', 'can-i', 'create', 'jobs', '-n', 'team-a')).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await skym(TOKENS.alice, 'auth', 'can-i', 'create', 'jobs', '-n', 'team-b')).toMatchObject({
      code: 1,
      stdout: 'no (no binding allows create jobs in namespace "team-b")\n',
    });
    expect(await skym(TOKENS.alice, 'auth', 'can-i', 'list', 'jobs', '-A')).toMatchObject({ code: 1 });
    expect(await skym(TOKENS.admin, 'auth', 'can-i', 'delete', 'clusters', 'cloud')).toMatchObject({ code: 0, stdout: 'yes\n' });
    const bad = await skym(TOKENS.alice, 'auth', 'can-i', 'read', 'jobs');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"read" is not a verb');
  });

  it('an admin gives bob team-a through the CLI; bob may then create there', async () => {
    expect(await skym(TOKENS.admin, 'create', 'role', 'viewer', '-n', 'team-a', '--verb', 'get,list,watch', '--resource', 'jobs,jobs/log')).toMatchObject({ code: 0, stdout: 'Created role viewer in namespace team-a.\n' });
    expect(await skym(TOKENS.admin, 'create', 'rolebinding', 'bob-submits', '-n', 'team-a', '--role', 'submitter', '--user', 'bob')).toMatchObject({ code: 0 });
    const listed = await skym(TOKENS.admin, 'get', 'rolebindings', '-n', 'team-a');
    expect(listed.stdout).toMatch(/bob-submits\s+team-a\s+Role\/submitter\s+User:bob/);
    await until('bob may create in team-a', async () => (await skym(TOKENS.bob, 'auth', 'can-i', 'create', 'jobs', '-n', 'team-a')).code === 0);
    expect((await skym(TOKENS.bob, 'create', 'job', 'from-bob', '-n', 'team-a', '--run', 'true')).code).toBe(0);
    // A binding needs someone to give its role to; a Role is not for a ClusterRoleBinding.
    expect((await skym(TOKENS.admin, 'create', 'rolebinding', 'nobody', '-n', 'team-a', '--role', 'submitter')).stderr).toContain('at least one --user or --group');
    expect((await skym(TOKENS.alice, 'create', 'rolebinding', 'mine', '-n', 'team-a', '--role', 'submitter', '--user', 'alice')).stderr).toContain(
      'User "alice" may not create rolebindings in namespace "team-a".',
    );
  });
});
