/**
 * The lowdb store's write-ahead log: one checksummed JSON line per event
 * (src/storage/checksummed-line.ts), appended to numbered segment files `wal.<n>.jsonl` that
 * each start with a header (src/storage/segment-header.ts). Reading and checking the segments at
 * start-up is src/storage/data-dir-recovery.ts; this is the writing side.
 *
 * Group commit: events appended while a write + fdatasync is in progress wait, then go to disk
 * together in one write and one fdatasync, and their promises resolve in append order. A flush
 * therefore costs the same whether 1 or 100 clients are writing, and never depends on how much
 * data the store holds. After the fdatasync, before acknowledging, the segment's header is
 * rewritten in place to record the batch as committed; that pwrite needs no fsync of its own
 * (the next group commit's fdatasync carries it), so a write still costs one fdatasync.
 *
 * Segments exist for compaction: `rotate()` starts the next segment between two flushes and seals
 * the current one; once a snapshot covers everything in the sealed segments, `remove()` deletes
 * them.
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { StoreEvent } from './store.js';
import { checksummedLine } from './checksummed-line.js';
import { fsyncDirectory, overwriteSync, replaceFileAtomically, writeAll } from './durable-fs.js';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, type SegmentHeader } from './segment-header.js';
import { segmentPath, type SegmentFile } from './segment-file.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class WriteAheadLog {
  private lines: string[] = [];
  private waiters: Waiter[] = [];
  /** The resourceVersion of the newest appended event. */
  private appendedVersion: number;
  private flushScheduled = false;
  /** Flushes, rotations and closing run one at a time, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private failure?: Error;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private header: SegmentHeader,
    /** Where the next record goes in the current segment. */
    private offset: number,
    /** Bytes of every segment still on disk, by number. */
    private readonly sizes: Map<number, number>,
  ) {
    this.appendedVersion = header.committed;
  }

  /**
   * Starts a segment: created whole with its header (temp file, fsync, rename), so a segment file
   * without a header is never a crash's doing. `sizes` are the older segments still on disk.
   */
  static async create(dir: string, start: { dir: string; segment: number; first: number }, sizes = new Map<number, number>()): Promise<WriteAheadLog> {
    const header: SegmentHeader = { ...start, committed: start.first - 1, sealed: false };
    const handle = await createSegment(dir, header);
    sizes.set(header.segment, SEGMENT_HEADER_BYTES);
    return new WriteAheadLog(dir, handle, header, SEGMENT_HEADER_BYTES, sizes);
  }

  /**
   * Appends to the last segment as recovery found it: a torn tail is cut off (appending after it
   * would bury it mid-file, where it reads as corruption), and the header is brought up to the
   * last record. `lastVersion` is the store's resourceVersion: the next segment starts after it.
   */
  static async resume(dir: string, tail: SegmentFile, lastVersion: number, sizes: Map<number, number>): Promise<WriteAheadLog> {
    const handle = await open(tail.path, 'r+');
    try {
      let header = tail.header!;
      const lastRecord = tail.records.at(-1)?.version ?? header.committed;
      const cut = (await handle.stat()).size > tail.validBytes;
      if (cut) await handle.truncate(tail.validBytes);
      if (lastRecord > header.committed) {
        // The process died between a group commit's fdatasync and its header write.
        header = { ...header, committed: lastRecord };
        await writeAll(handle, encodeSegmentHeader(header), 0);
      }
      if (cut || header !== tail.header) await handle.sync();
      sizes.set(header.segment, tail.validBytes);
      const log = new WriteAheadLog(dir, handle, header, tail.validBytes, sizes);
      log.appendedVersion = Math.max(lastRecord, lastVersion);
      return log;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Resolves once the event is on disk (group-committed with any concurrent appends). */
  append(event: StoreEvent): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`The write-ahead log in ${this.dir} is closed.`));
    this.lines.push(checksummedLine(`"event":${JSON.stringify(event)}}`) + '\n');
    this.appendedVersion = Number(event.resourceVersion);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      void this.enqueue(() => this.flush());
    }
    return done;
  }

  /** Bytes in all segments not yet removed. */
  get size(): number {
    let total = 0;
    for (const bytes of this.sizes.values()) total += bytes;
    return total;
  }

  /** The segment being appended to. */
  get segment(): number {
    return this.header.segment;
  }

  /**
   * Starts a new segment after the flushes already asked for, and seals the current one. Returns
   * the sealed segments (every event in them was handed to `append` before this call resolved)
   * and where the new one starts.
   */
  rotate(): Promise<{ sealed: number[]; segment: number; first: number }> {
    return this.enqueue(async () => {
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error(`The write-ahead log in ${this.dir} is closed.`);
      // Every flush before this one is done, so the current segment ends at its committed mark.
      const last = this.header.committed;
      const next: SegmentHeader = { dir: this.header.dir, segment: this.header.segment + 1, first: last + 1, committed: last, sealed: false };
      const handle = await createSegment(this.dir, next);
      try {
        // Sealed only once its successor exists: a sealed last segment then means a lost one.
        await writeAll(this.handle, encodeSegmentHeader({ ...this.header, sealed: true }), 0);
        await this.handle.datasync();
      } catch (error) {
        await handle.close();
        throw error;
      }
      await this.handle.close();
      this.handle = handle;
      this.header = next;
      this.offset = SEGMENT_HEADER_BYTES;
      this.sizes.set(next.segment, SEGMENT_HEADER_BYTES);
      return { sealed: [...this.sizes.keys()].filter((n) => n < next.segment), segment: next.segment, first: next.first };
    });
  }

  /** Deletes sealed segments whose events a durable snapshot now holds. */
  async remove(numbers: number[]): Promise<void> {
    for (const number of numbers) {
      if (number === this.header.segment) throw new Error(`Cannot remove the active write-ahead log segment ${number}.`);
      await unlink(segmentPath(this.dir, number)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.sizes.delete(number);
    }
    if (numbers.length > 0) await fsyncDirectory(this.dir);
  }

  /** Flushes what was appended, makes the header's committed mark durable, then closes the file. Later appends are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.enqueue(async () => {
      try {
        if (!this.failure) await this.handle.datasync();
      } finally {
        await this.handle.close();
      }
    });
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queue.then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const { lines, waiters } = this;
    const version = this.appendedVersion;
    this.lines = [];
    this.waiters = [];
    try {
      if (this.failure) throw this.failure;
      const data = Buffer.from(lines.join(''), 'utf8');
      await writeAll(this.handle, data, this.offset);
      await this.handle.datasync();
      this.offset += data.length;
      this.sizes.set(this.header.segment, this.offset);
      this.header = { ...this.header, committed: version };
      // Before acknowledging, so that after a kill -9 the page cache holds the exact mark.
      // Measured per group commit next to a 0.3 ms fdatasync: an async pwrite added ~40 µs (a
      // thread-pool round trip), this one ~10 µs.
      overwriteSync(this.handle, encodeSegmentHeader(this.header), 0);
    } catch (error) {
      // After a failed write or fsync the file's state is unknown (and Linux may have dropped the
      // dirty pages): accepting more writes could acknowledge data that is not there.
      this.failure ??= new Error(
        `Writing ${segmentPath(this.dir, this.header.segment)} failed (${(error as Error).message}); the store accepts no more writes. Restart it once the disk is healthy.`,
        { cause: error },
      );
      for (const waiter of waiters) waiter.reject(this.failure);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}

async function createSegment(dir: string, header: SegmentHeader): Promise<FileHandle> {
  const path = segmentPath(dir, header.segment);
  await replaceFileAtomically(path, [encodeSegmentHeader(header).toString('utf8')]);
  return open(path, 'r+');
}
