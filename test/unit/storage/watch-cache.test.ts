import { describe, expect, it } from 'vitest';
import { GoneError } from '../../../src/domain/errors.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';
import type { StoreEvent, WatchOptions } from '../../../src/storage/store.js';
import { WatchCache } from '../../../src/storage/watch-cache.js';
import { makeCluster } from '../../fixtures/store-objects.js';

/** A MemoryStore that counts the watches opened on it. */
class CountingStore extends MemoryStore {
  watches = 0;
  override watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    this.watches++;
    return super.watch(options);
  }
}

async function take(events: AsyncIterable<StoreEvent>, count: number): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of events) {
    seen.push(`${event.type} ${event.object.metadata.name} ${event.resourceVersion}`);
    if (seen.length === count) break;
  }
  return seen;
}

describe('WatchCache', () => {
  it('serves every subscriber of a kind from one inner watch, exactly and in order', async () => {
    const inner = new CountingStore();
    const cache = new WatchCache(inner);
    const stop = new AbortController();
    const first = cache.watch({ kind: 'Cluster', signal: stop.signal })[Symbol.asyncIterator]();
    const firstNext = first.next(); // opens the kind's cache
    await new Promise((r) => setTimeout(r, 10));
    await cache.create(makeCluster('a'));
    await cache.create(makeCluster('b'));
    expect((await firstNext).value?.object.metadata.name).toBe('a');
    // Two more subscribers from version 1 (after "a"): served from the ring, no new inner watch.
    const [x, y] = await Promise.all([
      take(cache.watch({ kind: 'Cluster', fromResourceVersion: '1' }), 1),
      take(cache.watch({ kind: 'Cluster', fromResourceVersion: '1' }), 1),
    ]);
    expect(x).toEqual(['ADDED b 2']);
    expect(y).toEqual(['ADDED b 2']);
    expect(inner.watches).toBe(1);
    stop.abort();
    await cache.close();
  });

  it('hands versions older than its ring to the inner store, and GONE comes from there', async () => {
    const inner = new CountingStore({ historyLimit: 3 });
    await inner.create(makeCluster('before-1')); // version 1
    await inner.create(makeCluster('before-2')); // version 2
    const cache = new WatchCache(inner, { historyLimit: 2 });
    // Opening the cache now, at the first watcher's version: its ring starts at version 1.
    expect(await take(cache.watch({ kind: 'Cluster', fromResourceVersion: '1' }), 1)).toEqual(['ADDED before-2 2']);
    for (let i = 0; i < 4; i++) await cache.create(makeCluster(`later-${i}`)); // versions 3..6
    await new Promise((r) => setTimeout(r, 10));
    // The ring (limit 2) keeps 5 and 6; the inner history (limit 3) keeps 4..6.
    expect(await take(cache.watch({ kind: 'Cluster', fromResourceVersion: '4' }), 2)).toEqual(['ADDED later-2 5', 'ADDED later-3 6']);
    expect(await take(cache.watch({ kind: 'Cluster', fromResourceVersion: '3' }), 1)).toEqual(['ADDED later-1 4']);
    await expect(take(cache.watch({ kind: 'Cluster', fromResourceVersion: '2' }), 1)).rejects.toBeInstanceOf(GoneError);
    await cache.close();
  });

  it('delivers live events to a watch from version 0, and ends watches once closed', async () => {
    const inner = new CountingStore();
    const cache = new WatchCache(inner);
    const events = cache.watch({ kind: 'Cluster', fromResourceVersion: '0' });
    const pending = take(events, 1);
    await new Promise((r) => setTimeout(r, 10));
    await cache.create(makeCluster('c'));
    expect(await pending).toEqual(['ADDED c 1']);
    await cache.close();
    expect(await take(cache.watch({ kind: 'Cluster' }), 1)).toEqual([]);
  });

  it('opens at the version of a watcher from the past, so watchers resuming from there share its one inner watch', async () => {
    const inner = new CountingStore();
    await inner.create(makeCluster('a')); // version 1: what the watchers saw last
    await inner.create({ ...makeCluster('other'), kind: 'Namespace' } as never); // version 2, another kind
    const cache = new WatchCache(inner);
    const watchers = Array.from({ length: 3 }, () => take(cache.watch({ kind: 'Cluster', fromResourceVersion: '1' }), 1));
    await new Promise((r) => setTimeout(r, 10));
    await cache.create(makeCluster('b')); // version 3
    expect(await Promise.all(watchers)).toEqual([['ADDED b 3'], ['ADDED b 3'], ['ADDED b 3']]);
    expect(inner.watches).toBe(1);
    await cache.close();
  });

  it('opens at the current version when the first watcher\'s is gone, and only that watcher gets GONE', async () => {
    const inner = new CountingStore({ historyLimit: 1 });
    for (const name of ['a', 'b', 'c']) await inner.create(makeCluster(name)); // versions 1..3; history keeps 3
    const cache = new WatchCache(inner);
    await expect(take(cache.watch({ kind: 'Cluster', fromResourceVersion: '1' }), 1)).rejects.toBeInstanceOf(GoneError);
    const current = take(cache.watch({ kind: 'Cluster', fromResourceVersion: '3' }), 1);
    await new Promise((r) => setTimeout(r, 10));
    await cache.create(makeCluster('d')); // version 4
    expect(await current).toEqual(['ADDED d 4']);
    // The cache reopened at version 3 and serves later watchers without inner watches of their own.
    const opened = inner.watches;
    const later = take(cache.watch({ kind: 'Cluster', fromResourceVersion: '3' }), 2);
    await cache.create(makeCluster('e')); // version 5
    expect(await later).toEqual(['ADDED d 4', 'ADDED e 5']);
    expect(inner.watches).toBe(opened);
    await cache.close();
  });
});
