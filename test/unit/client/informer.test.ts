import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ListOptions, WatchOptions } from '../../../src/client/api.js';
import { Channel } from '../../../src/client/channel.js';
import { Informer, type ListWatch } from '../../../src/client/informer.js';
import { GoneError } from '../../../src/domain/errors.js';
import type { Job, ObjectList, WatchEvent } from '../../../src/domain/types.js';
import { cacheKey } from '../../../src/domain/object-ref.js';

function job(name: string, resourceVersion: string, namespace = 'default'): Job {
  return {
    kind: 'Job',
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      labels: {},
      annotations: {},
      resourceVersion,
      generation: 1,
      creationTimestamp: '2024-01-01T00:00:00Z',
    },
    spec: {
      image: '',
      run: 'echo Sky!',
      envs: [],
      resources: { cpu: 1, memory: 0, gpu: 0 },
      replicas: 1,
      restartPolicy: 'NEVER',
      placement: { preferences: [], strategy: 'SPREAD' },
    },
    status: { phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] },
  };
}

const list = (resourceVersion: string, ...items: Job[]): ObjectList<Job> => ({ kind: 'JobList', items, resourceVersion });

/** A scripted API: lists answer from a queue, each watch is a stream the test feeds. */
class FakeApi implements ListWatch<Job> {
  readonly listCalls: ListOptions[] = [];
  readonly watchCalls: WatchOptions[] = [];
  private readonly lists: Array<ObjectList<Job> | Error> = [];
  private readonly streams: Channel<WatchEvent<Job>>[] = [];

  willList(...results: Array<ObjectList<Job> | Error>): void {
    this.lists.push(...results);
  }

  async list(options: ListOptions): Promise<ObjectList<Job>> {
    this.listCalls.push(options);
    const result = this.lists.shift();
    if (result === undefined) throw new Error('list called more often than the test scripted');
    if (result instanceof Error) throw result;
    return result;
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent<Job>> {
    this.watchCalls.push(options);
    const stream = new Channel<WatchEvent<Job>>();
    options.signal?.addEventListener('abort', () => stream.end());
    this.streams.push(stream);
    return stream;
  }

  /** The stream of the newest watch, once the informer has opened one after `count - 1` others. */
  async watchNumber(count: number): Promise<Channel<WatchEvent<Job>>> {
    await vi.waitFor(() => expect(this.streams).toHaveLength(count));
    return this.streams[count - 1];
  }
}

/** Records every informer callback in order, as `kind:key@resourceVersion`. */
function record(informer: Informer<Job>): string[] {
  const log: string[] = [];
  const at = (o: Job) => `${cacheKey(o.metadata)}@${o.metadata.resourceVersion}`;
  informer
    .on('add', (o) => log.push(`add:${at(o)}`))
    .on('update', (o, old) => log.push(`update:${at(old)}->${o.metadata.resourceVersion}`))
    .on('delete', (o) => log.push(`delete:${at(o)}`))
    .on('error', (e) => log.push(`error:${(e as Error).message}`));
  return log;
}

const informers: Informer<Job>[] = [];

/** An informer over `api` whose backoff does not sleep but records what it would have waited. */
function makeInformer(api: FakeApi, options: ListOptions = {}) {
  const delays: number[] = [];
  const informer = new Informer(api, {
    ...options,
    delay: async (ms) => {
      delays.push(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  informers.push(informer);
  return { informer, delays, log: record(informer) };
}

afterEach(async () => {
  await Promise.all(informers.splice(0).map((i) => i.stop()));
});

describe('Informer', () => {
  it('syncs from a list, then watches from the list resourceVersion with the same scope', async () => {
    const api = new FakeApi();
    api.willList(list('10', job('a', '3'), job('b', '7', 'team')));
    const { informer, log } = makeInformer(api, { labelSelector: 'app=web', allNamespaces: true });

    expect(informer.hasSynced()).toBe(false);
    await informer.start();

    expect(informer.hasSynced()).toBe(true);
    expect(log).toEqual(['add:default/a@3', 'add:team/b@7']);
    expect(api.listCalls).toEqual([{ labelSelector: 'app=web', allNamespaces: true }]);
    expect(informer.get('a', 'default')?.metadata.uid).toBe('uid-default-a');
    expect(informer.getByKey('team/b')?.metadata.resourceVersion).toBe('7');
    expect(informer.get('a', 'team')).toBeUndefined();
    expect(informer.list().map((o) => cacheKey(o.metadata))).toEqual(['default/a', 'team/b']);
    expect(informer.list('team').map((o) => cacheKey(o.metadata))).toEqual(['team/b']);

    await api.watchNumber(1);
    expect(api.watchCalls[0]).toMatchObject({ labelSelector: 'app=web', allNamespaces: true, resourceVersion: '10' });
  });

  it('applies added, modified and deleted events to the cache before calling handlers, ignoring deletes of what it never held', async () => {
    const api = new FakeApi();
    api.willList(list('10', job('a', '3')));
    const { informer, log } = makeInformer(api);
    const seenInCache: Array<string | undefined> = [];
    informer.on('update', (o) => seenInCache.push(informer.get(o.metadata.name, 'default')?.metadata.resourceVersion));
    await informer.start();
    const stream = await api.watchNumber(1);

    stream.push({ type: 'ADDED', object: job('b', '11'), resourceVersion: '11' });
    stream.push({ type: 'MODIFIED', object: job('a', '12'), resourceVersion: '12' });
    stream.push({ type: 'DELETED', object: job('b', '13'), resourceVersion: '13' });
    stream.push({ type: 'DELETED', object: job('never-held', '14'), resourceVersion: '14' });
    stream.push({ type: 'ADDED', object: job('last', '15'), resourceVersion: '15' });

    await vi.waitFor(() => expect(log).toContain('add:default/last@15'));
    expect(log).toEqual(['add:default/a@3', 'add:default/b@11', 'update:default/a@3->12', 'delete:default/b@13', 'add:default/last@15']);
    expect(seenInCache).toEqual(['12']);
    expect(informer.list().map((o) => `${cacheKey(o.metadata)}@${o.metadata.resourceVersion}`)).toEqual(['default/a@12', 'default/last@15']);
  });

  it('drops an update whose resourceVersion did not change', async () => {
    const api = new FakeApi();
    api.willList(list('10', job('a', '3')));
    const { informer, log } = makeInformer(api);
    await informer.start();
    const stream = await api.watchNumber(1);

    stream.push({ type: 'MODIFIED', object: job('a', '3'), resourceVersion: '11' });
    stream.push({ type: 'MODIFIED', object: job('a', '12'), resourceVersion: '12' });

    await vi.waitFor(() => expect(log).toHaveLength(2));
    expect(log).toEqual(['add:default/a@3', 'update:default/a@3->12']);
  });

  it('on GONE lists again at once and reports only the difference', async () => {
    const api = new FakeApi();
    api.willList(
      list('10', job('keep', '3'), job('change', '4'), job('vanish', '5')),
      list('20', job('keep', '3'), job('change', '15'), job('new', '18')),
    );
    const { informer, log, delays } = makeInformer(api);
    await informer.start();
    (await api.watchNumber(1)).fail(new GoneError('10', '16'));

    await api.watchNumber(2);
    expect(log).toEqual([
      'add:default/keep@3',
      'add:default/change@4',
      'add:default/vanish@5',
      'delete:default/vanish@5',
      'update:default/change@4->15',
      'add:default/new@18',
    ]);
    expect(informer.list().map((o) => cacheKey(o.metadata)).sort()).toEqual(['default/change', 'default/keep', 'default/new']);
    expect(api.watchCalls[1].resourceVersion).toBe('20');
    expect(delays).toEqual([]);
  });

  it('backs off when a fresh list is GONE again instead of relisting in a loop', async () => {
    const api = new FakeApi();
    api.willList(list('10'), list('11'), list('12'));
    const { informer, delays } = makeInformer(api);
    await informer.start();
    (await api.watchNumber(1)).fail(new GoneError('10', '50'));
    (await api.watchNumber(2)).fail(new GoneError('11', '50'));
    await api.watchNumber(3);

    expect(api.listCalls).toHaveLength(3);
    expect(delays).toEqual([2_000]);
  });

  it('retries a failing list with exponential backoff capped at 30 s, reporting each error, before it syncs', async () => {
    const api = new FakeApi();
    const failures = Array.from({ length: 7 }, (_, i) => new Error(`refused ${i}`));
    api.willList(...failures, list('10', job('a', '3')));
    const { informer, log, delays } = makeInformer(api);

    await informer.start();

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(log).toEqual([...failures.map((e) => `error:${e.message}`), 'add:default/a@3']);
  });

  it('after a watch error resumes watching from the last version seen, bookmarks included, without listing', async () => {
    const api = new FakeApi();
    api.willList(list('10', job('a', '3')));
    const { informer, log, delays } = makeInformer(api);
    await informer.start();

    const first = await api.watchNumber(1);
    first.push({ type: 'MODIFIED', object: job('a', '11'), resourceVersion: '11' });
    first.push({ type: 'BOOKMARK', resourceVersion: '14' });
    first.fail(new Error('socket hang up'));
    const second = await api.watchNumber(2);
    second.fail(new Error('socket hang up again'));
    const third = await api.watchNumber(3);
    third.push({ type: 'MODIFIED', object: job('a', '16'), resourceVersion: '16' });
    third.fail(new Error('after progress'));
    await api.watchNumber(4);

    expect(api.watchCalls.map((w) => w.resourceVersion)).toEqual(['10', '14', '14', '16']);
    expect(api.listCalls).toHaveLength(1);
    // The delay grows while the watch fails without progress and starts over after an event.
    expect(delays).toEqual([1_000, 2_000, 1_000]);
    expect(log).toEqual([
      'add:default/a@3',
      'update:default/a@3->11',
      'error:socket hang up',
      'error:socket hang up again',
      'update:default/a@11->16',
      'error:after progress',
    ]);
  });

  it('keeps going when a handler throws, reporting the exception as an error', async () => {
    const api = new FakeApi();
    api.willList(list('10'));
    const { informer, log } = makeInformer(api);
    informer.on('add', (o) => {
      if (o.metadata.name === 'bad') throw new Error('handler failed');
    });
    await informer.start();
    const stream = await api.watchNumber(1);

    stream.push({ type: 'ADDED', object: job('bad', '11'), resourceVersion: '11' });
    stream.push({ type: 'ADDED', object: job('good', '12'), resourceVersion: '12' });

    await vi.waitFor(() => expect(log).toContain('add:default/good@12'));
    expect(log).toEqual(['add:default/bad@11', 'error:handler failed', 'add:default/good@12']);
  });

  it('stop() aborts the watch, does not watch again, and fails a start() that had not synced', async () => {
    const api = new FakeApi();
    api.willList(list('10'));
    const { informer } = makeInformer(api);
    await informer.start();
    await api.watchNumber(1);

    await informer.stop();
    expect(api.watchCalls[0].signal?.aborted).toBe(true);
    expect(api.watchCalls).toHaveLength(1);

    const unreachable = new FakeApi(); // every list fails
    const { informer: unsynced } = makeInformer(unreachable);
    const started = unsynced.start();
    await vi.waitFor(() => expect(unreachable.listCalls.length).toBeGreaterThan(0));
    // Expect the rejection before stopping, so it is handled when it happens.
    const failed = expect(started).rejects.toThrow('stopped before its cache synced');
    await unsynced.stop();
    await failed;
    expect(unsynced.hasSynced()).toBe(false);
  });
});
