/**
 * `sky.json`, the lowdb store's snapshot: every object at one resourceVersion, one JSON document
 * written one checksummed line per object (src/storage/checksummed-line.ts), so people can grep
 * it and a reader can tell exactly which line is damaged:
 *
 *   {"crc":"…","format":2,"dir":"…","resourceVersion":"42","wal":{"segment":3,"first":40},"count":2,"objects":[
 *   {"crc":"…","n":1,"object":{…}},
 *   {"crc":"…","n":2,"object":{…}}
 *   ]}
 *
 * The first line says which data directory it belongs to and which write-ahead log segment must
 * follow it; `count` and the running `n` make a removed or repeated line visible. Format 1 (no
 * checksums, `{"format":1,"resourceVersion","objects":[…]}`) is still read, for migration.
 *
 * Objects are serialized a chunk at a time between awaited writes (one JSON.stringify of 100k jobs
 * blocked the event loop for about 1.3 s and took 150 MB, measured), and the replacement is atomic
 * and durable (src/storage/durable-fs.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import type { SkyObject } from '../domain/types.js';
import { checksumMismatch, checksummedLine, hasChecksum, readChecksummedLine, storedChecksum, type LineCheck } from './checksummed-line.js';
import type { DataLoss } from './data-loss.js';
import { replaceFileAtomically } from './durable-fs.js';

export interface Snapshot {
  format: 2;
  /** The data directory's id; every write-ahead log segment carries the same. */
  dir: string;
  /** Every change up to this version is in `objects`; the write-ahead log holds the later ones. */
  resourceVersion: string;
  /** The segment that continues the snapshot, and the resourceVersion it starts at. */
  wal: { segment: number; first: number };
  objects: SkyObject[];
}

/** What the previous version wrote: no checksums, no link to the log. */
export interface LegacySnapshot {
  format: 1;
  resourceVersion: string;
  objects: SkyObject[];
}

export interface SnapshotRead {
  /** With the objects whose lines are intact. */
  snapshot: Snapshot | LegacySnapshot;
  /** Damaged, missing or repeated lines; empty when the file is intact. */
  losses: DataLoss[];
}

/** About 80 KB of typical jobs: a few ms of JSON.stringify between two turns of the event loop. */
const OBJECTS_PER_CHUNK = 100;
const CLOSING = ']}';

export class SnapshotFile {
  constructor(readonly path: string) {}

  /** The snapshot, or null when there is none yet. Throws when the file is not a snapshot at all. */
  async read(): Promise<SnapshotRead | null> {
    let data: Buffer;
    try {
      data = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`Snapshot ${this.path} is unreadable: ${(error as Error).message}`, { cause: error });
    }
    const firstEnd = data.indexOf(0x0a);
    if (firstEnd !== -1 && hasChecksum(data, 0, firstEnd)) return parseSnapshot(this.path, data, firstEnd);
    return { snapshot: parseLegacySnapshot(this.path, data), losses: [] };
  }

  /** Returns the bytes written. */
  write(snapshot: Snapshot): Promise<number> {
    return replaceFileAtomically(this.path, serialize(snapshot));
  }

  /** Size in bytes; 0 when there is no snapshot. */
  async size(): Promise<number> {
    try {
      return (await stat(this.path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }
}

function* serialize(snapshot: Snapshot): Generator<string> {
  const { objects } = snapshot;
  const header = JSON.stringify({ format: snapshot.format, dir: snapshot.dir, resourceVersion: snapshot.resourceVersion, wal: snapshot.wal, count: objects.length });
  yield checksummedLine(`${header.slice(1, -1)},"objects":[`) + '\n';
  for (let start = 0; start < objects.length; start += OBJECTS_PER_CHUNK) {
    const end = Math.min(start + OBJECTS_PER_CHUNK, objects.length);
    const lines: string[] = [];
    for (let i = start; i < end; i++) lines.push(checksummedLine(`"n":${i + 1},"object":${JSON.stringify(objects[i])}}`));
    yield lines.join(',\n') + (end < objects.length ? ',\n' : '\n');
  }
  yield `${CLOSING}\n`;
}

function parseSnapshot(path: string, data: Buffer, firstEnd: number): SnapshotRead {
  const losses: DataLoss[] = [];
  const head = readChecksummedLine(data, 0, firstEnd, CLOSING);
  // A damaged first line still says, most likely, where the log continues: use what parses.
  const fields = head.ok ? head.value : parseLoosely(data.toString('utf8', 0, firstEnd) + CLOSING);
  if (!head.ok) losses.push({ file: path, line: 1, problem: `the snapshot's first line is damaged: ${head.reason}`, lost: 'what it records (version, data directory, log position) cannot be trusted' });
  const wal = fields.wal as Snapshot['wal'] | undefined;
  const count = Number.isSafeInteger(fields.count) ? (fields.count as number) : undefined;
  if (fields.format !== 2 || typeof fields.dir !== 'string' || typeof fields.resourceVersion !== 'string' || !/^\d+$/.test(fields.resourceVersion) || !Number.isSafeInteger(wal?.segment) || !Number.isSafeInteger(wal?.first)) {
    if (head.ok) throw new Error(`Snapshot ${path} is not a Sky Manager snapshot (its first line lacks format 2, dir, resourceVersion or wal).`);
  }

  const readEntry = entryReader(data);
  const objects: SkyObject[] = [];
  let expected = 1;
  let closed = false;
  let line = 2;
  for (let start = firstEnd + 1, index = 0; start < data.length; line++, index++) {
    const newline = data.indexOf(0x0a, start);
    const end = newline === -1 ? data.length : newline;
    if (end - start === CLOSING.length && data.toString('latin1', start, end) === CLOSING && end >= data.length - 1) {
      closed = true;
      break;
    }
    const entry = readEntry(index, start, end);
    const n = entry.ok ? entry.value.n : undefined;
    const object = entry.ok ? (entry.value.object as SkyObject | undefined) : undefined;
    if (!entry.ok || !Number.isSafeInteger(n) || typeof object?.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      const reason = entry.ok ? 'it is not a snapshot entry' : entry.reason;
      losses.push({ file: path, line, problem: `object ${expected} is damaged: ${reason}`, lost: describeLooseObject(data.toString('utf8', start, end)) });
      expected++;
    } else if ((n as number) < expected) {
      losses.push({ file: path, line, problem: `object ${n} appears again or out of order, after object ${expected - 1}`, lost: 'the repeated line is ignored' });
    } else {
      if ((n as number) > expected) {
        losses.push({ file: path, line, problem: `${(n as number) - expected === 1 ? `object ${expected} is` : `objects ${expected}-${(n as number) - 1} are`} missing before this line (a line was removed)`, lost: `${(n as number) - expected} object(s), names unknown` });
      }
      objects.push(object);
      expected = (n as number) + 1;
    }
    start = end + 1;
  }
  if (count !== undefined && expected - 1 < count) {
    losses.push({ file: path, line, problem: `the snapshot ends after object ${expected - 1} of ${count}`, lost: `${count - (expected - 1)} object(s), names unknown` });
  } else if (!closed) {
    losses.push({ file: path, line, problem: 'the snapshot ends without its closing line', lost: 'anything after it' });
  }
  const resourceVersion = typeof fields.resourceVersion === 'string' && /^\d+$/.test(fields.resourceVersion) ? fields.resourceVersion : String(maxVersion(objects));
  const snapshot: Snapshot = { format: 2, dir: typeof fields.dir === 'string' ? fields.dir : '', resourceVersion, wal: wal ?? { segment: 0, first: 0 }, objects };
  return { snapshot, losses };
}

/**
 * Reads the object lines. The whole document is parsed once when it parses: ~0.2 s faster for
 * 100k objects than a JSON.parse per line, whose many small results the young-generation GC
 * then copies. Each line's bytes are still checked against its own checksum, and an entry is
 * taken from the whole parse only if it carries that line's checksum; otherwise (a damaged
 * document) the line is parsed on its own.
 */
function entryReader(data: Buffer): (index: number, start: number, end: number) => LineCheck {
  let entries: unknown[] | undefined;
  try {
    const whole = JSON.parse(data.toString('utf8')) as { objects?: unknown };
    if (Array.isArray(whole?.objects)) entries = whole.objects;
  } catch {
    // Damaged somewhere: every line is parsed on its own.
  }
  return (index, start, end) => {
    const entry = entries?.[index] as Record<string, unknown> | undefined;
    if (!entry || typeof entry !== 'object' || entry.crc !== storedChecksum(data, start)) return readChecksummedLine(data, start, end);
    const mismatch = checksumMismatch(data, start, end);
    return mismatch ? { ok: false, reason: mismatch } : { ok: true, value: entry };
  };
}

function parseLegacySnapshot(path: string, data: Buffer): LegacySnapshot {
  let candidate: Partial<LegacySnapshot>;
  try {
    candidate = JSON.parse(data.toString('utf8')) as Partial<LegacySnapshot>;
  } catch (error) {
    throw new Error(`Snapshot ${path} is unreadable: ${(error as Error).message}`, { cause: error });
  }
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.format !== 1 ||
    typeof candidate.resourceVersion !== 'string' ||
    !/^\d+$/.test(candidate.resourceVersion) ||
    !Array.isArray(candidate.objects)
  ) {
    throw new Error(`Snapshot ${path} is not a Sky Manager snapshot (expected format 2, or format 1: {format: 1, resourceVersion, objects}).`);
  }
  return candidate as LegacySnapshot;
}

function parseLoosely(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Names the object on a damaged line when enough of it is left to tell. */
function describeLooseObject(text: string): string {
  const kind = /"kind":"([^"]*)"/.exec(text)?.[1];
  const name = /"name":"([^"]*)"/.exec(text)?.[1];
  const namespace = /"namespace":"([^"]*)"/.exec(text)?.[1];
  if (!kind || !name) return 'one object, name unreadable';
  return `${kind} ${namespace ? `${namespace}/` : ''}${name} (its state as of the snapshot)`;
}

function maxVersion(objects: SkyObject[]): number {
  let max = 0;
  for (const object of objects) max = Math.max(max, Number(object.metadata.resourceVersion) || 0);
  return max;
}
