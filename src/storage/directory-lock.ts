/**
 * One process per data directory: two API servers appending to the same write-ahead log would
 * interleave records and hand out the same resourceVersions. A `LOCK` file holds the owner's
 * pid; a lock left by a process that no longer runs (a crash, `kill -9`) is taken over.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class DirectoryLock {
  private constructor(private readonly path: string) {}

  static async acquire(dir: string): Promise<DirectoryLock> {
    const path = join(dir, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
        return new DirectoryLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new Error(`Data directory ${dir} is in use by process ${owner} (${path}), another skym up or skym server. Stop that one, or choose another directory (--data-dir).`);
      }
      await unlink(path).catch(() => undefined);
    }
    throw new Error(`Could not lock data directory ${dir}: ${path} keeps reappearing.`);
  }

  async release(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
