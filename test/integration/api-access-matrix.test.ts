/**
 * The access matrix on a REAL server with a token file: 4 subjects × every kind × every verb ×
 * 2 namespaces, each asked over HTTP and over WebSocket (graphql-ws carries queries and mutations
 * too), and the REST view's routes for the verbs it has. Every answer is compared with what the
 * bindings say; the test counts reads and writes that got through but should have been refused,
 * and refusals that should not have been (both must be 0).
 *
 *   admin   sky:admins                        everything
 *   viewer  sky:viewers                       get, list, watch of everything
 *   editor  RoleBinding of sky-edit in team-a  in team-a: read every namespaced kind, write Jobs,
 *                                             Deployments, FilterPolicies; nothing elsewhere
 *   nobody  no binding                        nothing
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KIND_INFO } from '../../src/domain/kinds.js';
import { KINDS, minimalInput, someStatus } from '../helpers/api.js';
import { data, documents, post, type TestKind } from '../helpers/graphql.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const SUBJECTS = ['admin', 'viewer', 'editor', 'nobody'] as const;
type Subject = (typeof SUBJECTS)[number];
const TOKENS: Record<Subject, string> = {
  admin: 'admin-token-0123456789',
  viewer: 'viewer-token-0123456789',
  editor: 'editor-token-0123456789',
  nobody: 'nobody-token-0123456789',
};
const TOKEN_FILE = `${TOKENS.admin},root,0,sky:admins
${TOKENS.viewer},vic,1,sky:viewers
${TOKENS.editor},erin,2,team-a
${TOKENS.nobody},nora,3
`;
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'updateStatus', 'delete'] as const;
type Verb = (typeof VERBS)[number];
const NAMESPACES = ['team-a', 'team-b'];
const EDITABLE: TestKind[] = ['Job', 'Deployment', 'FilterPolicy'];
const READS: Verb[] = ['get', 'list', 'watch'];

function expected(subject: Subject, kind: TestKind, verb: Verb, namespace: string | undefined): boolean {
  if (subject === 'admin') return true;
  if (subject === 'viewer') return READS.includes(verb);
  if (subject === 'editor') {
    if (!KIND_INFO[kind].namespaced || namespace !== 'team-a') return false;
    return READS.includes(verb) || (EDITABLE.includes(kind) && verb !== 'updateStatus');
  }
  return false;
}

let dir: string;
let server: ServerProcess;
const sockets = new Map<Subject, Client>();
const bearer = (subject: Subject) => ({ authorization: `Bearer ${TOKENS[subject]}` });
/** Cluster-scoped objects share one name space: each cell names its own. */
const nameOf = (kind: TestKind, role: string) => `${KIND_INFO[kind].plural}-${role}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-matrix-'));
  await writeFile(join(dir, 'tokens.csv'), TOKEN_FILE);
  server = await startServer({ store: 'memory', tokenAuthFile: join(dir, 'tokens.csv') });
  const admin = (query: string, variables: Record<string, unknown>) => data(server.url, query, variables, bearer('admin'));
  for (const namespace of NAMESPACES) await admin(documents('Namespace').create, { input: minimalInput('Namespace', namespace) });
  await admin(documents('RoleBinding').create, {
    input: { metadata: { name: 'editors', namespace: 'team-a' }, spec: { subjects: [{ kind: 'Group', name: 'team-a' }], roleRef: { kind: 'ClusterRole', name: 'sky-edit' } } },
  });
  // What each subject reads, updates and deletes, made by the admin in each namespace.
  for (const kind of KINDS) {
    for (const namespace of KIND_INFO[kind].namespaced ? NAMESPACES : [undefined]) {
      for (const role of ['read', ...SUBJECTS.flatMap((s) => [`update-${s}`, `status-${s}`, `delete-${s}`])]) {
        await admin(documents(kind).create, { input: minimalInput(kind, nameOf(kind, role), namespace) });
      }
    }
  }
  for (const subject of SUBJECTS) {
    sockets.set(subject, createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: TOKENS[subject] }, lazy: true, retryAttempts: 0 }));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...sockets.values()].map((s) => s.dispose()));
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Answer {
  forbidden: boolean;
  /** Any other error: the test fails on it, since the matrix is built so that allowed calls succeed. */
  other?: string;
}

function answerOf(errors: readonly { message: string; extensions?: { code?: unknown } }[] | undefined): Answer {
  if (!errors?.length) return { forbidden: false };
  if (errors[0].extensions?.code === 'FORBIDDEN') return { forbidden: true };
  return { forbidden: false, other: errors[0].message };
}

async function overHttp(subject: Subject, query: string, variables: Record<string, unknown>): Promise<Answer> {
  return answerOf((await post(server.url, query, variables, bearer(subject))).errors);
}

/** One result over the subject's WebSocket; a subscription ends after its first. */
function overWs(subject: Subject, query: string, variables: Record<string, unknown>): Promise<Answer> {
  return new Promise((resolve) => {
    let done = false;
    const stop = sockets.get(subject)!.subscribe(
      { query, variables },
      {
        next: (result) => {
          if (done) return;
          done = true;
          resolve(answerOf(result.errors as never));
          queueMicrotask(() => stop());
        },
        error: (error) => {
          if (done) return;
          done = true;
          resolve(answerOf(Array.isArray(error) ? error : [{ message: String(error) }]));
        },
        complete: () => {
          if (!done) resolve({ forbidden: false, other: 'completed without a result' });
        },
      },
    );
  });
}

/** The operation of one cell: its document and variables. Writes use names only this subject and transport touch. */
async function operation(subject: Subject, kind: TestKind, verb: Verb, namespace: string | undefined, transport: string) {
  const docs = documents(kind);
  const ns = namespace === undefined ? {} : { namespace };
  const own = (role: string) => `${nameOf(kind, role)}`;
  switch (verb) {
    case 'get':
      return { query: docs.get, variables: { ...ns, name: nameOf(kind, 'read') } };
    case 'list':
      return { query: docs.list, variables: ns };
    case 'watch':
      return { query: docs.watch, variables: ns };
    case 'create':
      return { query: docs.create, variables: { input: minimalInput(kind, `${nameOf(kind, `new-${subject}`)}-${transport}`, namespace) } };
    case 'update': {
      // The admin reads the version, so the write is a valid compare-and-swap whoever sends it.
      const current = (await data(server.url, docs.get, { ...ns, name: own(`update-${subject}`) }, bearer('admin'))).result;
      const input = minimalInput(kind, own(`update-${subject}`), namespace, { touched: transport });
      return { query: docs.update, variables: { input: { ...input, metadata: { ...(input.metadata as object), resourceVersion: current.metadata.resourceVersion } } } };
    }
    case 'updateStatus':
      return { query: docs.updateStatus, variables: { input: { metadata: { name: own(`status-${subject}`), ...ns }, status: someStatus(kind) } } };
    case 'delete':
      return { query: docs.delete, variables: { ...ns, name: own(`delete-${subject}`) } };
  }
}

it('every subject × kind × verb × namespace is answered as the bindings say, over HTTP and WebSocket', async () => {
  const wronglyAllowed: string[] = [];
  const wronglyRefused: string[] = [];
  const failed: string[] = [];
  let cells = 0;
  for (const transport of ['http', 'ws'] as const) {
    for (const subject of SUBJECTS) {
      for (const kind of KINDS) {
        for (const namespace of KIND_INFO[kind].namespaced ? NAMESPACES : [undefined]) {
          for (const verb of VERBS) {
            // Deletes go once per subject (the object is gone after the first transport).
            if (verb === 'delete' && transport === 'ws') continue;
            const { query, variables } = await operation(subject, kind, verb, namespace, transport);
            const answer = transport === 'http' ? await overHttp(subject, query, variables) : await overWs(subject, query, variables);
            const cell = `${transport} ${subject} ${verb} ${kind}${namespace ? ` in ${namespace}` : ''}`;
            cells += 1;
            const allowed = expected(subject, kind, verb, namespace);
            if (answer.other) failed.push(`${cell}: ${answer.other}`);
            else if (allowed && answer.forbidden) wronglyRefused.push(cell);
            else if (!allowed && !answer.forbidden) wronglyAllowed.push(cell);
          }
        }
      }
    }
  }
  expect({ wronglyAllowed, wronglyRefused, failed }).toEqual({ wronglyAllowed: [], wronglyRefused: [], failed: [] });
  // 5 namespaced kinds × 2 namespaces + 7 cluster-scoped kinds, × 4 subjects, × 7 verbs over HTTP and 6 over WebSocket.
  const places = KINDS.reduce((n, kind) => n + (KIND_INFO[kind].namespaced ? NAMESPACES.length : 1), 0);
  expect(cells).toBe(places * SUBJECTS.length * (VERBS.length + VERBS.length - 1));
}, 300_000);

it('the REST view answers the same: 403 where the bindings refuse, the usual status where they allow', async () => {
  const base = server.url.replace(/\/graphql$/, '');
  const wrong: string[] = [];
  for (const subject of SUBJECTS) {
    for (const kind of KINDS) {
      for (const namespace of KIND_INFO[kind].namespaced ? NAMESPACES : [undefined]) {
        const collection = `${base}${namespace ? `/${namespace}` : ''}/${KIND_INFO[kind].plural}`;
        const requests: [Verb, string, RequestInit][] = [
          ['list', collection, {}],
          ['get', `${collection}/${nameOf(kind, 'read')}`, {}],
          ['create', collection, { method: 'POST', body: JSON.stringify(minimalInput(kind, `${nameOf(kind, `rest-${subject}`)}`, namespace)) }],
        ];
        for (const [verb, url, init] of requests) {
          const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...bearer(subject) } });
          const allowed = expected(subject, kind, verb, namespace);
          if (allowed ? response.status >= 400 : response.status !== 403) wrong.push(`${subject} ${verb} ${url}: HTTP ${response.status} ${await response.text()}`);
        }
      }
    }
  }
  expect(wrong).toEqual([]);
}, 120_000);
