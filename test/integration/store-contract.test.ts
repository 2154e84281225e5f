/**
 * The Store contract (src/storage/store.ts), run against every implementation: memory, lowdb on
 * real files, and etcd as a real process. Then what only one backend promises: lowdb across
 * reopening, torn writes and compaction; etcd across several API servers and an etcd restart.
 */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlreadyExistsError, BadUserInputError, ConflictError, DomainError, GoneError, NotFoundError } from '../../src/domain/errors.js';

import type { Job, SkyObject } from '../../src/domain/types.js';
import { EtcdStore } from '../../src/storage/etcd-store.js';
import { LowdbStore, type LowdbStoreOptions } from '../../src/storage/lowdb-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { WatchCache } from '../../src/storage/watch-cache.js';
import type { Store, StoreEvent, WatchOptions } from '../../src/storage/store.js';
import { makeCluster, makeJob } from '../fixtures/store-objects.js';
import { compactEtcd, startEtcd, type EtcdProcess } from '../helpers/etcd.js';
import type { ObjectRef } from '../../src/domain/object-ref.js';

const EVENT_TIMEOUT_MS = 10_000;

interface Backend {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  open(options?: { historyLimit?: number }): Promise<Store>;
  /** Makes versions before now too old to watch from (`store` was opened with historyLimit 3). */
  forgetHistory(store: Store): Promise<void>;
}

/** Overflows a history of 3 events; etcd additionally compacts, which is its way of forgetting. */
async function writeFillers(store: Store): Promise<void> {
  for (let i = 0; i < 4; i++) await store.create(makeCluster(`filler-${i}`));
}

function memoryBackend(): Backend {
  return {
    name: 'memory',
    start: async () => {},
    stop: async () => {},
    open: async (options) => new MemoryStore(options),
    forgetHistory: writeFillers,
  };
}

function lowdbBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'lowdb',
    start: async () => {},
    stop: async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
    open: async (options) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'sky-lowdb-'));
      dirs.push(dataDir);
      return LowdbStore.open({ dataDir, ...options });
    },
    forgetHistory: writeFillers,
  };
}

function etcdBackend(withWatchCache = false): Backend {
  let etcd: EtcdProcess;
  let stores = 0;
  return {
    name: withWatchCache ? 'etcd behind the watch cache' : 'etcd',
    start: async () => {
      etcd = await startEtcd();
    },
    stop: async () => {
      await etcd?.stop();
    },
    // One etcd for the suite; a prefix per store keeps the tests apart.
    open: async (options) => {
      const store = await EtcdStore.open({ endpoints: [etcd.endpoint], prefix: `/contract-${++stores}` });
      return withWatchCache ? new WatchCache(store, options) : store;
    },
    forgetHistory: async (store) => {
      await writeFillers(store);
      await compactEtcd(etcd.endpoint, await store.currentResourceVersion());
    },
  };
}

// ------------------------------------------------------------------------------------ helpers

const jobKey = (name: string, namespace = 'default'): ObjectRef => ({ kind: 'Job', namespace, name });

type Events = AsyncIterator<StoreEvent>;

function watch(store: Store, options: WatchOptions): Events {
  return store.watch(options)[Symbol.asyncIterator]();
}

async function next(events: Events): Promise<StoreEvent> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no watch event within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([events.next(), timeout]);
    if (result.done) throw new Error('the watch ended');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

async function take(events: Events, count: number): Promise<StoreEvent[]> {
  const taken: StoreEvent[] = [];
  for (let i = 0; i < count; i++) taken.push(await next(events));
  return taken;
}

/** "ADDED a/x" */
function describeEvent(event: StoreEvent): string {
  const { namespace, name } = event.object.metadata;
  return `${event.type} ${namespace ? `${namespace}/` : ''}${name}`;
}

function names(objects: SkyObject[]): string[] {
  return objects.map((o) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name));
}

function expectOrdered(events: StoreEvent[]): void {
  for (const [i, event] of events.entries()) {
    expect(event.object.metadata.resourceVersion).toBe(event.resourceVersion);
    if (i > 0) expect(Number(event.resourceVersion)).toBeGreaterThan(Number(events[i - 1].resourceVersion));
  }
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

/** Sets the `count` annotation with compare-and-swap, re-reading on every conflict. */
async function increment(store: Store, key: ObjectRef): Promise<number> {
  for (let attempts = 1; ; attempts++) {
    const current = (await store.get(key))!;
    current.metadata.annotations.count = String(Number(current.metadata.annotations.count) + 1);
    try {
      await store.update(current, current.metadata.resourceVersion);
      return attempts;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

// ------------------------------------------------------------------------------------ contract

describe.each([memoryBackend(), lowdbBackend(), etcdBackend(), etcdBackend(true)])('$name store', (backend) => {
  const opened: Store[] = [];
  const open = async (options?: { historyLimit?: number }) => {
    const store = await backend.open(options);
    opened.push(store);
    return store;
  };

  beforeAll(() => backend.start());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => backend.stop());

  it('creates and gets objects, never sharing them with the caller', async () => {
    const store = await open();
    const input = makeJob('a');
    const created = await store.create(input);

    expect(created.metadata.resourceVersion).toMatch(/^[1-9]\d*$/);
    expect(input.metadata.resourceVersion).toBe('');
    expect(await store.currentResourceVersion()).toBe(created.metadata.resourceVersion);
    const got = await store.get(jobKey('a'));
    expect(got).toEqual(created);

    (got as Job).spec.replicas = 99;
    created.metadata.labels.mutated = 'yes';
    input.metadata.labels.mutated = 'yes';
    const again = await store.get(jobKey('a'));
    expect((again as Job).spec.replicas).toBe(1);
    expect(again!.metadata.labels).toEqual({ app: 'store-test' });
    expect(await store.get(jobKey('absent'))).toBeUndefined();
  });

  it('lists by kind and namespace, in key order, with the store version', async () => {
    const store = await open();
    await store.create(makeJob('j3', 'b'));
    await store.create(makeJob('j2', 'a'));
    await store.create(makeJob('j1', 'a'));
    await store.create(makeCluster('c2'));
    const last = await store.create(makeCluster('c1'));

    const inA = await store.list({ kind: 'Job', namespace: 'a' });
    expect(names(inA.items)).toEqual(['a/j1', 'a/j2']);
    expect(inA.resourceVersion).toBe(last.metadata.resourceVersion);
    expect(names((await store.list({ kind: 'Job' })).items)).toEqual(['a/j1', 'a/j2', 'b/j3']);
    expect(names((await store.list({ kind: 'Cluster' })).items)).toEqual(['c1', 'c2']);
    expect((await store.list({ kind: 'Job', namespace: 'c' })).items).toEqual([]);
    expect((await store.list({ kind: 'Deployment' })).items).toEqual([]);
  });

  it('rejects creating an object that exists with AlreadyExistsError', async () => {
    const store = await open();
    await store.create(makeJob('a'));
    const error = await rejection(store.create(makeJob('a')));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.message).toBe("Object 'jobs/default/a' already exists.");
    // Same name, other namespace or kind: a different object.
    await store.create(makeJob('a', 'other'));
    await store.create(makeCluster('a'));
  });

  it('updates at the expected version and rejects a stale one with ConflictError', async () => {
    const store = await open();
    const v1 = await store.create(makeJob('a'));
    const v2 = await store.update({ ...v1, spec: { ...v1.spec, replicas: 2 } } as SkyObject, v1.metadata.resourceVersion);
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    expect((await store.get(jobKey('a')))!.spec).toEqual(v2.spec);

    const error = await rejection(store.update(v1, v1.metadata.resourceVersion));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toMatchObject({
      expectedResourceVersion: v1.metadata.resourceVersion,
      actualResourceVersion: v2.metadata.resourceVersion,
    });
    expect(await rejection(store.update(v1, 'not-a-version'))).toBeInstanceOf(ConflictError);

    const v3 = await store.update(v1); // unconditional
    expect((await store.get(jobKey('a')))!.metadata.resourceVersion).toBe(v3.metadata.resourceVersion);
  });

  it('rejects updating or deleting an absent object with NotFoundError', async () => {
    const store = await open();
    const gone = makeJob('gone');
    for (const attempt of [
      () => store.update(gone),
      () => store.update(gone, '1'),
      () => store.delete(jobKey('gone')),
      () => store.delete(jobKey('gone'), '1'),
    ]) {
      const error = await rejection(attempt());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe("Object 'jobs/default/gone' not found.");
    }
    expect(await store.get(jobKey('gone'))).toBeUndefined();
  });

  it("deletes at the expected version, returning the last state with the deletion's version", async () => {
    const store = await open();
    const v1 = await store.create(makeJob('a'));
    const v2 = await store.update({ ...v1, spec: { ...v1.spec, replicas: 3 } } as SkyObject);
    expect(await rejection(store.delete(jobKey('a'), v1.metadata.resourceVersion))).toBeInstanceOf(ConflictError);

    const deleted = await store.delete(jobKey('a'), v2.metadata.resourceVersion);
    expect(deleted.spec).toEqual(v2.spec);
    expect(Number(deleted.metadata.resourceVersion)).toBeGreaterThan(Number(v2.metadata.resourceVersion));
    expect(await store.currentResourceVersion()).toBe(deleted.metadata.resourceVersion);
    expect(await store.get(jobKey('a'))).toBeUndefined();
    expect((await store.list({ kind: 'Job' })).items).toEqual([]);
    expect(await rejection(store.delete(jobKey('a')))).toBeInstanceOf(NotFoundError);
  });

  it('loses no update when 50 writers compare-and-swap one object', async () => {
    const store = await open();
    const created = await store.create(makeJob('counter', 'default', { count: '0' }));
    const events = watch(store, { kind: 'Job', fromResourceVersion: created.metadata.resourceVersion });

    const attempts = await Promise.all(Array.from({ length: 50 }, () => increment(store, jobKey('counter'))));

    expect((await store.get(jobKey('counter')))!.metadata.annotations.count).toBe('50');
    expect(attempts.some((n) => n > 1)).toBe(true); // the writers did collide
    const counts = (await take(events, 50)).map((e) => e.object.metadata.annotations.count);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

  it('watches only live changes when no version is given', async () => {
    const store = await open();
    const before = await store.create(makeJob('before'));
    const events = watch(store, { kind: 'Job' });
    // The watch starts at the first next(); keep writing until it reports, then check that it
    // began after `before` and missed nothing from where it began.
    const first = events.next();
    let written = 0;
    while ((await Promise.race([first, delay(50).then(() => 'waiting')])) === 'waiting') {
      await store.create(makeJob(`live-${written++}`));
      expect(written).toBeLessThan(100);
    }
    const { value } = await first;
    const start = Number((value as StoreEvent).object.metadata.name.slice('live-'.length));
    const rest = await take(events, written - start - 1);
    expect([value as StoreEvent, ...rest].map(describeEvent)).toEqual(
      Array.from({ length: written - start }, (_, i) => `ADDED default/live-${start + i}`),
    );
    expect(Number((value as StoreEvent).resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });

  it('watches from a version: every later change in order, exactly once, then live ones', async () => {
    const store = await open();
    const a1 = await store.create(makeJob('a'));
    const a2 = await store.update({ ...a1, spec: { ...a1.spec, replicas: 2 } } as SkyObject, a1.metadata.resourceVersion);
    await store.create(makeJob('b', 'other'));
    const deleted = await store.delete(jobKey('a'));
    await store.create(makeCluster('not-a-job'));

    const events = watch(store, { kind: 'Job', fromResourceVersion: a1.metadata.resourceVersion });
    const past = await take(events, 3);
    expect(past.map(describeEvent)).toEqual(['MODIFIED default/a', 'ADDED other/b', 'DELETED default/a']);
    expect(past[0].object).toEqual(a2);
    expect(past[2].object).toEqual(deleted);
    expect(past[2].object.spec).toEqual(a2.spec);

    const c = await store.create(makeJob('c'));
    const live = await next(events);
    expect(describeEvent(live)).toBe('ADDED default/c');
    expect(live.object).toEqual(c);
    expectOrdered([...past, live]);
  });

  it('resumes a watch from the last event a consumer saw', async () => {
    const store = await open();
    const from = await store.currentResourceVersion();
    for (let i = 1; i <= 5; i++) await store.create(makeJob(`j${i}`));

    const first = watch(store, { kind: 'Job', fromResourceVersion: from });
    const seen = await take(first, 2);
    await first.return!();

    const resumed = watch(store, { kind: 'Job', fromResourceVersion: seen[1].resourceVersion });
    const rest = await take(resumed, 3);
    expect([...seen, ...rest].map(describeEvent)).toEqual(['j1', 'j2', 'j3', 'j4', 'j5'].map((n) => `ADDED default/${n}`));
    await store.create(makeJob('j6'));
    expect(describeEvent(await next(resumed))).toBe('ADDED default/j6');
  });

  it('answers a version older than the retained history with GoneError', async () => {
    const store = await open({ historyLimit: 3 });
    const first = await store.create(makeJob('a'));
    await backend.forgetHistory(store);

    const error = await rejection(next(watch(store, { kind: 'Job', fromResourceVersion: first.metadata.resourceVersion })));
    expect(error).toBeInstanceOf(GoneError);
    expect(Number(error.details.oldestResourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));

    // The way out: list again and watch from the list's version.
    const list = await store.list({ kind: 'Job' });
    const events = watch(store, { kind: 'Job', fromResourceVersion: list.resourceVersion });
    await store.create(makeJob('b'));
    expect(describeEvent(await next(events))).toBe('ADDED default/b');
  });

  it('scopes watches by kind and namespace', async () => {
    const store = await open();
    const from = await store.currentResourceVersion();
    const inA = watch(store, { kind: 'Job', namespace: 'a', fromResourceVersion: from });
    const allJobs = watch(store, { kind: 'Job', fromResourceVersion: from });
    const clusters = watch(store, { kind: 'Cluster', fromResourceVersion: from });

    await store.create(makeJob('x', 'b'));
    await store.create(makeCluster('c'));
    await store.create(makeJob('y', 'a'));
    await store.create(makeJob('ab', 'ab')); // shares a prefix with namespace "a"
    await store.create(makeJob('z', 'a'));

    expect((await take(inA, 2)).map(describeEvent)).toEqual(['ADDED a/y', 'ADDED a/z']);
    expect((await take(allJobs, 4)).map(describeEvent)).toEqual(['ADDED b/x', 'ADDED a/y', 'ADDED ab/ab', 'ADDED a/z']);
    expect(describeEvent(await next(clusters))).toBe('ADDED c');
    await store.create(makeCluster('d'));
    expect(describeEvent(await next(clusters))).toBe('ADDED d');
  });

  it('ends a watch when its signal aborts or the store closes', async () => {
    const store = await open();
    const controller = new AbortController();
    const aborted = watch(store, { kind: 'Job', signal: controller.signal });
    const pending = aborted.next();
    await delay(50);
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });

    const closing = watch(store, { kind: 'Job', fromResourceVersion: await store.currentResourceVersion() });
    const waiting = closing.next();
    await delay(50);
    await store.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('rejects a malformed resourceVersion with BadUserInputError', async () => {
    const store = await open();
    expect(await rejection(next(watch(store, { kind: 'Job', fromResourceVersion: 'yesterday' })))).toBeInstanceOf(BadUserInputError);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ------------------------------------------------------------------------------------ lowdb only

describe('lowdb store on disk', () => {
  let dataDir: string;
  const opened: LowdbStore[] = [];
  const open = async (options: Omit<LowdbStoreOptions, 'dataDir'> = {}) => {
    const store = await LowdbStore.open({ dataDir, ...options });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sky-lowdb-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  const segments = async () => (await readdir(dataDir)).filter((name) => /^wal\.\d+\.jsonl$/.test(name)).sort();

  it('restores objects, the resourceVersion and the watch history when reopened', async () => {
    const store = await open();
    const a = await store.create(makeJob('a'));
    await store.update({ ...a, spec: { ...a.spec, replicas: 2 } } as SkyObject, a.metadata.resourceVersion);
    await store.create(makeJob('b'));
    await store.delete(jobKey('b'));
    await store.create(makeCluster('c'));
    const before = { jobs: await store.list({ kind: 'Job' }), clusters: await store.list({ kind: 'Cluster' }) };
    await store.close();

    const reopened = await open();
    expect(await reopened.list({ kind: 'Job' })).toEqual(before.jobs);
    expect(await reopened.list({ kind: 'Cluster' })).toEqual(before.clusters);
    expect(await reopened.currentResourceVersion()).toBe(before.clusters.resourceVersion);

    const events = watch(reopened, { kind: 'Job', fromResourceVersion: a.metadata.resourceVersion });
    expect((await take(events, 3)).map(describeEvent)).toEqual(['MODIFIED default/a', 'ADDED default/b', 'DELETED default/b']);
    const d = await reopened.create(makeJob('d'));
    expect(d.metadata.resourceVersion).toBe(String(Number(before.clusters.resourceVersion) + 1));
    expect(describeEvent(await next(events))).toBe('ADDED default/d');
  });

  it('makes reads issued during a write wait for it to be durable', async () => {
    const store = await open();
    const creating = store.create(makeJob('a'));
    // Issued while the create waits for its fdatasync; sees it once it is durable.
    const [read, version] = await Promise.all([store.get(jobKey('a')), store.currentResourceVersion()]);
    const created = await creating;
    expect(read).toEqual(created);
    expect(version).toBe(created.metadata.resourceVersion);
  });

  it('drops a torn last WAL record and appends cleanly after it', async () => {
    const store = await open();
    await store.create(makeJob('a'));
    await store.create(makeJob('b'));
    await store.close();
    const [segment] = await segments();
    await appendFile(join(dataDir, segment), '{"type":"ADDED","object":{"kind":"Job","metad');

    const reopened = await open();
    expect(names((await reopened.list({ kind: 'Job' })).items)).toEqual(['default/a', 'default/b']);
    expect((await reopened.create(makeJob('c'))).metadata.resourceVersion).toBe('3');
    await reopened.close();

    const again = await open();
    expect(names((await again.list({ kind: 'Job' })).items)).toEqual(['default/a', 'default/b', 'default/c']);
  });

  it('refuses to start from a WAL with a corrupt record before its end', async () => {
    const store = await open();
    for (const name of ['a', 'b', 'c']) await store.create(makeJob(name));
    await store.close();
    const [segment] = await segments();
    const lines = (await readFile(join(dataDir, segment), 'utf8')).split('\n');
    lines[1] = lines[1].slice(0, 20);
    await writeFile(join(dataDir, segment), lines.join('\n'));

    await expect(open()).rejects.toThrow(`${join(dataDir, segment)}:2: corrupt write-ahead log record`);
    // The failed open released the directory. (Removing only the segment is a loss the store
    // refuses too: the snapshot names it.)
    await rm(join(dataDir, segment));
    await rm(join(dataDir, 'sky.json'), { force: true });
    await (await open()).close();
  });

  it('keeps every write across compaction, concurrent writes and reopening', async () => {
    const store = await open();
    for (let i = 0; i < 20; i++) await store.create(makeJob(`before-${i}`));
    const compacting = store.compact();
    const during = Promise.all(Array.from({ length: 20 }, (_, i) => store.create(makeJob(`during-${i}`))));
    await Promise.all([compacting, during]);
    const deleted = await store.delete(jobKey('before-0'));
    const snapshot = JSON.parse(await readFile(join(dataDir, 'sky.json'), 'utf8'));
    const before = await store.list({ kind: 'Job' });
    await store.close();

    expect(Number(snapshot.resourceVersion)).toBeGreaterThanOrEqual(20);
    expect(await segments()).toHaveLength(1); // the compacted segment is gone
    const reopened = await open();
    expect(await reopened.list({ kind: 'Job' })).toEqual(before);
    expect(before.items).toHaveLength(39);
    // History before the snapshot is gone; after it, it is all there.
    const tooOld = watch(reopened, { kind: 'Job', fromResourceVersion: '1' });
    expect(await rejection(next(tooOld))).toBeInstanceOf(GoneError);
    const events = watch(reopened, { kind: 'Job', fromResourceVersion: snapshot.resourceVersion });
    const replayed = await take(events, Number(deleted.metadata.resourceVersion) - Number(snapshot.resourceVersion));
    expect(replayed.at(-1)!.type).toBe('DELETED');
    expectOrdered(replayed);
  });

  it('compacts by itself as the WAL grows', async () => {
    const store = await open({ compactionBytes: 16 * 1024 });
    for (let i = 0; i < 200; i++) await store.create(makeJob(`job-${i}`));
    await store.close();

    const snapshot = JSON.parse(await readFile(join(dataDir, 'sky.json'), 'utf8'));
    expect(Number(snapshot.resourceVersion)).toBeGreaterThan(100);
    const walBytes = (await Promise.all((await segments()).map((s) => readFile(join(dataDir, s))))).reduce((n, b) => n + b.length, 0);
    expect(walBytes).toBeLessThan(200 * 700); // far less than 200 records
    const reopened = await open();
    expect((await reopened.list({ kind: 'Job' })).items).toHaveLength(200);
    expect(await reopened.currentResourceVersion()).toBe('200');
  });

  it('survives a failed compaction, then compacts everything once it can', async () => {
    const errors: Error[] = [];
    const store = await open({ compactionBytes: 8 * 1024, onError: (error) => errors.push(error) });
    await mkdir(join(dataDir, '.sky.json.tmp')); // the snapshot's temp file cannot be created
    for (let i = 0; i < 20; i++) await store.create(makeJob(`a-${i}`));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    expect(errors[0].message).toContain('EISDIR');
    expect(errors.length).toBeLessThan(5); // it backs off instead of retrying on every write

    await rm(join(dataDir, '.sky.json.tmp'), { recursive: true });
    for (let i = 0; i < 20; i++) await store.create(makeJob(`b-${i}`));
    await store.compact();
    expect(await segments()).toHaveLength(1);
    await store.close();

    const reopened = await open();
    expect((await reopened.list({ kind: 'Job' })).items).toHaveLength(40);
    expect(await reopened.currentResourceVersion()).toBe('40');
  });

  it('refuses a data directory that another store has open', async () => {
    await open();
    await expect(LowdbStore.open({ dataDir })).rejects.toThrow(`is in use by process ${process.pid}`);
  });
});

// ------------------------------------------------------------------------------------ etcd only

describe('etcd store shared by several API servers', () => {
  let etcd: EtcdProcess;
  const opened: EtcdStore[] = [];
  const open = async (prefix: string) => {
    const store = await EtcdStore.open({ endpoints: [etcd.endpoint], prefix });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it("sees the other servers' writes through watches and compare-and-swap", async () => {
    const [one, two] = [await open('/shared'), await open('/shared')];
    const other = await open('/other-installation');
    const events = watch(one, { kind: 'Job', fromResourceVersion: await one.currentResourceVersion() });

    const created = await two.create(makeJob('a', 'default', { count: '0' }));
    expect(await one.get(jobKey('a'))).toEqual(created);
    expect(await rejection(one.create(makeJob('a')))).toBeInstanceOf(AlreadyExistsError);
    expect(await other.get(jobKey('a'))).toBeUndefined();
    await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 ? one : two, jobKey('a'))));
    await one.delete(jobKey('a'));

    const seen = await take(events, 12);
    expect(seen.map((e) => `${e.type} ${e.object.metadata.annotations.count}`)).toEqual([
      'ADDED 0',
      ...Array.from({ length: 10 }, (_, i) => `MODIFIED ${i + 1}`),
      'DELETED 10',
    ]);
  });

  it('resumes watches across an etcd restart without losing or repeating events', async () => {
    const writer = await open('/restart');
    const from = await writer.currentResourceVersion();
    const total = 2500;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => writer.create(makeCluster(`c-${i + j}`))));
    }
    const watcher = await open('/restart');
    const events = watch(watcher, { kind: 'Cluster', fromResourceVersion: from });

    // etcd sends history in batches of 1000 revisions about 100 ms apart; restart it between two.
    const received = [await next(events)];
    await etcd.restart();
    received.push(...(await take(events, total - 1)));
    const after = await retryWhileUnavailable(() => writer.create(makeCluster('after-restart')));
    received.push(await next(events));

    expectOrdered(received);
    expect(received.map((e) => Number(e.resourceVersion))).toEqual(
      Array.from({ length: total + 1 }, (_, i) => Number(from) + 1 + i),
    );
    expect(received.at(-1)!.object).toEqual(after);

    // The list spans several range pages (500 each), read at one revision, in key order.
    const list = await writer.list({ kind: 'Cluster' });
    const listed = names(list.items);
    expect(new Set(listed).size).toBe(total + 1);
    expect(listed).toEqual([...listed].sort());
    expect(list.resourceVersion).toBe(after.metadata.resourceVersion);
  });
});

/** After an etcd restart the client may need a moment to reconnect. */
async function retryWhileUnavailable<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt === 20 || error instanceof DomainError) throw error;
      await delay(250);
    }
  }
}
