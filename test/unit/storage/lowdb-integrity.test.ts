/**
 * What the lowdb store does at start when its data directory lost or changed acknowledged data:
 * it refuses, naming the file, the line and what is gone, unless told to repair; a torn final
 * write (never acknowledged) is dropped with a warning; a format 1 directory is migrated.
 */
import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GoneError } from '../../../src/domain/errors.js';
import { DataDirectoryDamagedError } from '../../../src/storage/data-loss.js';
import { LowdbStore, type LowdbStoreOptions } from '../../../src/storage/lowdb-store.js';
import type { StoreEvent } from '../../../src/storage/store.js';
import { makeJob } from '../../fixtures/store-objects.js';

describe('lowdb data directory integrity', () => {
  let dataDir: string;
  let warnings: string[];
  const others: string[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sky-integrity-'));
    warnings = [];
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await Promise.all(others.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const open = (options: Partial<LowdbStoreOptions> = {}, dir = dataDir) =>
    LowdbStore.open({ dataDir: dir, onWarning: (message) => warnings.push(message), ...options });
  const file = (name: string) => join(dataDir, name);
  const segments = async (dir = dataDir) => (await readdir(dir)).filter((name) => /^wal\.\d+\.jsonl$/.test(name)).sort();
  const jobNames = async (store: LowdbStore) => (await store.list({ kind: 'Job' })).items.map((job) => job.metadata.name);

  /** Creates jobs job-<from>..job-<to-1> in an open store. */
  const createJobs = async (store: LowdbStore, from: number, to: number) => {
    for (let i = from; i < to; i++) await store.create(makeJob(`job-${i}`));
  };
  const fill = async (count: number, dir = dataDir) => {
    const store = await open({}, dir);
    await createJobs(store, 0, count);
    await store.close();
  };
  /** Segments 1.. with the given numbers of jobs each: compactions whose snapshot write failed. */
  const fillSegments = async (counts: number[]) => {
    const store = await open();
    await mkdir(file('.sky.json.tmp')); // the snapshot cannot be written, so each compaction only rotates
    let created = 0;
    for (const [index, count] of counts.entries()) {
      if (index > 0) await expect(store.compact()).rejects.toThrow('EISDIR');
      await createJobs(store, created, created + count);
      created += count;
    }
    await store.close();
    await rm(file('.sky.json.tmp'), { recursive: true });
  };
  const refusal = async (options: Partial<LowdbStoreOptions> = {}) => {
    const error = await open(options).then(
      async (store) => {
        await store.close();
        throw new Error('the store opened');
      },
      (error: unknown) => error,
    );
    expect(error).toBeInstanceOf(DataDirectoryDamagedError);
    const { message } = error as Error;
    expect(message).toContain(`The lowdb data directory ${dataDir} has lost acknowledged writes`);
    expect(message).toContain('--repair-data-dir (SKYM_REPAIR_DATA_DIR=true)');
    return message;
  };
  const lines = async (name: string) => (await readFile(file(name), 'utf8')).split('\n');
  const editLine = async (name: string, index: number, edit: (line: string) => string | undefined) => {
    const all = await lines(name);
    const edited = edit(all[index]);
    if (edited === undefined) all.splice(index, 1);
    else all[index] = edited;
    await writeFile(file(name), all.join('\n'));
  };

  describe('refuses to start when acknowledged writes are gone', () => {
    it('the last segment cut in half, mid-record or at a record boundary', async () => {
      await fill(100);
      const [segment] = await segments();
      const { size } = await import('node:fs/promises').then((fs) => fs.stat(file(segment)));
      await truncate(file(segment), Math.floor(size / 2));
      expect(await refusal()).toMatch(
        new RegExp(`${segment}:(\\d+): the segment breaks off here \\(the record is incomplete \\(no end of line\\)\\), but its header records resourceVersion 100 as committed; lost: resourceVersions (\\d+)-100 \\(\\d+ acknowledged write\\(s\\)\\)\\.`),
      );

      await editLine(segment, 40, () => ''); // cut right after line 40
      const all = await lines(segment);
      await writeFile(file(segment), all.slice(0, 41).join('\n'));
      expect(await refusal()).toContain(`${segment}:41: the segment ends here, but its header records resourceVersion 100 as committed; lost: resourceVersions 40-100 (61 acknowledged write(s)).`);
    });

    it('the last segment deleted, when the snapshot names it', async () => {
      const store = await open();
      await createJobs(store, 0, 20);
      await store.compact();
      await createJobs(store, 20, 30);
      await store.close();
      const [segment] = await segments();
      await rm(file(segment));
      expect(await refusal()).toContain(`${file(segment)}: the segment is missing; ${file('sky.json')} (resourceVersion 20) names it as the log that continues it; lost: every write after resourceVersion 20, how many is unknown.`);
    });

    it('the last segment deleted, when the one before it was sealed', async () => {
      await fillSegments([10, 5]);
      expect(await segments()).toEqual(['wal.1.jsonl', 'wal.2.jsonl']);
      await rm(file('wal.2.jsonl'));
      expect(await refusal()).toContain(`${file('wal.2.jsonl')}: the segment is missing; ${file('wal.1.jsonl')} was sealed when it was started; lost: every write after resourceVersion 10`);
    });

    it('a middle segment deleted', async () => {
      await fillSegments([10, 5, 5]);
      await rm(file('wal.2.jsonl'));
      expect(await refusal()).toContain(
        `${file('wal.3.jsonl')}:1: the segment starts at resourceVersion 16, but the log before it ends at 10: a segment is missing or was cut short; lost: resourceVersions 11-15 (5 acknowledged write(s)).`,
      );
    });

    it('a segment from another data directory', async () => {
      await fill(5);
      const other = await mkdtemp(join(tmpdir(), 'sky-integrity-other-'));
      others.push(other);
      await fill(5, other);
      await copyFile(join(other, 'wal.1.jsonl'), file('wal.1.jsonl'));
      expect(await refusal()).toMatch(/wal\.1\.jsonl:1: the segment belongs to another data directory \(id [\w-]+, not [\w-]+\); lost: its 5 record\(s\), resourceVersions 1-5, are ignored/);
    });

    it('the snapshot deleted', async () => {
      const store = await open();
      await createJobs(store, 0, 20);
      await store.compact();
      await store.close();
      await rm(file('sky.json'));
      expect(await refusal()).toContain(`${file('sky.json')}: the snapshot is missing, and the write-ahead log starts at resourceVersion 21 (${file('wal.2.jsonl')}); lost: resourceVersions 1-20 (20 acknowledged write(s)).`);
    });

    it('a line removed from the snapshot, or a value changed in it', async () => {
      const store = await open();
      await createJobs(store, 0, 20);
      await store.compact();
      await store.close();
      const intact = await readFile(file('sky.json'));

      await editLine('sky.json', 5, () => undefined); // object 5
      expect(await refusal()).toContain(`${file('sky.json')}:6: object 5 is missing before this line (a line was removed); lost: 1 object(s), names unknown.`);

      await writeFile(file('sky.json'), intact);
      await editLine('sky.json', 5, (line) => line.replace('"replicas":1', '"replicas":7'));
      expect(await refusal()).toMatch(new RegExp(`sky\\.json:6: object 5 is damaged: its checksum \\w+ does not match its content \\(\\w+\\); lost: Job default/job-4 \\(its state as of the snapshot\\)\\.`));
    });

    it('a value changed in a record, in the middle or at the end of the log', async () => {
      await fill(10);
      const intact = await readFile(file('wal.1.jsonl'));
      await editLine('wal.1.jsonl', 4, (line) => line.replace('"busybox"', '"busyboy"')); // resourceVersion 4
      expect(await refusal()).toMatch(/wal\.1\.jsonl:5: corrupt write-ahead log record \(its checksum \w+ does not match its content \(\w+\)\); it is not a write torn by a crash, since records follow it; lost: resourceVersion 4\./);

      await writeFile(file('wal.1.jsonl'), intact);
      await editLine('wal.1.jsonl', 10, (line) => line.replace('"busybox"', '"busyboy"')); // the last record
      expect(await refusal()).toMatch(/wal\.1\.jsonl:11: the segment breaks off here \(its checksum \w+ does not match its content \(\w+\)\), but its header records resourceVersion 10 as committed; lost: resourceVersion 10 \(1 acknowledged write\(s\)\)\./);
    });
  });

  it('drops a torn final write with a warning, and starts', async () => {
    await fill(3);
    await appendFile(file('wal.1.jsonl'), '{"crc":"8a1f2b3c","event":{"type":"ADDED","object":{"kind":"Job","metad');
    const store = await open();
    expect(await jobNames(store)).toEqual(['job-0', 'job-1', 'job-2']);
    expect(warnings).toEqual([
      `${file('wal.1.jsonl')}:5: dropped a torn write (71 bytes; the record is incomplete (no end of line)). It lies past what the segment records as committed, so it was being written when the process stopped and was never acknowledged; the log ends at resourceVersion 3.`,
    ]);
    await store.create(makeJob('job-3'));
    await store.close();

    warnings = [];
    const again = await open();
    expect(await jobNames(again)).toEqual(['job-0', 'job-1', 'job-2', 'job-3']);
    await again.close();
    expect(warnings).toEqual([]);
  });

  it('with repair, starts from what is intact, warns what it dropped, and opens cleanly next time', async () => {
    const store = await open();
    await createJobs(store, 0, 20);
    await store.compact();
    await createJobs(store, 20, 30);
    await store.close();
    await editLine('sky.json', 3, (line) => line.replace('"busybox"', '"busyboy"')); // job-2
    const [segment] = await segments();
    const all = await lines(segment);
    await writeFile(file(segment), all.slice(0, 6).join('\n') + '\n'); // keeps resourceVersions 21-25
    await refusal();

    const repaired = await open({ repair: true });
    const expected = Array.from({ length: 25 }, (_, i) => `job-${i}`).filter((name) => name !== 'job-2');
    expect((await jobNames(repaired)).sort()).toEqual(expected.sort());
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^Repairing ${dataDir}: dropped .*sky\\.json:4: object 3 is damaged: .*; lost: Job default/job-2 \\(its state as of the snapshot\\)\\.$`)),
      `Repairing ${dataDir}: dropped ${file(segment)}:7: the segment ends here, but its header records resourceVersion 30 as committed; lost: resourceVersions 26-30 (5 acknowledged write(s)).`,
      `Repaired ${dataDir}: it now holds the 24 intact object(s) at resourceVersion 30, and opens cleanly.`,
    ]);
    // Versions a client may have seen are not handed out again, and old watches list again.
    expect(await repaired.currentResourceVersion()).toBe('30');
    const watch = repaired.watch({ kind: 'Job', fromResourceVersion: '25' })[Symbol.asyncIterator]();
    await expect(watch.next()).rejects.toBeInstanceOf(GoneError);
    expect((await repaired.create(makeJob('after'))).metadata.resourceVersion).toBe('31');
    await repaired.close();

    warnings = [];
    const clean = await open();
    expect(await jobNames(clean)).toContain('after');
    expect(await jobNames(clean)).toHaveLength(25);
    await clean.close();
    expect(warnings).toEqual([]);
  });

  it('migrates a format 1 directory on its first open, with one warning', async () => {
    const event = (type: StoreEvent['type'], name: string, version: number) => {
      const object = makeJob(name);
      object.metadata.resourceVersion = String(version);
      return JSON.stringify({ type, object, resourceVersion: String(version) }) + '\n';
    };
    const snapshotted = [makeJob('a'), makeJob('b')].map((job, i) => ({ ...job, metadata: { ...job.metadata, resourceVersion: String(i + 1) } }));
    await writeFile(file('sky.json'), `{"format":1,"resourceVersion":"2","objects":[\n${snapshotted.map((o) => JSON.stringify(o)).join(',\n')}\n]}\n`);
    await writeFile(file('wal.1.jsonl'), event('ADDED', 'a', 1) + event('ADDED', 'b', 2) + event('ADDED', 'c', 3));
    await writeFile(file('wal.2.jsonl'), event('DELETED', 'a', 4) + '{"type":"ADD'); // and a torn tail

    const store = await open();
    expect(await jobNames(store)).toEqual(['b', 'c']);
    expect(await store.currentResourceVersion()).toBe('4');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('wal.2.jsonl:2: dropped a torn write');
    expect(warnings[1]).toBe(
      `Migrated the lowdb data directory ${dataDir} to format 2 (checksummed records and snapshot, and a snapshot that names the log continuing it). Format 1 files carry no checksums, so their content was taken as it was.`,
    );
    await store.create(makeJob('d'));
    await store.close();
    expect(await segments()).toEqual(['wal.3.jsonl']);
    expect(JSON.parse(await readFile(file('sky.json'), 'utf8'))).toMatchObject({ format: 2, resourceVersion: '4', wal: { segment: 3, first: 5 } });

    warnings = [];
    const again = await open();
    expect(await jobNames(again)).toEqual(['b', 'c', 'd']);
    await again.close();
    expect(warnings).toEqual([]);
  });
});
