/**
 * The embedded store: MemoryStore made durable in a data directory.
 *
 *   sky.json        snapshot: every object at one resourceVersion (a lowdb JSON document)
 *   wal.<n>.jsonl   write-ahead log: one line per event since (about) the snapshot
 *   LOCK            pid of the process that owns the directory
 *
 * A write is acknowledged once its WAL line is fdatasync'ed; concurrent writes share one
 * fdatasync (group commit), so a write costs the same at 1k objects as at 100k. Opening loads
 * the snapshot and replays newer WAL events, which also refill the watch history, so clients
 * resume their watches across a restart.
 *
 * Compaction keeps the WAL (and so start-up time) bounded: once the WAL outgrows
 * max(compactionBytes, snapshot size), the WAL starts a new segment, the store captures its
 * objects at the current revision (a cheap array of references: stored objects are never
 * mutated), writes the snapshot in chunks while writes carry on, then removes the sealed
 * segments. A crash at any point is harmless because replay skips versions the snapshot holds.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreEvent } from './store.js';
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
import { DirectoryLock } from './directory-lock.js';
import { SnapshotFile } from './snapshot-file.js';
import { WriteAheadLog } from './write-ahead-log.js';

export interface LowdbStoreOptions extends MemoryStoreOptions {
  dataDir: string;
  /** The WAL size (bytes) that triggers compaction; the snapshot's own size raises it. Default 4 MiB. */
  compactionBytes?: number;
  /** Told about background compaction failures (the WAL keeps everything; compaction retries later). */
  onError?: (error: Error) => void;
}

const DEFAULT_COMPACTION_BYTES = 4 * 1024 * 1024;

export class LowdbStore extends MemoryStore {
  private snapshotBytes = 0;
  /** The WAL size at which the next compaction starts. */
  private compactAtBytes = 0;
  private compaction?: Promise<void>;
  private closing = false;
  private readonly compactionBytes: number;
  private readonly onError: (error: Error) => void;

  private constructor(
    options: LowdbStoreOptions,
    private readonly lock: DirectoryLock,
    private readonly snapshot: SnapshotFile,
    private readonly log: WriteAheadLog,
  ) {
    super(options);
    this.compactionBytes = options.compactionBytes ?? DEFAULT_COMPACTION_BYTES;
    this.onError = options.onError ?? ((error) => process.emitWarning(error));
  }

  static async open(options: LowdbStoreOptions): Promise<LowdbStore> {
    await mkdir(options.dataDir, { recursive: true });
    const lock = await DirectoryLock.acquire(options.dataDir);
    let log: WriteAheadLog | undefined;
    try {
      const snapshot = new SnapshotFile(join(options.dataDir, 'sky.json'));
      const saved = await snapshot.read();
      const snapshotVersion = Number(saved?.resourceVersion ?? 0);
      const recovered = await WriteAheadLog.open(options.dataDir, snapshotVersion);
      log = recovered.log;
      const store = new LowdbStore(options, lock, snapshot, log);
      store.restoreSnapshot(saved?.objects ?? [], snapshotVersion);
      for (const event of recovered.events) {
        store.apply(event);
        store.remember(event);
      }
      store.snapshotBytes = await snapshot.size();
      store.compactAtBytes = store.compactionThreshold();
      return store;
    } catch (error) {
      await log?.close();
      await lock.release();
      throw error;
    }
  }

  /**
   * Writes a snapshot and drops the WAL segments it covers. Runs by itself when the WAL grows;
   * public for tests and maintenance. Writes continue meanwhile.
   */
  compact(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('The store is closed.'));
    const run = (this.compaction ?? Promise.resolve()).then(() => this.writeSnapshot());
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.compaction = settled;
    void settled.then(() => {
      if (this.compaction === settled) this.compaction = undefined;
    });
    return run;
  }

  override async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await super.close();
    await this.compaction;
    await this.log.close();
    await this.lock.release();
  }

  protected override async persist(event: StoreEvent): Promise<void> {
    if (this.closing) throw new Error('The store is closed.');
    await this.log.append(event);
    if (!this.compaction && !this.closing && this.log.size >= this.compactAtBytes) {
      this.compact().catch((error: Error) => {
        // Nothing is lost (the WAL still has it all), but do not retry on every write: a full
        // disk would turn each one into a doomed snapshot attempt.
        this.compactAtBytes = this.log.size + this.compactionThreshold();
        this.onError(error);
      });
    }
  }

  /** WAL bytes worth a snapshot: at least the snapshot's own size, so compaction costs O(1) per write. */
  private compactionThreshold(): number {
    return Math.max(this.compactionBytes, this.snapshotBytes);
  }

  private async writeSnapshot(): Promise<void> {
    const sealed = await this.log.rotate();
    // Everything in the sealed segments was appended, hence applied to `objects`, before this
    // point; later events are in the new segment. So the snapshot covers the sealed segments.
    const resourceVersion = String(this.revision);
    const objects = Array.from(this.objects.values());
    await this.snapshot.write({ format: 1, resourceVersion, objects });
    this.snapshotBytes = await this.snapshot.size();
    await this.log.remove(sealed);
    this.compactAtBytes = this.compactionThreshold();
  }
}
