import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotFile, type Snapshot } from '../../../src/storage/snapshot-file.js';
import { makeCluster, makeJob } from '../../fixtures/store-objects.js';

describe('SnapshotFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-snapshot-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a JSON document that lowdb reads back, across chunk boundaries', async () => {
    const file = new SnapshotFile(join(dir, 'sky.json'));
    // 1001: more than two chunks, the last one short.
    const objects = [...Array.from({ length: 1000 }, (_, i) => makeJob(`job-${i}`)), makeCluster('c')];
    await file.write({ format: 1, resourceVersion: '1001', objects });

    expect(await file.read()).toEqual({ format: 1, resourceVersion: '1001', objects });
    const low = new Low<Snapshot | null>(new JSONFile(join(dir, 'sky.json')), null);
    await low.read();
    expect(low.data?.objects).toHaveLength(1001);
    expect(await file.size()).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual(['sky.json']); // no temp file left behind
  });

  it('writes an empty store', async () => {
    const file = new SnapshotFile(join(dir, 'sky.json'));
    await file.write({ format: 1, resourceVersion: '7', objects: [] });
    expect(await file.read()).toEqual({ format: 1, resourceVersion: '7', objects: [] });
  });

  it('reads nothing when there is no snapshot yet', async () => {
    const file = new SnapshotFile(join(dir, 'sky.json'));
    expect(await file.read()).toBeNull();
    expect(await file.size()).toBe(0);
  });

  it('names the file when it is not a snapshot', async () => {
    await writeFile(join(dir, 'sky.json'), '{"objects": {}}');
    await expect(new SnapshotFile(join(dir, 'sky.json')).read()).rejects.toThrow(`Snapshot ${join(dir, 'sky.json')} is not a Sky Manager snapshot`);
    await writeFile(join(dir, 'sky.json'), '{"format": 1, "resourceVers');
    await expect(new SnapshotFile(join(dir, 'sky.json')).read()).rejects.toThrow(`Snapshot ${join(dir, 'sky.json')} is unreadable`);
  });
});
