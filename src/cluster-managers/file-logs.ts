/**
 * Reads replicas' log files as lines, for every manager whose replicas write to files on this
 * machine (local processes, Slurm jobs on a shared filesystem): the last `tail` of each, then, when following, every new
 * line as it is appended (polling: file watchers miss appends on some filesystems). Following ends
 * when the source says it is done, after the lines written until then, or when the signal aborts.
 */
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine, LogOptions } from './types.js';

export interface LogSource {
  /** The log file of each replica that has one now. */
  files(): Promise<{ replica: number; file: string }[]>;
  /** True once no replica will write again (all finished, or the workload is gone). */
  done(): Promise<boolean>;
  /** Reads a file's bytes from an offset (default: on this machine; a Slurm login node over SSH). */
  read?(file: string, offset: number): Promise<Buffer>;
}

const NEWLINE = 0x0a;

/** Bytes of `file` from `offset` to its current end; empty when the file is absent. */
async function readFrom(file: string, offset: number): Promise<Buffer> {
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= offset) return Buffer.alloc(0);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Per file: bytes already read, and an unfinished last line waiting for its newline. */
interface Cursor {
  offset: number;
  partial: Buffer;
}

/** Complete lines of `cursor.partial + chunk`; the unfinished rest stays in the cursor. */
function takeLines(cursor: Cursor, chunk: Buffer): string[] {
  cursor.offset += chunk.length;
  const data = Buffer.concat([cursor.partial, chunk]);
  const end = data.lastIndexOf(NEWLINE);
  cursor.partial = data.subarray(end + 1);
  return end < 0 ? [] : data.subarray(0, end).toString('utf8').split('\n');
}

export async function* readLogLines(
  source: LogSource,
  options: LogOptions & { pollIntervalMs: number },
): AsyncGenerator<LogLine> {
  const cursors = new Map<number, Cursor>();
  let first = true;
  while (!options.signal?.aborted) {
    // Asked before reading, so lines written just before the end are still read in this pass.
    const done = !options.follow || (await source.done());
    for (const { replica, file } of await source.files()) {
      let cursor = cursors.get(replica);
      if (!cursor) cursors.set(replica, (cursor = { offset: 0, partial: Buffer.alloc(0) }));
      let lines = takeLines(cursor, await (source.read ? source.read(file, cursor.offset) : readFrom(file, cursor.offset)));
      if (done && cursor.partial.length > 0) lines.push(cursor.partial.toString('utf8'));
      if (first && options.tail !== undefined) lines = lines.slice(Math.max(0, lines.length - options.tail));
      for (const line of lines) yield { replica, line };
    }
    if (done) return;
    first = false;
    await sleep(options.pollIntervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
