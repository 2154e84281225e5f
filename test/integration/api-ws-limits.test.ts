/**
 * WebSocket limits on REAL server processes (raw graphql-transport-ws over `ws`, so that a test can
 * send thousands of subscribe messages at once, stop reading, and see close codes):
 * - 5,000 subscriptions on one socket: the cap is accepted, the rest get TOO_MANY_SUBSCRIPTIONS,
 *   the socket stays up, and a query on another connection is answered meanwhile;
 * - the per-user cap across connections, by address on an open server and by user name with a
 *   token file; completed subscriptions and closed connections free their slots;
 * - connection caps: per user and in all, closed with 1013;
 * - a client that stops reading while events flow is closed with 1008 while another subscriber
 *   still receives every event;
 * and in-process (buildApp), the store's watches going back down once subscriptions end, a
 * connection closes, or a slow client is cut off.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import { buildApp, type App } from '../../src/server/app.js';
import { createLogger } from '../../src/server/logger.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { kindApi, minimalInput, uniqueName } from '../helpers/api.js';
import { data, Watch, type WatchEvent, type WireError } from '../helpers/graphql.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const WATCH = `subscription($namespace: String, $resourceVersion: String) {
  event: watchJobs(namespace: $namespace, resourceVersion: $resourceVersion) { type resourceVersion object { metadata { name annotations } } } }`;
const QUERY = '{ namespaces { items { metadata { name } } } }';

/** One raw graphql-transport-ws connection; counts what arrives per subscription id. */
class RawConnection {
  readonly nexts = new Map<string, number>();
  readonly errors = new Map<string, WireError[]>();
  readonly completed = new Set<string>();
  closed?: { code: number; reason: string };
  private changed = () => {};

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { id?: string; type: string; payload?: any };
      if (message.type === 'next') this.nexts.set(message.id!, (this.nexts.get(message.id!) ?? 0) + 1);
      else if (message.type === 'error') this.errors.set(message.id!, message.payload);
      else if (message.type === 'complete') this.completed.add(message.id!);
      this.changed();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.changed();
    });
    socket.on('error', () => undefined); // a cut-off shows as the close event
  }

  /** Connects and sends connection_init; resolves on connection_ack or on a close by the server. */
  static async open(wsUrl: string, headers?: Record<string, string>): Promise<RawConnection> {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { headers });
    const connection = new RawConnection(socket);
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    const acked = new Promise<void>((resolve) => {
      socket.once('message', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await acked;
    return connection;
  }

  subscribe(id: string, variables: Record<string, unknown> = {}, query = WATCH): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  complete(id: string): void {
    this.socket.send(JSON.stringify({ id, type: 'complete' }));
  }

  /** Stops reading at the TCP level: what the server sends stays in the kernel's buffers, then its own. */
  pause(): void {
    this.tcp().pause();
  }

  resume(): void {
    this.tcp().resume();
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  async until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}: ${this.nexts.size} streams, ${this.errors.size} errors, closed ${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.changed = () => (clearTimeout(timer), resolve());
      });
    }
  }

  close(): void {
    this.socket.terminate();
  }

  private tcp(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }
}

const jobsAt = (url: string) => kindApi(url, 'Job');
const newNamespace = async (url: string) => {
  const name = uniqueName('ns');
  await kindApi(url, 'Namespace').create({ metadata: { name } });
  return name;
};
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/**
 * Subscribes with fresh ids until one is accepted; its id. A slot freed on another connection is
 * free once the server has handled that connection's message or close, a moment later.
 */
async function subscribeOnceFree(connection: RawConnection, namespace: string, prefix: string): Promise<string> {
  for (let attempt = 1; attempt <= 100; attempt++) {
    const id = `${prefix}-${attempt}`;
    connection.subscribe(id, { namespace });
    await connection.until(`${id} answered`, () => connection.nexts.has(id) || connection.errors.has(id));
    if (connection.nexts.has(id)) return id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no slot freed for ${prefix}`);
}

describe('subscriptions per connection (server defaults)', () => {
  let server: ServerProcess;
  beforeAll(async () => (server = await startServer({ store: 'memory' })));
  afterAll(async () => server?.stop());

  it('accepts 100 of 5,000 subscriptions on one socket, refuses the rest with a code, and keeps serving', async () => {
    const ns = await newNamespace(server.url);
    for (const name of ['a', 'b', 'c']) await jobsAt(server.url).create(minimalInput('Job', name, ns));
    const attacker = await RawConnection.open(server.wsUrl);
    try {
      for (const id of ids(1, 5_000)) attacker.subscribe(id, { namespace: ns });
      // Another connection is served while the refusals go out.
      const answered = await data(server.url, QUERY);
      expect(answered.namespaces.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain(ns);

      await attacker.until('4,900 refusals and 100 snapshots', () => attacker.errors.size === 4_900 && attacker.nexts.size === 100 && [...attacker.nexts.values()].every((n) => n === 4));
      expect([...attacker.nexts.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(ids(1, 100));
      expect([...attacker.errors.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(ids(101, 5_000));
      for (const errors of attacker.errors.values()) {
        expect(errors).toEqual([
          {
            message: 'This connection has 100 subscriptions; at most 100 are allowed (--max-subscriptions-per-connection).',
            extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 100 },
          },
        ]);
      }
      // The socket is still up and its 100 subscriptions live.
      expect(attacker.open).toBe(true);
      await jobsAt(server.url).create(minimalInput('Job', 'd', ns));
      await attacker.until('the new job on all 100', () => [...attacker.nexts.values()].every((n) => n === 5));
      expect(attacker.nexts.size).toBe(100);
    } finally {
      attacker.close();
    }
  });
});

describe('subscriptions per address on an open server, and slow consumers', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({
      store: 'memory',
      extraArgs: ['--max-subscriptions-per-connection', '3', '--max-subscriptions-per-user', '5', '--max-send-buffer-bytes', String(1024 * 1024)],
    });
  });
  afterAll(async () => server?.stop());

  it('counts an address over all its connections; completing or closing frees slots', async () => {
    const ns = await newNamespace(server.url);
    const a = await RawConnection.open(server.wsUrl);
    const b = await RawConnection.open(server.wsUrl);
    let c: RawConnection | undefined;
    try {
      for (const id of ids(1, 4)) a.subscribe(id, { namespace: ns });
      await a.until('3 snapshots and a refusal', () => a.nexts.size === 3 && a.errors.size === 1);
      expect(a.errors.get('4')?.[0]?.message).toBe('This connection has 3 subscriptions; at most 3 are allowed (--max-subscriptions-per-connection).');

      for (const id of ids(1, 3)) b.subscribe(id, { namespace: ns });
      await b.until('2 snapshots and a refusal', () => b.nexts.size === 2 && b.errors.size === 1);
      expect(b.errors.get('3')).toEqual([
        { message: 'Address 127.0.0.1 has 5 subscriptions; at most 5 are allowed (--max-subscriptions-per-user).', extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 5 } },
      ]);

      // A completed subscription frees its slot, for any connection of the address.
      a.complete('1');
      await subscribeOnceFree(b, ns, 'after-complete');
      // A closed connection frees all its slots (a's two).
      a.close();
      c = await RawConnection.open(server.wsUrl);
      await subscribeOnceFree(c, ns, 'after-close');
      c.subscribe('second', { namespace: ns });
      c.subscribe('third', { namespace: ns });
      await c.until('one more and a refusal', () => c!.nexts.has('second') && c!.errors.has('third'));
      expect(c.errors.get('third')?.[0]?.message).toBe('Address 127.0.0.1 has 5 subscriptions; at most 5 are allowed (--max-subscriptions-per-user).');
    } finally {
      a.close();
      b.close();
      c?.close();
    }
  });

  it('closes a client that stops reading with 1008, and another subscriber gets every event', async () => {
    const ns = await newNamespace(server.url);
    const slow = await RawConnection.open(server.wsUrl);
    const healthy = new Watch<WatchEvent>(server.wsUrl, WATCH, { namespace: ns });
    try {
      for (const id of ids(1, 3)) slow.subscribe(id, { namespace: ns });
      await slow.until('3 snapshots', () => slow.nexts.size === 3);
      await healthy.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      slow.pause();

      // 3 subscriptions × 200 jobs × 32 KiB: about 19 MiB for the slow client, far past what the
      // kernel buffers on both ends hold and the 1 MiB bound.
      const note = 'x'.repeat(32 * 1024);
      const cutOff = () => server.logs().includes('does not read what it is sent');
      for (let i = 0; i < 200; i++) {
        await jobsAt(server.url).create({ ...minimalInput('Job', `job-${i}`, ns), metadata: { name: `job-${i}`, namespace: ns, annotations: { note } } });
        // Once the server has given up on it (it logs so), the client reads again: what was
        // queued before, then the close frame, which it must get before the close timeout.
        if (cutOff()) slow.resume();
      }
      await healthy.until((events) => events.filter((e) => e.type === 'ADDED').length === 200);
      expect(cutOff()).toBe(true);
      slow.resume();
      await slow.until('the close', () => slow.closed !== undefined);
      expect(slow.closed!.code).toBe(1008);
      expect(slow.closed!.reason).toMatch(/^This client has \d+ bytes unread; at most 1048576 may wait \(--max-send-buffer-bytes\)\.$/);

      // The healthy subscriber goes on.
      await jobsAt(server.url).create(minimalInput('Job', 'after', ns));
      await healthy.until((events) => events.some((e) => e.object?.metadata.name === 'after'));
    } finally {
      slow.close();
      await healthy.close();
    }
  });
});

describe('per-user caps with a token file', () => {
  const TOKENS = { alice: 'alice-token-0123456789', bob: 'bob-token-0123456789' };
  let dir: string;
  let tokenFile: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skym-ws-limits-'));
    tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, `${TOKENS.alice},alice,1,sky:viewers\n${TOKENS.bob},bob,2,sky:viewers\n`);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('caps a user’s subscriptions across connections, and not another user’s', async () => {
    const server = await startServer({ store: 'memory', tokenAuthFile: tokenFile, extraArgs: ['--max-subscriptions-per-user', '2'] });
    const connections: RawConnection[] = [];
    try {
      const [alice1, alice2, bob] = await Promise.all([TOKENS.alice, TOKENS.alice, TOKENS.bob].map((token) => RawConnection.open(server.wsUrl, bearer(token))));
      connections.push(alice1, alice2, bob);
      alice1.subscribe('1', { namespace: 'default' });
      await alice1.until('a snapshot', () => alice1.nexts.has('1'));
      alice2.subscribe('1', { namespace: 'default' });
      alice2.subscribe('2', { namespace: 'default' });
      await alice2.until('one snapshot and one refusal', () => alice2.nexts.has('1') && alice2.errors.has('2'));
      expect(alice2.errors.get('2')?.[0]?.message).toBe('User "alice" has 2 subscriptions; at most 2 are allowed (--max-subscriptions-per-user).');
      bob.subscribe('1', { namespace: 'default' });
      bob.subscribe('2', { namespace: 'default' });
      await bob.until('two snapshots', () => bob.nexts.size === 2);
      expect(bob.errors.size).toBe(0);
    } finally {
      connections.forEach((c) => c.close());
      await server.stop();
    }
  });

  it('closes a connection over the per-user or the total cap with 1013', async () => {
    const server = await startServer({
      store: 'memory',
      tokenAuthFile: tokenFile,
      extraArgs: ['--max-websocket-connections-per-user', '2', '--max-websocket-connections', '3'],
    });
    const connections: RawConnection[] = [];
    const open = async (token: string) => {
      const connection = await RawConnection.open(server.wsUrl, bearer(token));
      connections.push(connection);
      return connection;
    };
    try {
      await open(TOKENS.alice);
      await open(TOKENS.alice);
      const third = await open(TOKENS.alice);
      await third.until('the close', () => third.closed !== undefined);
      expect(third.closed).toEqual({ code: 1013, reason: 'User "alice" has 2 WebSocket connections; at most 2 are allowed (--max-websocket-connections-per-user).' });
      const bob = await open(TOKENS.bob);
      expect(bob.open).toBe(true);
      const fourth = await open(TOKENS.bob);
      await fourth.until('the close', () => fourth.closed !== undefined);
      expect(fourth.closed).toEqual({ code: 1013, reason: 'The server has 3 WebSocket connections; at most 3 are allowed (--max-websocket-connections).' });
      // HTTP is not affected.
      expect((await data(server.url, QUERY, {}, bearer(TOKENS.bob))).namespaces.items.length).toBeGreaterThan(0);
    } finally {
      connections.forEach((c) => c.close());
      await server.stop();
    }
  });
});

describe('store watches are given back (buildApp in-process)', () => {
  /** The memory store's registered watchers: what a subscription's store watch holds. */
  class CountingStore extends MemoryStore {
    get watches(): number {
      return this['watchers'].size;
    }
  }
  const store = new CountingStore();
  let app: App;
  let wsUrl: string;

  beforeAll(async () => {
    const config = loadApiServerConfig({ port: 0, store: 'memory', logLevel: 'silent', maxSubscriptionsPerConnection: 50, maxSendBufferBytes: 1024 * 1024 }, {});
    app = buildApp({ config, store, logger: createLogger('silent') });
    await app.start();
    wsUrl = app.url.replace(/^http/, 'ws');
  });
  afterAll(async () => {
    await app?.stop();
    await store.close();
  });

  const watchesBackTo = async (count: number) => {
    for (let i = 0; i < 200 && store.watches !== count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.watches).toBe(count);
  };

  it('when subscriptions complete and when a connection closes', async () => {
    const ns = await newNamespace(app.url);
    const baseline = store.watches;
    const connection = await RawConnection.open(wsUrl);
    try {
      for (const id of ids(1, 60)) connection.subscribe(id, { namespace: ns });
      await connection.until('50 snapshots and 10 refusals', () => connection.nexts.size === 50 && connection.errors.size === 10);
      await watchesBackTo(baseline + 50);
      for (const id of ids(1, 20)) connection.complete(id);
      await watchesBackTo(baseline + 30);
      connection.close();
      await watchesBackTo(baseline);
    } finally {
      connection.close();
    }
  });

  it('when a client that stops reading is cut off', async () => {
    const ns = await newNamespace(app.url);
    const baseline = store.watches;
    const slow = await RawConnection.open(wsUrl);
    try {
      for (const id of ids(1, 20)) slow.subscribe(id, { namespace: ns });
      await slow.until('20 snapshots', () => slow.nexts.size === 20);
      await watchesBackTo(baseline + 20);
      slow.pause();
      const note = 'x'.repeat(32 * 1024);
      for (let i = 0; i < 60 && slow.closed === undefined && store.watches > baseline; i++) {
        await jobsAt(app.url).create({ ...minimalInput('Job', `job-${i}`, ns), metadata: { name: `job-${i}`, namespace: ns, annotations: { note } } });
      }
      // The paused client never answers the close frame: its socket is destroyed after the close
      // timeout, and its subscriptions end with it.
      await watchesBackTo(baseline);
    } finally {
      slow.close();
    }
  });
});
