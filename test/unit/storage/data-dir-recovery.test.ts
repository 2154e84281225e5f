import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksummedLine } from '../../../src/storage/checksummed-line.js';
import { recoverDataDirectory } from '../../../src/storage/data-dir-recovery.js';
import { describeLoss } from '../../../src/storage/data-loss.js';
import { encodeSegmentHeader } from '../../../src/storage/segment-header.js';
import { SnapshotFile } from '../../../src/storage/snapshot-file.js';
import type { StoreEvent } from '../../../src/storage/store.js';
import { makeJob } from '../../fixtures/store-objects.js';

const DIR = 'dir-id';

function event(version: number): StoreEvent {
  const object = makeJob(`job-${version}`);
  object.metadata.resourceVersion = String(version);
  return { type: 'ADDED', object, resourceVersion: String(version) };
}
/** A format 2 record line; format 1 lines are the bare JSON. */
const record = (version: number) => checksummedLine(`"event":${JSON.stringify(event(version))}}`) + '\n';
const bare = (version: number) => JSON.stringify(event(version)) + '\n';
const header = (segment: number, first: number, committed = first - 1, sealed = false) =>
  encodeSegmentHeader({ dir: DIR, segment, first, committed, sealed }).toString('utf8');

describe('recoverDataDirectory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-recovery-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const recover = async (files: Record<string, string>, snapshotVersion?: number) => {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    const snapshot = new SnapshotFile(join(dir, 'sky.json'));
    if (snapshotVersion !== undefined) await snapshot.write({ format: 2, dir: DIR, resourceVersion: String(snapshotVersion), wal: { segment: 1, first: 1 }, objects: [] });
    return recoverDataDirectory(dir, snapshot);
  };
  const versions = (events: StoreEvent[]) => events.map((e) => Number(e.resourceVersion));

  it('replays only what the snapshot does not hold, across segments', async () => {
    const recovery = await recover({ 'wal.1.jsonl': header(1, 1, 3, true) + record(1) + record(2) + record(3), 'wal.2.jsonl': header(2, 4, 4) + record(4) }, 2);
    expect(recovery.losses).toEqual([]);
    expect(versions(recovery.events)).toEqual([3, 4]);
    expect(recovery).toMatchObject({ dir: DIR, legacy: false, snapshotVersion: 2, highestVersion: 4, segmentNumbers: [1, 2] });
    expect(recovery.tail?.number).toBe(2);
  });

  it.each([
    ['a corrupt record with records after it', { 'wal.1.jsonl': header(1, 1) + record(1) + 'garbage\n' + record(3) }, 'wal.1.jsonl:3: corrupt write-ahead log record (it does not start with its checksum); it is not a write torn by a crash, since records follow it; lost: resourceVersion 2.'],
    ['a torn record in a sealed segment', { 'wal.1.jsonl': header(1, 1) + record(1) + '{"crc', 'wal.2.jsonl': header(2, 2) }, 'wal.1.jsonl:3: corrupt write-ahead log record (the record is incomplete (no end of line)); it is not a write torn by a crash, since another segment follows this one'],
    ['a checksummed line that is not an event', { 'wal.1.jsonl': header(1, 1) + checksummedLine('"hello":1}') + '\n' + record(2) }, 'wal.1.jsonl:2: corrupt write-ahead log record (not a store event)'],
    ['records out of order', { 'wal.1.jsonl': header(1, 1) + record(1) + record(2) + record(2) }, 'wal.1.jsonl:4: resourceVersion 2 does not follow 2; the write-ahead log is out of order'],
    ['a missing record', { 'wal.1.jsonl': header(1, 1) + record(1) + record(3) }, 'wal.1.jsonl:3: resourceVersion 3 found where 2 was expected; the write-ahead log is missing records; lost: resourceVersion 2 (1 write(s)).'],
    ['a segment without its header', { 'wal.1.jsonl': record(1) + record(2) }, "wal.1.jsonl:1: its header line is missing; lost: the check of where it belongs (its intact records are read on their own)."],
    ['a header naming another segment', { 'wal.1.jsonl': header(3, 1) + record(1) }, "wal.1.jsonl:1: the segment's header says it is wal.3.jsonl; lost: its 1 record(s), resourceVersion 1, are ignored."],
    ['format 1 after format 2', { 'wal.1.jsonl': header(1, 1, 1) + record(1), 'wal.2.jsonl': bare(2) }, 'wal.2.jsonl: the segment has no header (format 1) although format 2 files come before it'],
    ['an emptied segment', { 'wal.1.jsonl': header(1, 1, 1) + record(1), 'wal.2.jsonl': '' }, 'wal.2.jsonl: the segment is empty: its header and every record are gone'],
  ])('reports %s', async (_, files, message) => {
    const recovery = await recover(files, 0);
    expect(recovery.losses.map(describeLoss).join('\n')).toContain(`${dir}/${message}`);
  });

  it('keeps the intact records after a loss, for a repair', async () => {
    const recovery = await recover({ 'wal.1.jsonl': header(1, 1) + record(1) + record(2).replace('job-2', 'job-X') + record(3) + record(5) }, 0);
    expect(recovery.losses).toHaveLength(2);
    expect(versions(recovery.events)).toEqual([1, 3, 5]);
  });

  it('reads format 1 segments, dropping a torn tail of the last one', async () => {
    await writeFile(join(dir, 'sky.json'), '{"format":1,"resourceVersion":"1","objects":[]}');
    const recovery = await recover({ 'wal.1.jsonl': bare(1) + bare(2), 'wal.2.jsonl': bare(3) + '{"type":"ADD' });
    expect(recovery.losses).toEqual([]);
    expect(recovery).toMatchObject({ legacy: true, dir: undefined, snapshotVersion: 1, tail: undefined });
    expect(versions(recovery.events)).toEqual([2, 3]);
    expect(recovery.tornTail).toMatchObject({ file: join(dir, 'wal.2.jsonl'), line: 2, bytes: 12, after: 3 });
  });
});
