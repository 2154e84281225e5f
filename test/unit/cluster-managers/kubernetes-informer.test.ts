import { afterEach, describe, expect, it, vi } from 'vitest';
import { Informer, type ListResult, type ListWatchSource, type WatchEventType, type WatchHandle } from '../../../src/cluster-managers/kubernetes/informer.js';
import { readThrough } from '../../../src/cluster-managers/kubernetes/member-caches.js';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  value?: number;
}

const obj = (name: string, resourceVersion: string, value = 0): Obj => ({ metadata: { name, namespace: 'ns', resourceVersion }, value });

interface OpenWatch {
  resourceVersion: string;
  send(type: WatchEventType, object: unknown): void;
  end(error?: unknown): void;
  aborted: boolean;
}

/** A source whose lists and watches each test answers by hand. */
class FakeSource implements ListWatchSource<Obj> {
  listCalls = 0;
  watchCalls: string[] = [];
  watches: OpenWatch[] = [];
  /** The next list's answer (or error). */
  nextList: () => Promise<ListResult<Obj>> = async () => ({ items: [], metadata: { resourceVersion: '1' } });
  /** How the next watch opens: undefined accepts it; an error rejects it. */
  nextWatchError: (() => unknown) | undefined;

  list(): Promise<ListResult<Obj>> {
    this.listCalls++;
    return this.nextList();
  }

  async watch(resourceVersion: string, onEvent: (type: WatchEventType, object: Obj) => void, done: (error: unknown) => void): Promise<WatchHandle> {
    this.watchCalls.push(resourceVersion);
    const error = this.nextWatchError?.();
    if (error) throw error;
    const open: OpenWatch = {
      resourceVersion,
      aborted: false,
      send: (type, object) => onEvent(type, object as Obj),
      end: (e) => done(e ?? null),
    };
    this.watches.push(open);
    return { abort: () => (open.aborted = true) };
  }

  get current(): OpenWatch {
    return this.watches[this.watches.length - 1];
  }
}

const names = (informer: Informer<Obj>) =>
  informer
    .list()
    .map((o) => `${o.metadata.name}=${o.value}`)
    .sort();

const informers: Informer<Obj>[] = [];
function informer(source: FakeSource, options: ConstructorParameters<typeof Informer<Obj>>[1] = {}) {
  const made = new Informer<Obj>(source, { minBackoffMs: 5, maxBackoffMs: 20, ...options });
  informers.push(made);
  return made;
}

afterEach(() => {
  for (const made of informers.splice(0)) made.stop();
});

describe('Informer', () => {
  it('lists, then follows the watch from the list version: adds, changes and deletions', async () => {
    const source = new FakeSource();
    source.nextList = async () => ({ items: [obj('a', '5', 1), obj('b', '6', 1)], metadata: { resourceVersion: '7' } });
    const changes = vi.fn();
    const cache = informer(source, { onChange: changes });
    expect(cache.fresh()).toBe(false);
    cache.start();
    await vi.waitFor(() => expect(source.watchCalls).toEqual(['7']));
    expect(cache.fresh()).toBe(true);
    expect(names(cache)).toEqual(['a=1', 'b=1']);

    source.current.send('ADDED', obj('c', '8', 1));
    source.current.send('MODIFIED', obj('a', '9', 2));
    source.current.send('DELETED', obj('b', '10'));
    source.current.send('BOOKMARK', { metadata: { resourceVersion: '11' } });
    expect(names(cache)).toEqual(['a=2', 'c=1']);
    expect(changes).toHaveBeenCalledTimes(4); // the list and three events; not the bookmark

    // A watch the server ends is resumed from the last version seen, without listing again.
    source.current.end();
    await vi.waitFor(() => expect(source.watchCalls).toEqual(['7', '11']));
    expect(source.listCalls).toBe(1);
  });

  it('lists again when the version is too old: 410 on opening the watch, or as an event in it', async () => {
    const source = new FakeSource();
    let version = 1;
    source.nextList = async () => ({ items: [obj('a', String(version), version)], metadata: { resourceVersion: String(version) } });
    const cache = informer(source);
    cache.start();
    await vi.waitFor(() => expect(source.watchCalls).toEqual(['1']));

    version = 2;
    source.current.send('ERROR', { code: 410, message: 'too old resource version' });
    await vi.waitFor(() => expect(source.watchCalls).toEqual(['1', '2']));
    expect(source.watches[0].aborted).toBe(true);
    expect(source.listCalls).toBe(2);
    expect(names(cache)).toEqual(['a=2']);

    version = 3;
    let gone = true;
    source.nextWatchError = () => (gone ? ((gone = false), Object.assign(new Error('Gone'), { statusCode: 410 })) : undefined);
    source.current.end();
    await vi.waitFor(() => expect(source.watchCalls).toEqual(['1', '2', '2', '3']));
    expect(source.listCalls).toBe(3);
    expect(cache.fresh()).toBe(true);
  });

  it('is not fresh before its first list, and retries a failing list with back-off until it answers', async () => {
    const source = new FakeSource();
    let failures = 3;
    source.nextList = async () => {
      if (failures-- > 0) throw new Error('connect ECONNREFUSED');
      return { items: [obj('a', '1')], metadata: { resourceVersion: '1' } };
    };
    const errors: unknown[] = [];
    const cache = informer(source, { onError: (e) => errors.push(e), minBackoffMs: 100, maxBackoffMs: 100 });
    cache.start();
    await vi.waitFor(() => expect(source.listCalls).toBe(2), { interval: 5 });
    expect(cache.fresh()).toBe(false);
    await vi.waitFor(() => expect(cache.fresh()).toBe(true));
    expect(source.listCalls).toBe(4);
    expect(errors).toHaveLength(3);
  });

  it('stays fresh for the staleness bound after its watch broke, then is stale until a watch is up again', async () => {
    const source = new FakeSource();
    let now = 1_000;
    const cache = informer(source, { staleAfterMs: 3000, now: () => now });
    cache.start();
    await vi.waitFor(() => expect(source.watchCalls).toHaveLength(1));
    expect(cache.fresh()).toBe(true);

    // The API server went away: every new watch is refused.
    source.nextWatchError = () => new Error('connect ECONNREFUSED');
    source.current.end(new Error('socket hang up'));
    await vi.waitFor(() => expect(source.watchCalls.length).toBeGreaterThan(2));
    now += 3000;
    expect(cache.fresh()).toBe(true);
    now += 1;
    expect(cache.fresh()).toBe(false);

    // Back: the next watch (from the same version) makes it fresh again.
    source.nextWatchError = undefined;
    await vi.waitFor(() => expect(cache.fresh()).toBe(true));
    expect(source.listCalls).toBe(1);
    expect(source.current.resourceVersion).toBe('1');
  });

  it('treats a non-410 error event as a failure and watches again after a back-off', async () => {
    const source = new FakeSource();
    const errors: unknown[] = [];
    const cache = informer(source, { onError: (e) => errors.push(e) });
    cache.start();
    await vi.waitFor(() => expect(source.watchCalls).toHaveLength(1));
    source.current.send('ERROR', { code: 500, message: 'internal error' });
    await vi.waitFor(() => expect(source.watchCalls).toHaveLength(2));
    expect(source.watches[0].aborted).toBe(true);
    expect(String(errors[0])).toMatch(/internal error/);
    expect(source.listCalls).toBe(1);
  });

  it('ends a watch that stays open past maxWatchMs and opens another', async () => {
    const source = new FakeSource();
    const cache = informer(source, { maxWatchMs: 20 });
    cache.start();
    await vi.waitFor(() => expect(source.watchCalls.length).toBeGreaterThanOrEqual(2));
    expect(source.watches[0].aborted).toBe(true);
  });

  it('stop() ends the watch and every retry; a stop during the list opens no watch', async () => {
    const source = new FakeSource();
    const cache = informer(source);
    cache.start();
    await vi.waitFor(() => expect(source.watchCalls).toHaveLength(1));
    cache.stop();
    expect(source.current.aborted).toBe(true);
    expect(cache.fresh()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.watchCalls).toHaveLength(1);

    const slow = new FakeSource();
    let answer!: (list: ListResult<Obj>) => void;
    slow.nextList = () => new Promise((resolve) => (answer = resolve));
    const other = informer(slow);
    other.start();
    await vi.waitFor(() => expect(slow.listCalls).toBe(1));
    other.stop();
    answer({ items: [], metadata: { resourceVersion: '1' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slow.watchCalls).toHaveLength(0);

    const failing = new FakeSource();
    failing.nextList = async () => {
      throw new Error('down');
    };
    const third = informer(failing, { minBackoffMs: 10_000, maxBackoffMs: 10_000 });
    third.start();
    await vi.waitFor(() => expect(failing.listCalls).toBe(1));
    third.stop(); // cuts the back-off sleep short; nothing is tried again
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failing.listCalls).toBe(1);
  });
});

describe('readThrough', () => {
  it('makes the live request until the cache is fresh, then reads memory; a failing live request fails the read', async () => {
    const source = new FakeSource();
    let answer!: (list: ListResult<Obj>) => void;
    source.nextList = () => new Promise((resolve) => (answer = resolve));
    const cache = informer(source);
    const live = vi.fn(async () => ({ items: [obj('live', '1')] }));

    expect((await readThrough(cache, live)).map((o) => o.metadata.name)).toEqual(['live']);
    expect(cache.started).toBe(true);
    answer({ items: [obj('cached', '2')], metadata: { resourceVersion: '2' } });
    await vi.waitFor(() => expect(cache.fresh()).toBe(true));
    expect((await readThrough(cache, live)).map((o) => o.metadata.name)).toEqual(['cached']);
    expect(live).toHaveBeenCalledTimes(1);

    cache.stop();
    await expect(readThrough(cache, async () => Promise.reject(new Error("cluster 'x': list Nodes: cannot reach the API server")))).rejects.toThrow(/cannot reach/);
  });
});
