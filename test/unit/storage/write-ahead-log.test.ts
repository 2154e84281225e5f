import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../../src/storage/store.js';
import { WriteAheadLog } from '../../../src/storage/write-ahead-log.js';
import { makeJob } from '../../fixtures/store-objects.js';

function event(version: number, name = `job-${version}`): StoreEvent {
  const object = makeJob(name);
  object.metadata.resourceVersion = String(version);
  return { type: 'ADDED', object, resourceVersion: String(version) };
}

const line = (version: number) => JSON.stringify(event(version)) + '\n';

describe('WriteAheadLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-wal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('group-commits concurrent appends, acknowledging them in order', async () => {
    const { log } = await WriteAheadLog.open(dir, 0);
    const acknowledged: number[] = [];
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(event(i + 1)).then(() => acknowledged.push(i + 1))));
    await log.close();

    expect(acknowledged).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const { log: reopened, events } = await WriteAheadLog.open(dir, 0);
    await reopened.close();
    expect(events.map((e) => Number(e.resourceVersion))).toEqual(acknowledged);
    expect(log.size).toBe((await readFile(join(dir, 'wal.1.jsonl'))).length);
  });

  it('replays only what the snapshot does not hold', async () => {
    await writeFile(join(dir, 'wal.1.jsonl'), line(1) + line(2) + line(3));
    const { log, events } = await WriteAheadLog.open(dir, 2);
    await log.close();
    expect(events.map((e) => e.resourceVersion)).toEqual(['3']);
  });

  it('rotates to a new segment and removes sealed ones', async () => {
    const { log } = await WriteAheadLog.open(dir, 0);
    await log.append(event(1));
    const sealed = await log.rotate();
    await log.append(event(2));
    expect(sealed).toEqual([1]);
    expect((await readdir(dir)).sort()).toEqual(['wal.1.jsonl', 'wal.2.jsonl']);

    await log.remove(sealed);
    await expect(log.remove([2])).rejects.toThrow('active');
    await log.close();
    expect(await readdir(dir)).toEqual(['wal.2.jsonl']);
    expect(log.size).toBe(line(2).length);
  });

  it('rejects appends after it is closed', async () => {
    const { log } = await WriteAheadLog.open(dir, 0);
    await log.close();
    await expect(log.append(event(1))).rejects.toThrow('closed');
  });

  it('drops a torn record at the very end, even one that parses but lacks its newline', async () => {
    const intact = line(1) + line(2);
    for (const torn of ['{"type":"ADD', '\0\0\0\0', line(3).trimEnd(), 'garbage\n']) {
      await writeFile(join(dir, 'wal.1.jsonl'), intact + torn);
      const { log, events } = await WriteAheadLog.open(dir, 0);
      await log.close();
      expect(events.map((e) => e.resourceVersion)).toEqual(['1', '2']);
      expect(await readFile(join(dir, 'wal.1.jsonl'), 'utf8')).toBe(intact);
    }
  });

  it.each([
    ['a corrupt record with records after it', ['wal.1.jsonl', line(1) + 'garbage\n' + line(3)], 'wal.1.jsonl:2: corrupt write-ahead log record'],
    ['a torn record in a sealed segment', ['wal.1.jsonl', line(1) + '{"type'], 'wal.1.jsonl:2: corrupt write-ahead log record'],
    ['JSON that is not an event', ['wal.1.jsonl', '{"hello":1}\n' + line(2)], 'not a store event'],
    ['records out of order', ['wal.1.jsonl', line(1) + line(2) + line(2)], 'resourceVersion 2 does not follow 2'],
    ['a missing record', ['wal.1.jsonl', line(1) + line(3)], 'resourceVersion 3 found where 2 was expected'],
  ])('refuses to open with %s', async (_, [name, content], message) => {
    await writeFile(join(dir, name), content);
    // A torn tail is only forgiven in the last segment, so give the sealed-segment case a successor.
    await writeFile(join(dir, 'wal.9.jsonl'), '');
    await expect(WriteAheadLog.open(dir, 0)).rejects.toThrow(message);
  });
});
