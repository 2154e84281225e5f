/**
 * The denial-of-service cases of issue 12 against a REAL server process with a token file (the
 * WebSocket caps are api-ws-limits.test.ts's, oversized values api-limits.test.ts's): each attack
 * gets its coded 400 (or 401 when unauthenticated), and while it is in flight /healthz and an
 * ordinary query of another client are answered. The timeouts only prove "did not hang" (before
 * the limits, the alias attack took 19 s, 3,000 conflicting aliases 51 s, and 10,000 duplicate
 * fields did not finish in 120 s, blocking everyone meanwhile); speed figures are bench/dos's.
 * No attack may leave a 500 or an error-level log line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server.js';

const VIEWER = 'viewer-token-0123456789';
const EDITOR = 'editor-token-0123456789';
const HANG_MS = 15_000;

let dir: string;
let server: ServerProcess;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-limits-'));
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, `${VIEWER},vic,1,sky:viewers\n${EDITOR},erin,2,sky:editors\n`);
  server = await startServer({ store: 'memory', tokenAuthFile: tokenFile });
  base = server.url.replace(/\/graphql$/, '');
  // Something for the alias attack to multiply.
  for (let i = 0; i < 50; i++) {
    await send(JSON.stringify({ query: `mutation { createJob(input: {metadata: {name: "j${i}"}, spec: {image: "i", run: "r"}}) { kind } }` }), EDITOR);
  }
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; error?: string };
}

/** One POST to /graphql (or `path`) with a raw body, as the given user (null: no token). */
async function send(body: string, token: string | null = VIEWER, path = '/graphql'): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    signal: AbortSignal.timeout(HANG_MS),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

const query = (text: string, token: string | null = VIEWER) => send(JSON.stringify({ query: text }), token);

/**
 * Sends the attack and, while it is in flight, /healthz and another client's ordinary query;
 * both must be answered, and the attack must be refused with a coded error.
 */
async function whileServingOthers(attack: () => Promise<Answer>): Promise<Answer> {
  const inFlight = attack();
  const [health, ordinary] = await Promise.all([
    fetch(`${base}/healthz`, { signal: AbortSignal.timeout(HANG_MS) }),
    query('{ jobs(namespace: "default") { items { metadata { name } } } }', EDITOR),
  ]);
  expect(health.status).toBe(200);
  expect(ordinary.status).toBe(200);
  expect(ordinary.body.data.jobs.items).toHaveLength(50);
  const answer = await inFlight;
  expect(answer.status).toBeLessThan(500);
  return answer;
}

const limitOf = (answer: Answer) => ({ status: answer.status, code: answer.body.errors?.[0].extensions?.code, limit: answer.body.errors?.[0].extensions?.limit });

const times = (n: number, text: (i: number) => string) => Array.from({ length: n }, (_, i) => text(i)).join(' ');

describe('the attacks of issue 12, each refused while others are served', () => {
  it('10,000 aliases of a list: refused on its length before parsing', async () => {
    const answer = await whileServingOthers(() => query(`{ ${times(10_000, (i) => `a${i}: jobs { items { metadata { name } } }`)} }`));
    expect(limitOf(answer)).toEqual({ status: 400, code: 'GRAPHQL_PARSE_FAILED', limit: { name: 'queryLength', max: 100_000, actual: 438_893 } });
    expect(answer.body.errors?.[0].message).toBe('Document has 438893 characters; at most 100000 are allowed (--max-query-length, SKYM_MAX_QUERY_LENGTH).');
  });

  it('31 aliases: refused by the alias limit before validation', async () => {
    const answer = await whileServingOthers(() => query(`{ ${times(31, (i) => `a${i}: jobs { items { metadata { name } } }`)} }`));
    expect(limitOf(answer)).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: { name: 'aliases', max: 30, actual: 31 } });
  });

  it('3,000 conflicting fields under one alias, and 10,000 duplicate fields: refused on their tokens', async () => {
    const conflicting = await whileServingOthers(() => query(`{ jobs { items { metadata { ${times(3_000, (i) => (i % 2 ? 'a: name' : 'a: uid'))} } } } }`));
    expect(limitOf(conflicting)).toEqual({ status: 400, code: 'GRAPHQL_PARSE_FAILED', limit: { name: 'tokens', max: 2_000, actual: 9_011 } });
    const duplicates = await whileServingOthers(() => query(`{ jobs { items { metadata { ${'name '.repeat(10_000)} } } } }`));
    expect(limitOf(duplicates)).toEqual({ status: 400, code: 'GRAPHQL_PARSE_FAILED', limit: { name: 'tokens', max: 2_000, actual: 10_011 } });
  });

  it('a fragment bomb: refused on its expanded size before validation', async () => {
    const fragments = times(30, (i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`);
    const answer = await whileServingOthers(() => query(`query { ...F30 } fragment F0 on Query { jobs { items { metadata { name } } } } ${fragments}`));
    expect(limitOf(answer)).toMatchObject({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: { name: 'fields', max: 1_000, actual: 4 * 2 ** 30 } });
  });

  it('an unauthenticated 112 KB document of conflicting aliases: 401 before it is read', async () => {
    const big = `{ jobs { items { metadata { ${times(15_000, (i) => (i % 2 ? 'a: name' : 'a: uid'))} } } } }`;
    const answer = await whileServingOthers(() => query(big, null));
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it.each([
    ['selections', `{ ${'jobs { '.repeat(10_000)} kind ${'} '.repeat(10_000)} }`, 'tokens'],
    ['inline fragments', `{ ${'... on Query { '.repeat(10_000)} __typename ${'} '.repeat(10_000)} }`, 'queryLength'],
    ['list literals', `{ jobs(labelSelector: ${'['.repeat(10_000)}${']'.repeat(10_000)}) { kind } }`, 'tokens'],
  ])('%s nested 10,000 deep: 400, not 500', async (_what, text, limit) => {
    const answer = await whileServingOthers(() => query(text));
    expect(limitOf(answer)).toMatchObject({ status: 400, code: 'GRAPHQL_PARSE_FAILED', limit: { name: limit } });
  });

  it('GET /graphql?variables=%7B: 400 BAD_REQUEST naming the parameter', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}&variables=%7B`, {
      headers: { authorization: `Bearer ${VIEWER}` },
      signal: AbortSignal.timeout(HANG_MS),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Answer['body']).errors?.[0].extensions).toEqual({ code: 'BAD_REQUEST', field: 'variables' });
  });

  it('JSON nested 1,000,000 deep in the variables or in a REST body: 400 before it is parsed', async () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const variables = await whileServingOthers(() => send(`{"query": "query($x: [String]) { __typename }", "variables": {"x": ${deep}}}`));
    expect(limitOf(variables)).toEqual({ status: 400, code: 'BAD_REQUEST', limit: { name: 'jsonDepth', max: 64, actual: 1_000_002 } });
    const rest = await whileServingOthers(() => send(`{"metadata": {"name": "deep"}, "spec": ${deep}}`, EDITOR, '/default/jobs'));
    expect(rest).toEqual({ status: 400, body: { error: 'Request body nests JSON 1000001 levels deep; at most 64 are allowed (--max-json-depth, SKYM_MAX_JSON_DEPTH).' } });
  });
});

describe('over WebSocket', () => {
  let client: Client;
  beforeAll(() => {
    client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { token: VIEWER } });
  });
  afterAll(() => client.dispose());

  /** The first result or error of one operation on the shared connection. */
  const first = (text: string, on = client) =>
    new Promise<{ result?: unknown; error?: any }>((resolve) => {
      const stop = on.subscribe({ query: text }, { next: (result) => (stop(), resolve({ result })), error: (error) => resolve({ error }), complete: () => undefined });
    });

  it('an oversized subscription gets its limit as the result, and the socket serves the next one', async () => {
    const refused = await first(`subscription { watchJobs { type } ${times(31, (i) => `a${i}: watchJobs { type }`)} }`);
    expect(refused.error).toEqual([
      {
        message: 'Document has 31 aliases; at most 30 are allowed (--max-aliases, SKYM_MAX_ALIASES).',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: { name: 'aliases', max: 30, actual: 31 } },
      },
    ]);
    expect(await first('subscription { watchJobs(namespace: "default") { type } }')).toEqual({ result: { data: { watchJobs: { type: 'ADDED' } } } });
  });

  it('without a token: UNAUTHENTICATED before the document is parsed, the socket stays up', async () => {
    const anonymous = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    try {
      const refused = await first(`{ jobs { items { metadata { ${times(20_000, (i) => (i % 2 ? 'a: name' : 'a: uid'))} } } } }`, anonymous);
      expect(refused.error).toEqual([expect.objectContaining({ message: expect.stringMatching(/^A bearer token is required/), extensions: { code: 'UNAUTHENTICATED' } })]);
      const again = await first('{ __typename }', anonymous);
      expect(again.error?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    } finally {
      await anonymous.dispose();
    }
  });
});

describe('the server afterwards', () => {
  it('logged no error and answers as before', async () => {
    expect(server.logs()).not.toMatch(/"level":(50|60)/);
    expect((await query('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });
});
