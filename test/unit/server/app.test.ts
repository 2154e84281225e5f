/**
 * buildApp in-process with a store that breaks: unexpected failures are masked (no message, no
 * stack, no path leaks to the client) while expected ones keep their code, and readiness
 * follows the store.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiServerConfig } from '../../../src/config/api-server.js';
import { buildApp, type App } from '../../../src/server/app.js';
import { createLogger } from '../../../src/server/logger.js';

import { MemoryStore } from '../../../src/storage/memory-store.js';
import type { StoreEvent, WatchOptions } from '../../../src/storage/store.js';
import type { ObjectRef } from '../../../src/domain/object-ref.js';

class BrokenStore extends MemoryStore {
  broken = false;
  override async get(key: ObjectRef) {
    if (this.broken && key.kind === 'Job') throw new Error('disk on fire at /var/lib/secret');
    return super.get(key);
  }
  /** A watch of Jobs fails (a store fault after the subscription's initial list). */
  override async *watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.broken && options.kind === 'Job') throw new Error('watch fell over at /var/lib/secret');
    yield* super.watch(options);
  }
  override async currentResourceVersion() {
    if (this.broken) throw new Error('disk on fire');
    return super.currentResourceVersion();
  }
}

describe('buildApp', () => {
  const store = new BrokenStore();
  let app: App;

  beforeAll(async () => {
    const config = loadApiServerConfig({ port: 0, store: 'memory', logLevel: 'silent' }, {});
    app = buildApp({ config, store, logger: createLogger('silent') });
    await app.start();
  });
  afterAll(async () => {
    await app.stop();
    await store.close();
  });

  const query = async (q: string) => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });
    return { status: response.status, text: await response.text() };
  };

  it('masks unexpected errors and keeps expected ones', async () => {
    expect(app.port).toBeGreaterThan(0);
    expect(app.url).toBe(`http://127.0.0.1:${app.port}/graphql`);
    store.broken = true;
    try {
      const broken = await query('{ job(name: "x") { kind } }');
      const body = JSON.parse(broken.text);
      expect(body.errors[0].message).toBe('Unexpected error.');
      expect(broken.text).not.toMatch(/secret|fire|stack/);
      const expected = JSON.parse((await query('{ cluster(name: "cluster-0") { kind } }')).text);
      expect(expected.errors[0]).toMatchObject({ message: "Object 'clusters/cluster-0' not found.", extensions: { code: 'NOT_FOUND' } });
      const ready = await fetch(app.url.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(503);
      expect(await ready.text()).not.toMatch(/fire/);
    } finally {
      store.broken = false;
    }
    expect((await fetch(app.url.replace('/graphql', '/readyz'))).status).toBe(200);
  });

  /** The messages of one subscription over graphql-ws, until it ends or fails. */
  async function subscribeOverWs(query: string): Promise<{ results: unknown[]; error?: any }> {
    const client = createClient({ url: app.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      return await new Promise((resolve) => {
        const results: unknown[] = [];
        client.subscribe({ query }, { next: (r) => results.push(r), error: (error) => resolve({ results, error }), complete: () => resolve({ results }) });
      });
    } finally {
      await client.dispose();
    }
  }

  it('masks an unexpected failure of a running subscription (GONE keeps its code: api-watch.test.ts)', async () => {
    await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { createJob(input: {metadata: {name: "w"}, spec: {image: "i", run: "r"}}) { kind } }' }),
    });
    store.broken = true;
    try {
      const broken = await subscribeOverWs('subscription { watchJobs { type object { metadata { name } } } }');
      expect(broken.results).toEqual([
        { data: { watchJobs: { type: 'ADDED', object: { metadata: { name: 'w' } } } } },
        { data: { watchJobs: { type: 'BOOKMARK', object: null } } },
      ]);
      expect(broken.error[0].message).toBe('Unexpected error.');
      expect(JSON.stringify(broken.error)).not.toMatch(/secret|fell over|stack/);
    } finally {
      store.broken = false;
    }
  });
});
