/**
 * LeaseLocks over a real API server (leaseStoreOf): of candidates racing for a free lease exactly
 * one wins, the holder renews, a release hands it over at once, and a lock reading from a watch
 * cache behaves the same as one reading from the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer } from '../../src/client/informer.js';
import { LeaseAPI, SkyClient } from '../../src/client/index.js';
import { LeaseLock } from '../../src/controllers/lease-lock.js';
import { leaseStoreOf } from '../../src/controllers/lease-store.js';
import type { Lease } from '../../src/domain/types.js';
import { uniqueName } from '../helpers/api.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

let server: ServerProcess;
let client: SkyClient;
let api: LeaseAPI;

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  api = new LeaseAPI({ client });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('LeaseLock over the API', () => {
  it('one of eight racing candidates wins; it renews; its release hands the lease over at once', async () => {
    const name = uniqueName('leader');
    const store = leaseStoreOf(api);
    const locks = Array.from({ length: 8 }, (_, i) => new LeaseLock({ name, identity: `replica-${i}`, store, leaseDurationMs: 60_000 }));
    const won = await Promise.all(locks.map((lock) => lock.tryAcquireOrRenew()));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = locks[won.indexOf(true)];
    expect((await api.get(name)).spec).toMatchObject({ holderIdentity: winner.identity, leaseDurationSeconds: 60, leaseTransitions: 0 });

    expect(await winner.tryAcquireOrRenew()).toBe(true);
    const other = locks.find((lock) => lock !== winner)!;
    expect(await other.tryAcquireOrRenew()).toBe(false);

    await winner.release();
    expect((await api.get(name)).spec.holderIdentity).toBe('');
    expect(await other.tryAcquireOrRenew()).toBe(true);
    expect((await api.get(name)).spec).toMatchObject({ holderIdentity: other.identity, leaseTransitions: 1 });
  });

  it('reads from a watch cache: a stale cache only costs a CONFLICT, never a second holder', async () => {
    const name = uniqueName('skylet');
    const cache = new Informer<Lease>(api);
    await cache.start();
    try {
      const cached = new LeaseLock({ name, identity: 'cached', store: leaseStoreOf(api, cache), leaseDurationMs: 1_000 });
      const direct = new LeaseLock({ name, identity: 'direct', store: leaseStoreOf(api), leaseDurationMs: 1_000 });
      expect(await direct.tryAcquireOrRenew()).toBe(true);
      // Before the cache has seen the lease it looks free; the create then finds it taken.
      expect(await cached.tryAcquireOrRenew()).toBe(false);
      await until('the cache holds the lease', async () => cache.get(name));
      expect(await cached.tryAcquireOrRenew()).toBe(false);
      expect((await api.get(name)).spec.holderIdentity).toBe('direct');
    } finally {
      await cache.stop();
    }
  });
});
