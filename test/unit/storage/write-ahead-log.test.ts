import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../../src/storage/store.js';
import { WriteAheadLog } from '../../../src/storage/write-ahead-log.js';
import { readSegmentFile } from '../../../src/storage/segment-file.js';
import { decodeSegmentHeader, encodeSegmentHeader } from '../../../src/storage/segment-header.js';
import { makeJob } from '../../fixtures/store-objects.js';

function event(version: number, name = `job-${version}`): StoreEvent {
  const object = makeJob(name);
  object.metadata.resourceVersion = String(version);
  return { type: 'ADDED', object, resourceVersion: String(version) };
}

const DIR_ID = 'test-dir';

describe('WriteAheadLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-wal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const header = async (segment: number) => {
    const decoded = decodeSegmentHeader(await readFile(join(dir, `wal.${segment}.jsonl`)));
    if (!('header' in decoded)) throw new Error(decoded.problem);
    return decoded.header;
  };

  it('group-commits concurrent appends, acknowledging them in order, as checksummed records', async () => {
    const log = await WriteAheadLog.create(dir, { dir: DIR_ID, segment: 1, first: 1 });
    const acknowledged: number[] = [];
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(event(i + 1)).then(() => acknowledged.push(i + 1))));
    await log.close();

    expect(acknowledged).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const segment = await readSegmentFile(dir, 1);
    expect(segment.format).toBe(2);
    expect(segment.damage).toBeUndefined();
    expect(segment.records.map((r) => r.version)).toEqual(acknowledged);
    expect(segment.records[0].line).toBe(2); // after the header
    expect(log.size).toBe((await readFile(join(dir, 'wal.1.jsonl'))).length);
  });

  it('records each group commit as committed in the header before acknowledging it, without closing', async () => {
    const log = await WriteAheadLog.create(dir, { dir: DIR_ID, segment: 1, first: 1 });
    expect(await header(1)).toEqual({ dir: DIR_ID, segment: 1, first: 1, committed: 0, sealed: false });
    await log.append(event(1));
    expect((await header(1)).committed).toBe(1);
    await Promise.all([log.append(event(2)), log.append(event(3))]);
    // What a kill -9 would leave: the page cache holds the header as of the last acknowledgement.
    expect((await header(1)).committed).toBe(3);
    await log.close();
  });

  it('rotates to a new segment that starts after the last record, seals the old one, and removes it', async () => {
    const log = await WriteAheadLog.create(dir, { dir: DIR_ID, segment: 1, first: 1 });
    await log.append(event(1));
    const rotated = await log.rotate();
    await log.append(event(2));
    expect(rotated).toEqual({ sealed: [1], segment: 2, first: 2 });
    expect((await readdir(dir)).sort()).toEqual(['wal.1.jsonl', 'wal.2.jsonl']);
    expect(await header(1)).toMatchObject({ committed: 1, sealed: true });
    expect(await header(2)).toMatchObject({ first: 2, committed: 2, sealed: false });

    await log.remove(rotated.sealed);
    await expect(log.remove([2])).rejects.toThrow('active');
    await log.close();
    expect(await readdir(dir)).toEqual(['wal.2.jsonl']);
    expect(log.size).toBe((await readFile(join(dir, 'wal.2.jsonl'))).length);
  });

  it('resumes the last segment: cuts a torn tail and brings the header up to its last record', async () => {
    const log = await WriteAheadLog.create(dir, { dir: DIR_ID, segment: 1, first: 1 });
    await log.append(event(1));
    await log.close();
    const file = join(dir, 'wal.1.jsonl');
    const intact = await readFile(file);
    // As if the process died between a group commit's fdatasync and its header write, and then
    // during the next write.
    const stale = Buffer.from(intact);
    encodeSegmentHeader({ dir: DIR_ID, segment: 1, first: 1, committed: 0, sealed: false }).copy(stale, 0);
    await writeFile(file, stale);
    await appendFile(file, '{"crc":"0000');

    const tail = await readSegmentFile(dir, 1);
    expect(tail.damage).toMatchObject({ line: 3, final: true });
    const resumed = await WriteAheadLog.resume(dir, tail, 1, new Map());
    expect((await readFile(file)).length).toBe(intact.length);
    expect((await header(1)).committed).toBe(1);
    await resumed.append(event(2));
    await resumed.close();
    expect((await readSegmentFile(dir, 1)).records.map((r) => r.version)).toEqual([1, 2]);
  });

  it('rejects appends after it is closed', async () => {
    const log = await WriteAheadLog.create(dir, { dir: DIR_ID, segment: 1, first: 1 });
    await log.close();
    await expect(log.append(event(1))).rejects.toThrow('closed');
  });
});
