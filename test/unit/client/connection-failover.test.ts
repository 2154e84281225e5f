/**
 * SkyClient's choice of server, against small HTTP servers in this process that answer, refuse
 * (a closed port) or read the request and drop the connection, and for watches two API apps in
 * this process sharing one store. The real thing (API servers on etcd, one SIGKILLed under load)
 * is test/integration/api-ha.test.ts.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionError, JobAPI, SkyClient, type WatchEvent } from '../../../src/client/index.js';
import { loadApiServerConfig } from '../../../src/config/api-server.js';
import { buildApp, type App } from '../../../src/server/app.js';
import { createLogger } from '../../../src/server/logger.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

const QUERY = '{ __typename }';
const MUTATION = 'mutation { deleteJob(name: "x") { kind } }';

/** Answers every request with a GraphQL result, counting them. */
async function answering() {
  const server = http.createServer((request, response) => {
    state.requests++;
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { __typename: 'Query' } })));
  });
  const state = { url: await listen(server), requests: 0, close: () => new Promise((resolve) => server.close(resolve)) };
  return state;
}

/** Reads the request, then resets the connection without answering: as a server killed mid-request. */
async function dropping() {
  const server = net.createServer((socket) => socket.once('data', () => ((state.requests++, socket.resetAndDestroy()))));
  const state = { url: await listen(server), requests: 0, close: () => new Promise((resolve) => server.close(resolve)) };
  return state;
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`;
}

/** A port nothing listens on: connecting is refused. */
async function refusedUrl(): Promise<string> {
  const probe = net.createServer();
  const url = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return url;
}

let good: Awaited<ReturnType<typeof answering>>;
let dropper: Awaited<ReturnType<typeof dropping>>;
let refused: string;

beforeAll(async () => {
  [good, dropper, refused] = await Promise.all([answering(), dropping(), refusedUrl()]);
});
afterAll(async () => {
  await Promise.all([good.close(), dropper.close()]);
});

describe('SkyClient with several servers', () => {
  it('takes them from urls, or from url and SKYM_API as a comma-separated list', () => {
    expect(new SkyClient({ urls: ['a:1', 'http://b:2/graphql'] }).urls).toEqual(['http://a:1/graphql', 'http://b:2/graphql']);
    expect(new SkyClient({ url: 'a:1,b:2' }).urls).toEqual(['http://a:1/graphql', 'http://b:2/graphql']);
    const client = new SkyClient({ url: 'a:1,b:2' });
    expect([client.url, client.wsUrl]).toEqual(['http://a:1/graphql', 'ws://a:1/graphql']);
    expect(() => new SkyClient({ urls: [] })).toThrow('urls is empty: give at least one API server');
    expect(() => new SkyClient({ urls: ['a:1', 'ftp://b'] })).toThrow('API server 2 of 2 in "a:1,ftp://b": "ftp://b" must be an http:// or https:// URL, not ftp:');
  });

  it('sends a query to the next server when one refuses, and stays with the one that answered', async () => {
    const client = new SkyClient({ urls: [refused, good.url] });
    const before = good.requests;
    await expect(client.request(QUERY, {})).resolves.toEqual({ __typename: 'Query' });
    expect(client.url).toBe(good.url);
    await client.request(QUERY, {});
    expect(good.requests - before).toBe(2);
  });

  it('sends a query to the next server when one drops it after reading it', async () => {
    const client = new SkyClient({ urls: [dropper.url, good.url] });
    const [dropped, answered] = [dropper.requests, good.requests];
    await expect(client.request(QUERY, {})).resolves.toEqual({ __typename: 'Query' });
    expect([dropper.requests - dropped, good.requests - answered]).toEqual([1, 1]);
  });

  it('sends a mutation to the next server only when it never reached one', async () => {
    const refusedFirst = new SkyClient({ urls: [refused, good.url] });
    const before = good.requests;
    await refusedFirst.request(MUTATION, {});
    expect(good.requests - before).toBe(1);

    // Read by a server that then died: it may have been applied there, so it is not resent.
    const droppedFirst = new SkyClient({ urls: [dropper.url, good.url] });
    const [dropped, answered] = [dropper.requests, good.requests];
    const error = await droppedFirst.request(MUTATION, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ url: dropper.url, mayHaveBeenApplied: true });
    expect((error as Error).message).toMatch(/was lost after the request was sent \(ECONNRESET\): the change may or may not have been made/);
    expect([dropper.requests - dropped, good.requests - answered]).toEqual([1, 0]);
    // The caller's next request (reading the object again) goes to the other server.
    expect(droppedFirst.url).toBe(good.url);
    await droppedFirst.request(QUERY, {});
    expect(good.requests - answered).toBe(1);
  });

  it('names every server when none answers, trying each once', async () => {
    const other = await refusedUrl();
    const error = await new SkyClient({ urls: [refused, other] }).request(QUERY, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).unreachable).toEqual([
      { url: refused, reason: 'ECONNREFUSED' },
      { url: other, reason: 'ECONNREFUSED' },
    ]);
  });

  it('gives up on a server that does not answer within requestTimeoutMs', async () => {
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => held.add(socket));
    const url = await listen(silent);
    try {
      const client = new SkyClient({ urls: [url, good.url], requestTimeoutMs: 200 });
      await expect(client.request(QUERY, {})).resolves.toEqual({ __typename: 'Query' });
      const mutation = await new SkyClient({ urls: [url, good.url], requestTimeoutMs: 200 }).request(MUTATION, {}).catch((e: unknown) => e);
      expect(mutation).toMatchObject({ url, mayHaveBeenApplied: true, unreachable: [{ url, reason: 'no answer within 200 ms' }] });
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('SkyClient watches with several servers', () => {
  // Two API apps on one store: what two servers on one etcd look like to a client.
  const store = new MemoryStore();
  const apps: App[] = [];
  const startApp = async () => {
    const app = buildApp({ config: loadApiServerConfig({ port: 0, store: 'memory', logLevel: 'silent' }, {}), store, logger: createLogger('silent') });
    await app.start();
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await store.close();
  });

  const line = (e: WatchEvent) => `${e.type} ${e.object?.metadata.name} ${e.resourceVersion}`;

  it('starts on the next server at once when the first refuses, and resumes on the other when its server goes', async () => {
    const [one, two] = [await startApp(), await startApp()];
    const writer = new JobAPI({ client: new SkyClient({ url: two.url }) });
    const from = (await writer.list()).resourceVersion;
    const watcher = new SkyClient({ urls: [refused, one.url, two.url] });
    const stop = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of new JobAPI({ client: watcher }).watch({ resourceVersion: from, signal: stop.signal })) if (event.type !== 'BOOKMARK') seen.push(line(event));
    })();
    const expected: string[] = [];
    const write = async (name: string) => {
      const job = await writer.create({ metadata: { name }, spec: { run: 'true' } });
      expected.push(`ADDED ${name} ${job.metadata.resourceVersion}`);
    };
    try {
      for (const name of ['a', 'b']) await write(name);
      await vi.waitFor(() => expect(seen).toEqual(expected));
      expect(watcher.url).toBe(one.url);

      apps.splice(apps.indexOf(one), 1);
      await one.stop();
      for (const name of ['c', 'd']) await write(name);
      await vi.waitFor(() => expect(seen).toEqual(expected));
      expect(watcher.url).toBe(two.url);
    } finally {
      stop.abort();
      await done;
      await watcher.close();
    }
  });

  it('fails at once when no server answers, having tried each', async () => {
    const other = await refusedUrl();
    const watcher = new SkyClient({ urls: [refused, other] });
    const events = new JobAPI({ client: watcher }).watch({ resourceVersion: '1' });
    await expect(events.next()).rejects.toBeInstanceOf(ConnectionError);
    expect(watcher.url).toBe(refused); // tried both, back to the first
    await watcher.close();
  });
});
