import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotFile, type Snapshot } from '../../../src/storage/snapshot-file.js';
import { makeCluster, makeJob } from '../../fixtures/store-objects.js';

const header = { format: 2, dir: 'test-dir', wal: { segment: 3, first: 990 } } as const;

describe('SnapshotFile', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-snapshot-'));
    path = join(dir, 'sky.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a JSON document, one checksummed object per line, that reads back intact across chunk boundaries', async () => {
    const file = new SnapshotFile(path);
    // 1001: more than two chunks, the last one short.
    const objects = [...Array.from({ length: 1000 }, (_, i) => makeJob(`job-${i}`)), makeCluster('c')];
    const snapshot: Snapshot = { ...header, resourceVersion: '1001', objects };
    expect(await file.write(snapshot)).toBe(await file.size());

    expect(await file.read()).toEqual({ snapshot, losses: [] });
    // Still one JSON document (lowdb, jq): the objects are wrapped with their checksums.
    const low = new Low<Record<string, any> | null>(new JSONFile(path), null);
    await low.read();
    expect(low.data).toMatchObject({ format: 2, resourceVersion: '1001', count: 1001 });
    expect(low.data?.objects[1000].object).toEqual(objects[1000]);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(1001 + 3);
    expect(await readdir(dir)).toEqual(['sky.json']); // no temp file left behind
  });

  it('writes an empty store', async () => {
    const file = new SnapshotFile(path);
    await file.write({ ...header, resourceVersion: '7', objects: [] });
    expect(await file.read()).toEqual({ snapshot: { ...header, resourceVersion: '7', objects: [] }, losses: [] });
  });

  it('reads nothing when there is no snapshot yet', async () => {
    const file = new SnapshotFile(path);
    expect(await file.read()).toBeNull();
    expect(await file.size()).toBe(0);
  });

  it('reports a changed, a removed and a repeated line, naming the line and the object, and keeps the rest', async () => {
    const file = new SnapshotFile(path);
    await file.write({ ...header, resourceVersion: '5', objects: ['a', 'b', 'c', 'd', 'e'].map((name) => makeJob(name)) });
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = lines[2].replace('"busybox"', '"busyboy"'); // object b, line 3
    lines.splice(4, 1); // object d, line 5
    lines.splice(4, 0, lines[3]); // object c again
    await writeFile(path, lines.join('\n'));

    const read = await file.read();
    expect(read!.snapshot.objects.map((o) => o.metadata.name)).toEqual(['a', 'c', 'e']);
    expect(read!.losses.map((l) => [l.line, l.problem.replace(/:.*/, ''), l.lost])).toEqual([
      [3, 'object 2 is damaged', 'Job default/b (its state as of the snapshot)'],
      [5, 'object 3 appears again or out of order, after object 3', 'the repeated line is ignored'],
      [6, 'object 4 is missing before this line (a line was removed)', '1 object(s), names unknown'],
    ]);
  });

  it('reports a snapshot cut short and a changed first line', async () => {
    const file = new SnapshotFile(path);
    await file.write({ ...header, resourceVersion: '5', objects: ['a', 'b'].map((name) => makeJob(name)) });
    const lines = (await readFile(path, 'utf8')).split('\n');
    await writeFile(path, [lines[0].replace('"resourceVersion":"5"', '"resourceVersion":"4"'), lines[1]].join('\n') + '\n');

    const read = await file.read();
    expect(read!.snapshot).toMatchObject({ resourceVersion: '4', wal: header.wal });
    expect(read!.losses.map((l) => l.line + ' ' + l.problem)).toEqual([
      expect.stringMatching(/^1 the snapshot's first line is damaged: its checksum \w+ does not match/),
      '3 the snapshot ends after object 1 of 2',
    ]);
  });

  it('still reads format 1, which has no checksums', async () => {
    const legacy = { format: 1, resourceVersion: '2', objects: [makeJob('a')] };
    await writeFile(path, JSON.stringify(legacy));
    expect(await new SnapshotFile(path).read()).toEqual({ snapshot: legacy, losses: [] });
  });

  it('names the file when it is not a snapshot', async () => {
    await writeFile(path, '{"objects": {}}');
    await expect(new SnapshotFile(path).read()).rejects.toThrow(`Snapshot ${path} is not a Sky Manager snapshot`);
    await writeFile(path, '{"format": 1, "resourceVers');
    await expect(new SnapshotFile(path).read()).rejects.toThrow(`Snapshot ${path} is unreadable`);
  });
});
