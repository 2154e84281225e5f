import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BookmarkClock } from '../../../src/resolvers/bookmark-clock.js';
import type { Store } from '../../../src/storage/store.js';

/** A store that only knows its version, and counts how often it is asked. */
function versionStore(start = 10) {
  const state = { version: start, reads: 0 };
  const store = {
    currentResourceVersion: async () => {
      state.reads++;
      return String(state.version);
    },
  } as unknown as Store;
  return { store, state };
}

const INTERVAL = 1000;

describe('BookmarkClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads the version once per tick for all watchers, and hands it out one tick later', async () => {
    const { store, state } = versionStore(10);
    let woken = 0;
    const watchers = Array.from({ length: 100 }, () => BookmarkClock.for(store, INTERVAL).register(() => woken++));
    await vi.advanceTimersByTimeAsync(INTERVAL); // tick 1: reads 10
    expect(state.reads).toBe(1);
    expect(woken).toBe(100);
    expect(watchers.every((w) => w.ticked)).toBe(true);
    expect(watchers[0].take()).toBeUndefined(); // nothing read a whole interval ago yet
    expect(watchers[0].ticked).toBe(false);
    state.version = 12;
    await vi.advanceTimersByTimeAsync(INTERVAL); // tick 2: hands out 10, reads 12
    expect(state.reads).toBe(2);
    expect(watchers.map((w) => w.take())).toEqual(Array(100).fill(10n));
    await vi.advanceTimersByTimeAsync(INTERVAL); // tick 3: hands out 12
    expect(watchers[0].take()).toBe(12n);
    watchers.forEach((w) => w.close());
  });

  it('never hands a watcher a version read before it registered', async () => {
    const { store, state } = versionStore(10);
    const early = BookmarkClock.for(store, INTERVAL).register(() => undefined);
    await vi.advanceTimersByTimeAsync(INTERVAL); // tick 1: reads 10
    state.version = 20;
    const late = BookmarkClock.for(store, INTERVAL).register(() => undefined);
    await vi.advanceTimersByTimeAsync(INTERVAL); // tick 2: hands out 10 (read before `late`), reads 20
    expect(early.take()).toBe(10n);
    expect(late.take()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(INTERVAL); // tick 3: hands out 20 (read after `late` registered)
    expect(late.take()).toBe(20n);
    early.close();
    late.close();
  });

  it('stops its timer with its last watcher', async () => {
    const { store, state } = versionStore();
    const only = BookmarkClock.for(store, INTERVAL).register(() => undefined);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    only.close();
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(state.reads).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
