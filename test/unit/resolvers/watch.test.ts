/**
 * watchObjects over a MemoryStore, without GraphQL: the snapshot, bookmarks, and that ending a
 * subscription ends the store watch even while it waits for an event that never comes.
 */
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../src/domain/types.js';
import type { ResolverContext } from '../../../src/resolvers/context.js';
import { clusterResolvers } from '../../../src/resolvers/cluster.js';
import { ensureDefaultNamespace } from '../../../src/resolvers/namespace.js';
import { jobResolvers } from '../../../src/resolvers/workload.js';
import { FUTURE_VERSION_WAIT_MS } from '../../../src/resolvers/watch.js';
import { abortable } from '../../../src/schema/watch.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';
import type { Store, WatchOptions } from '../../../src/storage/store.js';

/** A MemoryStore that counts its open watches. */
class CountingStore extends MemoryStore {
  open = 0;
  override async *watch(options: WatchOptions) {
    this.open++;
    try {
      yield* super.watch(options);
    } finally {
      this.open--;
    }
  }
}

async function setup(bookmarkIntervalMs = 1000) {
  const store = new CountingStore();
  const ctx: ResolverContext & { store: CountingStore } = { store, bookmarkIntervalMs };
  await ensureDefaultNamespace(ctx);
  return ctx;
}

const job = (name: string) => ({ input: { metadata: { name }, spec: {} } });
const summary = (e: WatchEvent) => `${e.type} ${e.object?.metadata.name ?? ''}`.trim();

describe('watchObjects', () => {
  it('sends the snapshot as ADDED, then a BOOKMARK at the list version, then changes', async () => {
    const ctx = await setup();
    await jobResolvers.create(ctx, job('b'));
    await jobResolvers.create(ctx, job('a'));
    const listVersion = await ctx.store.currentResourceVersion();
    const events = abortable((signal) => jobResolvers.watch(ctx, {}, signal));
    const received: WatchEvent[] = [];
    for (let i = 0; i < 3; i++) received.push((await events.next()).value);
    expect(received.map(summary)).toEqual(['ADDED a', 'ADDED b', 'BOOKMARK']);
    expect(received[2].resourceVersion).toBe(listVersion);
    const c = await jobResolvers.create(ctx, job('c'));
    const next = (await events.next()).value as WatchEvent;
    expect([summary(next), next.resourceVersion]).toEqual(['ADDED c', c.metadata.resourceVersion]);
    await events.return!();
  });

  it('ends the store watch when the subscription ends while waiting', async () => {
    const ctx = await setup();
    const from = await ctx.store.currentResourceVersion();
    const events = abortable((signal) => jobResolvers.watch(ctx, { resourceVersion: from }, signal));
    const waiting = events.next(); // nothing will come
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ctx.store.open).toBe(1);
    await events.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(ctx.store.open).toBe(0);
  });

  it('sends BOOKMARKs when the store moves on, never below what it sent, and none when idle', async () => {
    const ctx = await setup(25);
    const from = await ctx.store.currentResourceVersion();
    const events = abortable((signal) => jobResolvers.watch(ctx, { resourceVersion: from }, signal));
    // Writes to another kind: this watcher gets no events, only bookmarks.
    for (const name of ['c1', 'c2', 'c3']) await clusterResolvers.create(ctx, { input: { metadata: { name }, spec: { manager: 'LOCAL' } } });
    const now = await ctx.store.currentResourceVersion();
    const bookmark = (await events.next()).value as WatchEvent;
    expect(bookmark).toEqual({ type: 'BOOKMARK', resourceVersion: now });

    // Nothing changes: no more bookmarks.
    const next = events.next();
    const idle = await Promise.race([next.then(() => 'event'), new Promise((resolve) => setTimeout(() => resolve('quiet'), 150))]);
    expect(idle).toBe('quiet');
    const j = await jobResolvers.create(ctx, job('j'));
    expect(((await next).value as WatchEvent).resourceVersion).toBe(j.metadata.resourceVersion);
    await events.return!();
    expect(ctx.store.open).toBe(0);
  });

  it('fails with GONE from a version older than the history', async () => {
    const store: Store = new MemoryStore({ historyLimit: 2 });
    const ctx: ResolverContext = { store, bookmarkIntervalMs: 1000 };
    await ensureDefaultNamespace(ctx);
    for (const name of ['a', 'b', 'c', 'd']) await jobResolvers.create(ctx, job(name));
    const events = abortable((signal) => jobResolvers.watch(ctx, { resourceVersion: '1' }, signal));
    await expect(events.next()).rejects.toMatchObject({ code: 'GONE' });
  });

  it('fails with GONE from a version the store has not reached, after waiting for it', async () => {
    const ctx = await setup();
    const current = await ctx.store.currentResourceVersion();
    const future = String(BigInt(current) + 1000n);
    const events = abortable((signal) => jobResolvers.watch(ctx, { resourceVersion: future }, signal));
    const started = Date.now();
    await expect(events.next()).rejects.toMatchObject({
      code: 'GONE',
      details: { resourceVersion: future, currentResourceVersion: current, reason: 'TooLarge' },
      message: expect.stringContaining(`resourceVersion ${future} is newer than the store's (${current}, after waiting 3 s)`),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(FUTURE_VERSION_WAIT_MS - 50);
    expect(ctx.store.open).toBe(0);
  });

  it('watches from a version the store reaches while it waits', async () => {
    const ctx = await setup();
    const next = String(BigInt(await ctx.store.currentResourceVersion()) + 1n);
    const events = abortable((signal) => jobResolvers.watch(ctx, { resourceVersion: next }, signal));
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await jobResolvers.create(ctx, job('a')); // takes version `next`, which the watch does not send
    const b = await jobResolvers.create(ctx, job('b'));
    expect(((await first).value as WatchEvent).resourceVersion).toBe(b.metadata.resourceVersion);
    await events.return!();
  });
});
