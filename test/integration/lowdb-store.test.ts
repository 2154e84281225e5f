/**
 * What only the lowdb store promises, beyond the Store contract: its data on disk across
 * reopening, torn and corrupt write-ahead log records, and compaction.
 */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GoneError } from '../../src/domain/errors.js';
import type { SkyObject } from '../../src/domain/types.js';
import { LowdbStore, type LowdbStoreOptions } from '../../src/storage/lowdb-store.js';
import { makeCluster, makeJob } from '../fixtures/store-objects.js';
import { describeEvent, expectOrdered, jobKey, names, next, rejection, take, watch } from '../helpers/store-events.js';

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
