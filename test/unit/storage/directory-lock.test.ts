import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryLock } from '../../../src/storage/directory-lock.js';

/** The pid of a process that has exited (and been reaped), for a stale lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('DirectoryLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one holder in at a time', async () => {
    const lock = await DirectoryLock.acquire(dir);
    expect(await readFile(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await expect(DirectoryLock.acquire(dir)).rejects.toThrow(`Data directory ${dir} is in use by process ${process.pid}`);
    await lock.release();
    await (await DirectoryLock.acquire(dir)).release();
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(join(dir, 'LOCK'), `${await deadPid()}\n`);
    const lock = await DirectoryLock.acquire(dir);
    expect(await readFile(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });
});
