/**
 * The few file-system moves the lowdb store needs to be crash-safe: write every byte, flush a
 * directory entry, and replace a file atomically *and* durably. (lowdb's own writer, steno,
 * renames a temp file into place but never fsyncs it, so after a power cut the renamed file can
 * be empty on some file systems; a `kill -9` alone would not show that.)
 */
import { writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes the whole buffer, at `position` when given (pwrite) or at the file's current offset: a
 * single write(2) may write less than asked.
 */
export async function writeAll(handle: FileHandle, data: Buffer, position?: number): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const at = position === undefined ? null : position + offset;
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, at);
    offset += bytesWritten;
  }
}

/**
 * Overwrites bytes already in the file, synchronously: for a few hundred bytes into the page
 * cache (no allocation, so no ENOSPC) a blocking pwrite takes microseconds, less than the
 * thread-pool round trip of an async one.
 */
export function overwriteSync(handle: FileHandle, data: Buffer, position: number): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(handle.fd, data, offset, data.length - offset, position + offset);
}

/** Makes a created, renamed or removed directory entry survive a power cut. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with the concatenated chunks: temp file, fsync, rename, fsync of the directory.
 * Readers see the old file or the new one, never a mix, even after a crash. Chunks are written as
 * they come, so a large file is never one giant string and the event loop runs between chunks.
 * Returns the number of bytes written.
 */
export async function replaceFileAtomically(path: string, chunks: Iterable<string>): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(temp, 'w');
  let bytes = 0;
  try {
    try {
      for (const chunk of chunks) {
        const data = Buffer.from(chunk, 'utf8');
        await writeAll(handle, data);
        bytes += data.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // A half-written temp file (disk full, say) would only take space; the old file is intact.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await rename(temp, path);
  await fsyncDirectory(dirname(path));
  return bytes;
}
