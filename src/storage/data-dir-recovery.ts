/**
 * Reads a lowdb data directory at start-up and checks that it holds every acknowledged write:
 * the snapshot, then the chain of write-ahead log segments that continues it. Reads only; the
 * store decides what to do with the verdict (src/storage/lowdb-store.ts).
 *
 * What it can tell apart:
 * - A changed, removed or repeated line: every line carries a checksum, snapshot lines are
 *   numbered and counted, and log records carry consecutive resourceVersions.
 * - A missing or foreign segment: the snapshot names the segment that continues it (number and
 *   first resourceVersion) and the data directory's id; each segment header repeats the id and
 *   starts one past its predecessor's last record; a sealed last segment lost its successor.
 * - A segment cut short: its header records the last resourceVersion it committed. That mark is
 *   rewritten after each group commit's fdatasync and made durable by the next one, so after a
 *   `kill -9` it is exact, and after a power cut it may lag by the last group commit: only a cut
 *   within that last group commit would pass for a torn write.
 * - A torn write: a damaged final line of the last segment, past what the header says was
 *   committed, is a write the crash interrupted before it was acknowledged. It is dropped.
 *
 * Everything else is a loss. Losses do not stop the scan: it keeps every intact record after
 * one (in resourceVersion order), so that a repair loses no more than what is damaged.
 */
import { readdir } from 'node:fs/promises';
import type { SkyObject } from '../domain/types.js';
import type { StoreEvent } from './store.js';
import type { DataLoss } from './data-loss.js';
import { readSegmentFile, segmentPath, type SegmentFile, type SegmentRecord } from './segment-file.js';
import type { SnapshotFile } from './snapshot-file.js';

const SEGMENT_NAME = /^wal\.(\d+)\.jsonl$/;

export interface TornTail {
  file: string;
  line: number;
  /** Bytes dropped from the end of the file. */
  bytes: number;
  reason: string;
  /** The last resourceVersion kept before it. */
  after: number;
}

export interface Recovery {
  /** The data directory's id; undefined when nothing has one yet (new, or format 1 only). */
  dir?: string;
  /** Something is in format 1 (no checksums): the store rewrites the directory in format 2. */
  legacy: boolean;
  /** There is a snapshot file (a new directory has none, and no segments either). */
  snapshotFound: boolean;
  snapshotVersion: number;
  /** The snapshot's intact objects. */
  objects: SkyObject[];
  /** Intact log events newer than the snapshot, in resourceVersion order. */
  events: StoreEvent[];
  /** Acknowledged writes missing or damaged; empty when the directory is intact. */
  losses: DataLoss[];
  tornTail?: TornTail;
  /** The highest resourceVersion any file holds or records: a repaired store continues after it. */
  highestVersion: number;
  /** Every segment file found, by number. */
  segmentNumbers: number[];
  /** Segments older than the snapshot's: leftovers of a compaction a crash interrupted. */
  staleSegments: number[];
  /** The last segment, to append to (format 2 with a header; absent when there is none). */
  tail?: SegmentFile;
  /** Bytes of each segment still in use, by number. */
  segmentBytes: Map<number, number>;
}

export async function listSegments(dir: string): Promise<number[]> {
  const numbers: number[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (match) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

export async function recoverDataDirectory(dataDir: string, snapshotFile: SnapshotFile): Promise<Recovery> {
  const read = await snapshotFile.read();
  const snapshot = read?.snapshot;
  const current = snapshot?.format === 2 ? snapshot : undefined;
  const snapshotVersion = Number(snapshot?.resourceVersion ?? 0);
  const numbers = await listSegments(dataDir);
  const staleSegments = current ? numbers.filter((n) => n < current.wal.segment) : [];
  const segments: SegmentFile[] = [];
  for (const number of numbers) if (!staleSegments.includes(number)) segments.push(await readSegmentFile(dataDir, number));

  const chain = new ChainCheck(dataDir, snapshotFile.path, snapshotVersion, current?.dir || undefined);
  chain.losses.push(...(read?.losses ?? []));
  if (current) chain.startAfterSnapshot(current.wal, segments[0]);
  // Format 1 segments may only come first: before any format 2 file.
  let formatOneAllowed = !current;
  for (const [index, segment] of segments.entries()) {
    const isLast = index === segments.length - 1;
    if (segment.format !== 2) {
      if (formatOneAllowed) chain.legacy = true;
      else {
        chain.rejectUnheadedSegment(segment);
        continue;
      }
    } else {
      formatOneAllowed = false;
    }
    chain.readSegment(segment, isLast);
  }
  if (snapshot?.format === 1) chain.legacy = true;

  const tail = segments.at(-1);
  const segmentBytes = new Map(segments.map((s) => [s.number, s.validBytes]));
  return {
    dir: chain.dir,
    legacy: chain.legacy,
    snapshotFound: snapshot !== undefined,
    snapshotVersion,
    objects: snapshot?.objects ?? [],
    events: chain.events,
    losses: chain.losses,
    tornTail: chain.tornTail,
    highestVersion: chain.highest,
    segmentNumbers: numbers,
    staleSegments,
    tail: tail?.format === 2 && tail.header ? tail : undefined,
    segmentBytes,
  };
}

/** Walks the records in order, keeping the intact ones and noting every gap and damage. */
class ChainCheck {
  readonly events: StoreEvent[] = [];
  readonly losses: DataLoss[] = [];
  tornTail?: TornTail;
  legacy = false;
  /** The highest resourceVersion read so far (records must increase). */
  private lastSeen = 0;
  /** Every resourceVersion up to here is accounted for: held, or already reported lost. */
  private reached: number;
  highest: number;

  constructor(
    private readonly dataDir: string,
    private readonly snapshotPath: string,
    private readonly snapshotVersion: number,
    public dir: string | undefined,
  ) {
    this.reached = this.highest = snapshotVersion;
  }

  startAfterSnapshot(wal: { segment: number; first: number }, first: SegmentFile | undefined): void {
    const named = segmentPath(this.dataDir, wal.segment);
    if (!first) {
      this.losses.push({
        file: named,
        problem: `the segment is missing; ${this.snapshotPath} (resourceVersion ${this.snapshotVersion}) names it as the log that continues it`,
        lost: `every write after resourceVersion ${this.snapshotVersion}, how many is unknown`,
      });
    } else if (first.number === wal.segment && first.header && first.header.first !== wal.first) {
      this.losses.push({
        file: named,
        line: 1,
        problem: `the segment starts at resourceVersion ${first.header.first}, but ${this.snapshotPath} was written for one starting at ${wal.first}: it is not the segment that continues the snapshot`,
        lost: 'the segment that did',
      });
    }
  }

  rejectUnheadedSegment(segment: SegmentFile): void {
    const empty = segment.format === 'empty';
    this.losses.push({
      file: segment.path,
      problem: empty ? 'the segment is empty: its header and every record are gone' : 'the segment has no header (format 1) although format 2 files come before it',
      lost: empty ? `the writes it held after resourceVersion ${this.reached}, how many is unknown` : 'its records, which carry no checksums (ignored)',
    });
  }

  readSegment(segment: SegmentFile, isLast: boolean): void {
    const { header, path } = segment;
    if (segment.format === 2) {
      if (!header) {
        this.losses.push({ file: path, line: 1, problem: segment.headerProblem!, lost: 'the check of where it belongs (its intact records are read on their own)' });
      } else {
        this.dir ??= header.dir;
        if (header.dir !== this.dir) {
          this.losses.push({ file: path, line: 1, problem: `the segment belongs to another data directory (id ${header.dir}, not ${this.dir})`, lost: ignored(segment) });
          return;
        }
        if (header.segment !== segment.number) {
          this.losses.push({ file: path, line: 1, problem: `the segment's header says it is wal.${header.segment}.jsonl`, lost: ignored(segment) });
          return;
        }
        this.checkStart(segment, header.first);
        this.highest = Math.max(this.highest, header.committed);
      }
    }

    let damageAt = segment.damage;
    for (const record of segment.records) this.take(path, record);
    if (damageAt && !(isLast && damageAt.final) && segment.afterDamage.length > 0) {
      // The damaged line is the write between the last intact record and the next one.
      const next = segment.afterDamage[0].version;
      this.reportDamage(path, damageAt.line, damageAt.reason, next, 'records follow it');
      damageAt = undefined;
    }
    for (const record of segment.afterDamage) this.take(path, record);

    const committed = header?.committed ?? 0;
    if (committed > this.reached) {
      const where = damageAt ?? { line: (segment.records.at(-1)?.line ?? 1) + 1, reason: '' };
      this.losses.push({
        file: path,
        line: where.line,
        problem: `the segment ${damageAt ? `breaks off here (${damageAt.reason})` : 'ends here'}, but its header records resourceVersion ${committed} as committed`,
        lost: `${describeVersions(this.reached + 1, committed)} (${committed - this.reached} acknowledged write(s))`,
      });
      this.reached = this.lastSeen = committed;
    } else if (damageAt) {
      if (isLast && damageAt.final) {
        this.tornTail = { file: path, line: damageAt.line, bytes: segment.bytes - segment.validBytes, reason: damageAt.reason, after: this.lastSeen };
      } else {
        this.reportDamage(path, damageAt.line, damageAt.reason, undefined, isLast ? 'lines follow it' : 'another segment follows this one');
      }
    }
    if (isLast && header?.sealed) {
      this.losses.push({
        file: segmentPath(this.dataDir, segment.number + 1),
        problem: `the segment is missing; ${path} was sealed when it was started`,
        lost: `every write after resourceVersion ${this.reached}, how many is unknown`,
      });
    }
  }

  /** A segment starts one past what came before it. */
  private checkStart(segment: SegmentFile, first: number): void {
    if (first > this.reached + 1) {
      const before =
        this.lastSeen === 0 && this.snapshotVersion === 0
          ? { file: this.snapshotPath, problem: `the snapshot is missing, and the write-ahead log starts at resourceVersion ${first} (${segment.path})` }
          : { file: segment.path, line: 1, problem: `the segment starts at resourceVersion ${first}, but the log before it ends at ${this.reached}: a segment is missing or was cut short` };
      this.losses.push({ ...before, lost: `${describeVersions(this.reached + 1, first - 1)} (${first - 1 - this.reached} acknowledged write(s))` });
      this.reached = this.lastSeen = first - 1;
    } else if (first <= this.lastSeen) {
      this.losses.push({
        file: segment.path,
        line: 1,
        problem: `the segment starts at resourceVersion ${first}, but the log before it already reached ${this.lastSeen}`,
        lost: 'its records up to that version are ignored',
      });
    }
  }

  private take(file: string, record: SegmentRecord): void {
    const { version, line } = record;
    if (version <= this.lastSeen) {
      this.losses.push({ file, line, problem: `resourceVersion ${version} does not follow ${this.lastSeen}; the write-ahead log is out of order`, lost: 'this record is ignored' });
      return;
    }
    this.lastSeen = version;
    this.highest = Math.max(this.highest, version);
    if (version <= this.snapshotVersion) return;
    if (version !== this.reached + 1) {
      this.losses.push({
        file,
        line,
        problem: `resourceVersion ${version} found where ${this.reached + 1} was expected; the write-ahead log is missing records`,
        lost: `${describeVersions(this.reached + 1, version - 1)} (${version - 1 - this.reached} write(s))`,
      });
    }
    this.reached = version;
    this.events.push(record.event);
  }

  private reportDamage(file: string, line: number, reason: string, nextVersion: number | undefined, notTorn: string): void {
    let lost = `the write(s) after resourceVersion ${this.reached}`;
    if (nextVersion !== undefined) lost = nextVersion - 1 > this.reached ? describeVersions(this.reached + 1, nextVersion - 1) : 'the damaged record';
    this.losses.push({ file, line, problem: `corrupt write-ahead log record (${reason}); it is not a write torn by a crash, since ${notTorn}`, lost });
    if (nextVersion !== undefined) {
      this.reached = Math.max(this.reached, nextVersion - 1);
      this.lastSeen = Math.max(this.lastSeen, nextVersion - 1);
    }
  }
}

function ignored(segment: SegmentFile): string {
  const records = [...segment.records, ...segment.afterDamage];
  if (records.length === 0) return 'nothing: it holds no records (ignored)';
  return `its ${records.length} record(s), ${describeVersions(records[0].version, records.at(-1)!.version)}, are ignored`;
}

function describeVersions(from: number, to: number): string {
  return from >= to ? `resourceVersion ${from}` : `resourceVersions ${from}-${to}`;
}
