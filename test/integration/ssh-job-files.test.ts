/**
 * SshJobFiles against a real sshd: the jobs' small files read many at a time, existence checks,
 * removal (never outside its root), and log bytes from an offset, over one connection.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { SshJobFiles } from '../../src/cluster-managers/slurm/job-files.js';
import { SshConnection } from '../../src/cluster-managers/ssh/connection.js';
import { parseSshTarget } from '../../src/cluster-managers/ssh/target.js';

let sshd: SshdProcess;
let connection: SshConnection;
let jobsDir: string;
let files: SshJobFiles;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  connection = new SshConnection({ target: parseSshTarget(sshd.sshHost), ...sshd.clientOptions });
  jobsDir = await mkdtemp(path.join(tmpdir(), 'sky-ssh-jobfiles-'));
  files = new SshJobFiles(connection, 'c1', jobsDir);
  dir = path.join(await files.root(), 'default', 'jobs', 'w');
});
afterAll(async () => {
  await connection?.close();
  await sshd?.stop();
  if (jobsDir) await rm(jobsDir, { recursive: true, force: true });
});

describe('SshJobFiles', () => {
  it('puts each cluster under the jobs directory, which must be absolute', async () => {
    expect(await files.root()).toBe(path.join(jobsDir, 'c1'));
    expect(() => new SshJobFiles(connection, 'c1', 'relative/dir')).toThrow(/must be an absolute path, not "relative\/dir"/);
    // Without one: the account's home directory on the login node.
    expect(await new SshJobFiles(connection, 'c1').root()).toBe(path.join(sshd.home, '.sky-manager', 'slurm', 'c1'));
  });

  it('reads many small files in one go, telling absent and empty apart', async () => {
    await files.prepare(dir);
    await writeFile(path.join(dir, '0.exit'), '0\n');
    await writeFile(path.join(dir, '1.exit'), '');
    await writeFile(path.join(dir, '2.exit'), "ünï'code\n");
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    const texts = await files.read(dir, ['0.exit', '1.exit', '2.exit', '3.exit', 'sub']);
    expect([...texts.entries()]).toEqual([['0.exit', '0\n'], ['1.exit', ''], ['2.exit', "ünï'code\n"]]);
    expect([...(await files.existing(dir, ['0.exit', '3.exit', 'sub']))]).toEqual(['0.exit', 'sub']);
    expect((await files.read(dir, Array.from({ length: 1200 }, (_, i) => `${i}.exit`))).size).toBe(3);
  });

  it('reads a log from an offset, cutting nowhere', async () => {
    const log = path.join(dir, '0.log');
    expect((await files.readFrom(log, 0)).length).toBe(0);
    await writeFile(log, 'first ✓\nsecond\n');
    const all = await files.readFrom(log, 0);
    expect(all.toString()).toBe('first ✓\nsecond\n');
    // Offset 7 is inside ✓ (3 bytes from 6): the bytes come back as they are.
    expect(Buffer.concat([await files.readFrom(log, 0).then((b) => b.subarray(0, 7)), await files.readFrom(log, 7)]).toString()).toBe('first ✓\nsecond\n');
    expect((await files.readFrom(log, all.length)).length).toBe(0);
  });

  it('removes files, and trees only under its root', async () => {
    await files.remove(dir, ['0.exit', '3.exit']);
    expect((await readdir(dir)).sort()).toEqual(['0.log', '1.exit', '2.exit', 'sub']);
    await files.remove(path.join(dir, 'missing'), ['x']);
    await expect(files.removeTree(jobsDir)).rejects.toThrow(/refusing to remove/);
    await files.removeTree(dir);
    expect(await readdir(path.dirname(dir))).toEqual([]);
  });
});
