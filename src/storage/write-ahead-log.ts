/**
 * The lowdb store's write-ahead log: one JSON line per event, appended to numbered segment files
 * `wal.<n>.jsonl` in the data directory.
 *
 * Group commit: events appended while a write + fdatasync is in progress wait, then go to disk
 * together in one write and one fdatasync, and their promises resolve in append order. A flush
 * therefore costs the same whether 1 or 100 clients are writing, and never depends on how much
 * data the store holds.
 *
 * Segments exist for compaction: `rotate()` seals the current segment between two flushes and
 * starts the next one; once a snapshot covers everything in the sealed segments, `remove()`
 * deletes them. Replay skips events the snapshot already holds, so a crash anywhere in between
 * leaves nothing to repair.
 */
import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { KINDS } from '../domain/kinds.js';
import type { StoreEvent } from './store.js';
import { fsyncDirectory, writeAll } from './durable-fs.js';

const SEGMENT_NAME = /^wal\.(\d+)\.jsonl$/;
const EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED']);

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export interface Recovered {
  log: WriteAheadLog;
  /** Logged events newer than the snapshot, in order. */
  events: StoreEvent[];
}

export class WriteAheadLog {
  private lines: string[] = [];
  private waiters: Waiter[] = [];
  private flushScheduled = false;
  /** Flushes, rotations and closing run one at a time, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private failure?: Error;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private current: number,
    private handle: FileHandle,
    /** Bytes of every segment still on disk, by number. */
    private readonly sizes: Map<number, number>,
  ) {}

  /**
   * Reads every segment, drops a torn final record (a crash during its write: it was never
   * acknowledged) and reopens the last segment for appending.
   */
  static async open(dir: string, snapshotVersion: number): Promise<Recovered> {
    const numbers = await listSegments(dir);
    const sizes = new Map<number, number>();
    const events: StoreEvent[] = [];
    let previous = 0;
    for (const [index, number] of numbers.entries()) {
      const path = segmentPath(dir, number);
      const isLast = index === numbers.length - 1;
      const { records, validBytes } = parseSegment(path, await readFile(path), isLast);
      sizes.set(number, validBytes);
      for (const { event, line } of records) {
        const version = Number(event.resourceVersion);
        if (version <= previous) {
          throw new Error(`${path}:${line}: resourceVersion ${version} does not follow ${previous}; the write-ahead log is out of order.`);
        }
        previous = version;
        if (version <= snapshotVersion) continue;
        const expected = snapshotVersion + events.length + 1;
        if (version !== expected) {
          throw new Error(`${path}:${line}: resourceVersion ${version} found where ${expected} was expected; the write-ahead log is missing records.`);
        }
        events.push(event);
      }
    }

    const current = numbers.at(-1) ?? 1;
    const path = segmentPath(dir, current);
    const handle = await open(path, 'a');
    try {
      if (numbers.length === 0) {
        sizes.set(current, 0);
        await fsyncDirectory(dir);
      } else if ((await handle.stat()).size > sizes.get(current)!) {
        // Appending after a torn record would bury it mid-file, where it reads as corruption.
        await handle.truncate(sizes.get(current)!);
        await handle.sync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { log: new WriteAheadLog(dir, current, handle, sizes), events };
  }

  /** Resolves once the event is on disk (group-committed with any concurrent appends). */
  append(event: StoreEvent): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`The write-ahead log in ${this.dir} is closed.`));
    this.lines.push(JSON.stringify(event) + '\n');
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

  /**
   * Starts a new segment after the flushes already asked for. Returns the numbers of the sealed
   * segments: every event in them was handed to `append` before this call resolved.
   */
  rotate(): Promise<number[]> {
    return this.enqueue(async () => {
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error(`The write-ahead log in ${this.dir} is closed.`);
      const next = this.current + 1;
      const handle = await open(segmentPath(this.dir, next), 'a');
      try {
        await fsyncDirectory(this.dir);
      } catch (error) {
        await handle.close();
        throw error;
      }
      await this.handle.close();
      this.handle = handle;
      this.current = next;
      this.sizes.set(next, 0);
      return [...this.sizes.keys()].filter((n) => n < next);
    });
  }

  /** Deletes sealed segments whose events a durable snapshot now holds. */
  async remove(numbers: number[]): Promise<void> {
    for (const number of numbers) {
      if (number === this.current) throw new Error(`Cannot remove the active write-ahead log segment ${number}.`);
      await unlink(segmentPath(this.dir, number)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.sizes.delete(number);
    }
  }

  /** Flushes what was appended, then closes the file. Later appends are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.enqueue(() => this.handle.close());
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queue.then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const { lines, waiters } = this;
    this.lines = [];
    this.waiters = [];
    try {
      if (this.failure) throw this.failure;
      const data = Buffer.from(lines.join(''), 'utf8');
      await writeAll(this.handle, data);
      await this.handle.datasync();
      this.sizes.set(this.current, this.sizes.get(this.current)! + data.length);
    } catch (error) {
      // After a failed write or fsync the file's state is unknown (and Linux may have dropped the
      // dirty pages): accepting more writes could acknowledge data that is not there.
      this.failure ??= new Error(
        `Writing ${segmentPath(this.dir, this.current)} failed (${(error as Error).message}); the store accepts no more writes. Restart it once the disk is healthy.`,
        { cause: error },
      );
      for (const waiter of waiters) waiter.reject(this.failure);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}

function segmentPath(dir: string, number: number): string {
  return join(dir, `wal.${number}.jsonl`);
}

async function listSegments(dir: string): Promise<number[]> {
  const numbers: number[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (match) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

/**
 * Splits a segment into events. Only the very end of the last segment may be damaged: that is a
 * write the crash interrupted, never acknowledged, so it is dropped. Damage anywhere else means
 * acknowledged data is at stake, and the store refuses to start rather than guess.
 */
function parseSegment(path: string, data: Buffer, isLast: boolean): { records: { event: StoreEvent; line: number }[]; validBytes: number } {
  const records: { event: StoreEvent; line: number }[] = [];
  let start = 0;
  for (let line = 1; start < data.length; line++) {
    const newline = data.indexOf(0x0a, start);
    const end = newline === -1 ? data.length : newline;
    const isFinal = end >= data.length - 1;
    let problem: string | undefined;
    let event: StoreEvent | undefined;
    if (newline === -1) {
      problem = 'the record is incomplete';
    } else {
      try {
        event = parseEvent(data.toString('utf8', start, end));
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    if (!event) {
      if (isLast && isFinal) return { records, validBytes: start };
      throw new Error(
        `${path}:${line}: corrupt write-ahead log record (${problem}). Records follow it, so it is not a write torn by a crash; restore the data directory from a backup.`,
      );
    }
    records.push({ event, line });
    start = end + 1;
  }
  return { records, validBytes: data.length };
}

function parseEvent(text: string): StoreEvent {
  const event = JSON.parse(text) as Partial<StoreEvent>;
  const object = event?.object;
  if (
    !EVENT_TYPES.has(event?.type as string) ||
    typeof event.resourceVersion !== 'string' ||
    !/^\d+$/.test(event.resourceVersion) ||
    !(KINDS as readonly string[]).includes(object?.kind as string) ||
    typeof object?.metadata?.name !== 'string'
  ) {
    throw new Error('not a store event');
  }
  return event as StoreEvent;
}
