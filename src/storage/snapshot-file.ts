/**
 * `sky.json`, the lowdb store's snapshot: every object at one resourceVersion. It is a lowdb
 * adapter and a plain JSON document (`new Low(new JSONFile('sky.json'), …)` reads it), written
 * one object per line so that people can grep it.
 *
 * Reading goes through lowdb's JSONFile. Writing does not use lowdb's writer: that one builds the
 * whole pretty-printed document in one JSON.stringify (about 1.3 s of blocked event loop and
 * 150 MB for 100k jobs, measured) and renames it into place without an fsync. Here objects are
 * serialized a chunk at a time between awaited writes, and the replacement is durable.
 */
import { stat } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { SkyObject } from '../domain/types.js';
import { replaceFileAtomically } from './durable-fs.js';

export interface Snapshot {
  format: 1;
  /** Every change up to this version is in `objects`; the write-ahead log holds the later ones. */
  resourceVersion: string;
  objects: SkyObject[];
}

/** About 80 KB of typical jobs: a few ms of JSON.stringify between two turns of the event loop. */
const OBJECTS_PER_CHUNK = 100;

export class SnapshotFile implements Adapter<Snapshot> {
  constructor(readonly path: string) {}

  /** The snapshot, or null when there is none yet. */
  async read(): Promise<Snapshot | null> {
    let data: unknown;
    try {
      data = await new JSONFile<unknown>(this.path).read();
    } catch (error) {
      throw new Error(`Snapshot ${this.path} is unreadable: ${(error as Error).message}`, { cause: error });
    }
    if (data === null) return null;
    if (!isSnapshot(data)) {
      throw new Error(`Snapshot ${this.path} is not a Sky Manager snapshot (expected {format: 1, resourceVersion, objects}).`);
    }
    return data;
  }

  async write(snapshot: Snapshot): Promise<void> {
    await replaceFileAtomically(this.path, serialize(snapshot));
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
  yield `{"format":${snapshot.format},"resourceVersion":${JSON.stringify(snapshot.resourceVersion)},"objects":[\n`;
  const { objects } = snapshot;
  for (let start = 0; start < objects.length; start += OBJECTS_PER_CHUNK) {
    const end = Math.min(start + OBJECTS_PER_CHUNK, objects.length);
    const lines: string[] = [];
    for (let i = start; i < end; i++) lines.push(JSON.stringify(objects[i]));
    yield lines.join(',\n') + (end < objects.length ? ',\n' : '\n');
  }
  yield ']}\n';
}

function isSnapshot(data: unknown): data is Snapshot {
  const candidate = data as Partial<Snapshot>;
  return (
    typeof data === 'object' &&
    data !== null &&
    candidate.format === 1 &&
    typeof candidate.resourceVersion === 'string' &&
    /^\d+$/.test(candidate.resourceVersion) &&
    Array.isArray(candidate.objects)
  );
}
