/**
 * useDocumentLimits in the app (buildApp in-process, the real plugin list): documents over a limit
 * are refused with HTTP 400 before the standard validation runs, over HTTP and over graphql-ws
 * (where the socket stays up); nesting deeper than the parser can follow is a 400 too; malformed
 * GET parameters are a 400 and no error is logged; a JSON body nested too deeply is refused before
 * it is parsed, for GraphQL and the REST view alike.
 */
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTS } from '../../../src/client/documents.js';
import { loadApiServerConfig, type ApiServerConfigInput } from '../../../src/config/api-server.js';
import { buildApp, type App } from '../../../src/server/app.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** An app on a free port with these limits, logging at info into `lines`. */
async function startApp(limits: Partial<ApiServerConfigInput> = {}) {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
  const store = new MemoryStore();
  const app = buildApp({ config: loadApiServerConfig({ port: 0, store: 'memory', ...limits }, {}), store, logger });
  await app.start();
  return { app, lines, stop: async () => (await app.stop(), await store.close()) };
}

async function post(app: App, query: string, accept = 'application/graphql-response+json, application/json') {
  const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as Body };
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: jobs { items { metadata { name } } }`).join(' ')} }`;

describe('document limits over HTTP', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => (running = await startApp({ maxAliases: 5, maxTokens: 500 })));
  afterAll(() => running.stop());

  it('refuse a document over a limit before validating it: only the limit errors, HTTP 400', async () => {
    // Also asks for a field that does not exist: standard validation would say so; it never runs.
    const { status, body } = await post(running.app, aliases(6).replace('}', '} nope'));
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: 'Document has 6 aliases; at most 5 are allowed (--max-aliases, SKYM_MAX_ALIASES).',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: { name: 'aliases', max: 5, actual: 6 } },
        },
      ],
    });
  });

  it('answer 400 for limits checked at parse and at validation, whichever the client accepts', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*']) {
      const tokens = await post(running.app, aliases(50), accept);
      expect([accept, tokens.status, tokens.body.errors?.[0].extensions]).toEqual([
        accept,
        400,
        { code: 'GRAPHQL_PARSE_FAILED', limit: { name: 'tokens', max: 500, actual: 602 } },
      ]);
      expect((await post(running.app, aliases(6), accept)).status).toBe(400);
    }
  });

  it('keep answering documents within the limits, our clients\' own', async () => {
    const { status, body } = await post(running.app, DOCUMENTS.Job.list.toString());
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ list: { kind: 'JobList', items: [] } });
  });

  it('answer 400, log nothing at error level, for GET parameters that are not JSON', async () => {
    const response = await fetch(`${running.app.url}?query=${encodeURIComponent('{ __typename }')}&variables=%7B`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^The "variables" parameter is not valid JSON/), extensions: { code: 'BAD_REQUEST', field: 'variables' } });
    expect(running.lines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });
});

describe('JSON bodies nested too deeply', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => (running = await startApp({ maxJsonDepth: 10 })));
  afterAll(() => running.stop());

  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const send = async (path: string, body: string, method = 'POST') => {
    const response = await fetch(running.app.url.replace('/graphql', path), { method, headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, body: (await response.json()) as Body & { error?: string } };
  };

  it('are refused before parsing, on /graphql and on the REST view', async () => {
    const graphql = await send('/graphql', `{"query": "query($x: [String]) { __typename }", "variables": {"x": ${deep(100_000)}}}`);
    expect(graphql).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'Request body nests JSON 100002 levels deep; at most 10 are allowed (--max-json-depth, SKYM_MAX_JSON_DEPTH).',
            extensions: { code: 'BAD_REQUEST', limit: { name: 'jsonDepth', max: 10, actual: 100_002 } },
          },
        ],
      },
    });
    const rest = await send('/default/jobs', `{"metadata": {"name": "x"}, "spec": ${deep(100_000)}}`);
    expect(rest).toEqual({ status: 400, body: { error: 'Request body nests JSON 100001 levels deep; at most 10 are allowed (--max-json-depth, SKYM_MAX_JSON_DEPTH).' } });
  });

  it('are refused in the variables of a url-encoded form too, and a form within the limit is read as before', async () => {
    const form = (variables: string) =>
      fetch(running.app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: 'query($x: String) { jobs(labelSelector: $x) { kind } }', variables }).toString(),
      });
    const deepForm = await form(`{"x": ${deep(1_000)}}`);
    expect(deepForm.status).toBe(400);
    expect(((await deepForm.json()) as Body).errors?.[0].extensions).toEqual({ code: 'BAD_REQUEST', limit: { name: 'jsonDepth', max: 10, actual: 1_001 } });
    const fine = await form('{"x": "app=web"}');
    expect(await fine.json()).toEqual({ data: { jobs: { kind: 'JobList' } } });
  });

  it('within the limit, are read as before, with Yoga\'s answers for bodies that are not JSON or not objects', async () => {
    expect(await send('/graphql', JSON.stringify({ query: '{ __typename }' }))).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    expect((await send('/graphql', '{bad')).body.errors?.[0]).toMatchObject({ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } });
    expect(await send('/graphql', '5')).toEqual({ status: 400, body: { errors: [{ message: 'POST body is expected to be object but received number', extensions: { code: 'BAD_REQUEST' } }] } });
    const created = await send('/default/jobs', JSON.stringify({ metadata: { name: 'within' }, spec: { image: 'i', run: 'r' } }));
    expect(created).toMatchObject({ status: 200, body: { metadata: { name: 'within' } } });
  });
});

describe('nesting deeper than the parser follows, with the token limit off', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => (running = await startApp({ maxTokens: 0, maxQueryLength: 0 })));
  afterAll(() => running.stop());

  it.each([
    ['selections', `{ ${'jobs { '.repeat(10_000)} kind ${'} '.repeat(10_000)} }`],
    ['inline fragments', `{ ${'... on Query { '.repeat(10_000)} __typename ${'} '.repeat(10_000)} }`],
    ['list literals', `{ jobs(labelSelector: ${'['.repeat(10_000)}${']'.repeat(10_000)}) { kind } }`],
  ])('is a 400 for %s nested 10,000 deep, not a 500', async (_what, query) => {
    const { status, body } = await post(running.app, query);
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'Document is nested too deeply to be parsed.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]);
    expect(running.lines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });

  it('is a 400 for fragments spreading each other 10,000 deep, not a 500', async () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => `fragment F${i} on Query { ${i === 9_999 ? '__typename' : `...F${i + 1}`} }`);
    const { status, body } = await post(running.app, `{ ...F0 } ${chain.join(' ')}`);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(running.lines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });
});

describe('document limits over graphql-ws', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  let client: Client;
  beforeAll(async () => {
    running = await startApp({ maxDepth: 3 });
    client = createClient({ url: running.app.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  });
  afterAll(async () => {
    await client.dispose();
    await running.stop();
  });

  /** The first result or error of one operation. */
  const first = (query: string) =>
    new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
      const stop = client.subscribe({ query }, { next: (result) => (stop(), resolve({ result })), error: (error) => resolve({ error }), complete: () => undefined });
    });

  it('refuse the operation as its result, without HTTP details, and keep the socket for the next one', async () => {
    const refused = await first('subscription { watchJobs { object { metadata { name } } } }');
    expect(refused.error).toEqual([
      {
        message: 'Document nests fields 4 levels deep; at most 3 are allowed (--max-depth, SKYM_MAX_DEPTH).',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: { name: 'depth', max: 3, actual: 4 } },
      },
    ]);
    expect(await first('subscription { watchJobs { type } }')).toEqual({ result: { data: { watchJobs: { type: 'BOOKMARK' } } } });
  });
});
