/**
 * The embedded store: MemoryStore made durable in a data directory.
 *
 *   sky.json        snapshot: every object at one resourceVersion, checksummed line by line,
 *                   naming the log segment that continues it (src/storage/snapshot-file.ts)
 *   wal.<n>.jsonl   write-ahead log: a header, then one checksummed line per event since (about)
 *                   the snapshot (src/storage/write-ahead-log.ts)
 *   LOCK            pid of the process that owns the directory
 *
 * A write is acknowledged once its WAL line is fdatasync'ed; concurrent writes share one
 * fdatasync (group commit), so a write costs the same at 1k objects as at 100k. Opening checks
 * that the directory holds every acknowledged write (src/storage/data-dir-recovery.ts), loads
 * the snapshot and replays newer WAL events, which also refill the watch history, so clients
 * resume their watches across a restart. A torn final write (never acknowledged) is dropped with
 * a warning; anything missing or damaged stops the open (DataDirectoryDamagedError) unless
 * `repair` accepts the loss: then the store keeps what is intact, warns what it dropped, and
 * rewrites the directory. A format 1 directory (before checksums) is rewritten in format 2.
 *
 * Compaction keeps the WAL (and so start-up time) bounded: once the WAL outgrows
 * max(compactionBytes, snapshot size), the WAL starts a new segment, the store captures its
 * objects at the current revision (a cheap array of references: stored objects are never
 * mutated), writes the snapshot in chunks while writes carry on, then removes the sealed
 * segments. A crash at any point is harmless because replay skips versions the snapshot holds.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreEvent } from './store.js';
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
import { DataDirectoryDamagedError, describeLoss } from './data-loss.js';
import { recoverDataDirectory, type Recovery } from './data-dir-recovery.js';
import { DirectoryLock } from './directory-lock.js';
import { SnapshotFile } from './snapshot-file.js';
import { WriteAheadLog } from './write-ahead-log.js';

export interface LowdbStoreOptions extends MemoryStoreOptions {
  dataDir: string;
  /** The WAL size (bytes) that triggers compaction; the snapshot's own size raises it. Default 4 MiB. */
  compactionBytes?: number;
  /** Told about background compaction failures (the WAL keeps everything; compaction retries later). */
  onError?: (error: Error) => void;
  /**
   * Open even though acknowledged writes are missing or damaged: keep what is intact, report each
   * loss through `onWarning`, and rewrite the directory so that the next open is clean.
   */
  repair?: boolean;
  /** Told what opening dropped or rewrote (a torn write, a migration, a repair). Default: process.emitWarning. */
  onWarning?: (message: string) => void;
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
  private log!: WriteAheadLog;

  private constructor(
    options: LowdbStoreOptions,
    private readonly lock: DirectoryLock,
    private readonly snapshot: SnapshotFile,
    /** The data directory's id, in the snapshot and every segment header. */
    private readonly dirId: string,
    private readonly dataDir: string,
  ) {
    super(options);
    this.compactionBytes = options.compactionBytes ?? DEFAULT_COMPACTION_BYTES;
    this.onError = options.onError ?? ((error) => process.emitWarning(error));
  }

  static async open(options: LowdbStoreOptions): Promise<LowdbStore> {
    const { dataDir } = options;
    const warn = options.onWarning ?? ((message: string) => process.emitWarning(message));
    await mkdir(dataDir, { recursive: true });
    const lock = await DirectoryLock.acquire(dataDir);
    let store: LowdbStore | undefined;
    try {
      const snapshot = new SnapshotFile(join(dataDir, 'sky.json'));
      const recovery = await recoverDataDirectory(dataDir, snapshot);
      const repairing = recovery.losses.length > 0;
      if (repairing && !options.repair) throw new DataDirectoryDamagedError(dataDir, recovery.losses);

      store = new LowdbStore(options, lock, snapshot, recovery.dir ?? randomUUID(), dataDir);
      store.restoreSnapshot(recovery.objects, recovery.snapshotVersion);
      for (const event of recovery.events) {
        store.apply(event);
        if (!repairing) store.remember(event);
      }
      const torn = recovery.tornTail;
      if (torn) {
        warn(
          `${torn.file}:${torn.line}: dropped a torn write (${torn.bytes} bytes; ${torn.reason}). It lies past what the segment records as committed, ` +
            `so it was being written when the process stopped and was never acknowledged; the log ends at resourceVersion ${torn.after}.`,
        );
      }
      if (repairing) {
        for (const loss of recovery.losses) warn(`Repairing ${dataDir}: dropped ${describeLoss(loss)}`);
        // Versions handed out before the loss are not handed out again, and watches from any
        // earlier version get GONE, so that clients list again instead of keeping what was lost.
        store.restoreSnapshot([], Math.max(store.revision, recovery.highestVersion));
      }
      if (repairing || recovery.legacy || !recovery.tail) {
        await store.rewrite(recovery);
        if (recovery.legacy) {
          warn(
            `Migrated the lowdb data directory ${dataDir} to format 2 (checksummed records and snapshot, and a snapshot that names the log continuing it). ` +
              'Format 1 files carry no checksums, so their content was taken as it was.',
          );
        }
        if (repairing) warn(`Repaired ${dataDir}: it now holds the ${store.objects.size} intact object(s) at resourceVersion ${store.revision}, and opens cleanly.`);
      } else {
        store.log = await WriteAheadLog.resume(dataDir, recovery.tail, store.revision, recovery.segmentBytes);
        await store.log.remove(recovery.staleSegments);
        store.snapshotBytes = await snapshot.size();
      }
      store.compactAtBytes = store.compactionThreshold();
      return store;
    } catch (error) {
      await store?.log?.close();
      await lock.release();
      throw error;
    }
  }

  /**
   * Writes the whole directory anew from memory: a fresh segment after every existing one, a
   * snapshot naming it, then the old segments go. For a new directory, a migration and a repair.
   * A crash in between leaves the old files, or old segments that the new snapshot covers.
   */
  private async rewrite(recovery: Recovery): Promise<void> {
    const segment = Math.max(0, ...recovery.segmentNumbers) + 1;
    const first = this.revision + 1;
    this.log = await WriteAheadLog.create(this.dataDir, { dir: this.dirId, segment, first });
    const objects = Array.from(this.objects.values());
    this.snapshotBytes = await this.snapshot.write({ format: 2, dir: this.dirId, resourceVersion: String(this.revision), wal: { segment, first }, objects });
    await this.log.remove(recovery.segmentNumbers);
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
    const { sealed, segment, first } = await this.log.rotate();
    // Everything in the sealed segments was appended, hence applied to `objects`, before this
    // point; later events are in the new segment. So the snapshot covers the sealed segments.
    const resourceVersion = String(this.revision);
    const objects = Array.from(this.objects.values());
    this.snapshotBytes = await this.snapshot.write({ format: 2, dir: this.dirId, resourceVersion, wal: { segment, first }, objects });
    await this.log.remove(sealed);
    this.compactAtBytes = this.compactionThreshold();
  }
}
