/**
 * SshConnection against a real sshd (fixtures/ssh/sshd.ts): commands and their input over one
 * multiplexed login, files read or found absent, a login node that goes away (a clear error in
 * time) and comes back (the next call connects again).
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { RemoteCommandError, SshConnection, SshConnectionError, type SshConnectionOptions } from '../../src/cluster-managers/ssh/connection.js';
import { parseSshTarget } from '../../src/cluster-managers/ssh/target.js';
import { until } from '../helpers/wait.js';

let sshd: SshdProcess;
let files: string;
const opened: SshConnection[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  files = await mkdtemp(join(tmpdir(), 'sky-ssh-files-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await sshd?.stop();
  if (files) await rm(files, { recursive: true, force: true });
});

function connect(options: Partial<SshConnectionOptions> = {}): SshConnection {
  const connection = new SshConnection({
    target: parseSshTarget(sshd.sshHost),
    ...sshd.clientOptions,
    ...options,
  });
  opened.push(connection);
  return connection;
}

describe('SshConnection', () => {
  it('runs a command with awkward arguments and passes standard input through', async () => {
    const ssh = connect();
    expect(await ssh.run('printf', ['%s|', 'two words', "it's", '$HOME', '`id`', ''])).toBe("two words|it's|$HOME|`id`||");
    const script = '#!/bin/bash\necho "hello $1"\n';
    expect(await ssh.run('cat', [], { input: script })).toBe(script);
    expect(await ssh.run('wc', ['-c'], { input: 'x'.repeat(100_000) })).toMatch(/^100000\s*$/);
  });

  it('tells a command that fails from a connection that fails', async () => {
    const ssh = connect();
    const error = await ssh.run('sh', ['-c', 'echo oops >&2; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as RemoteCommandError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(/oops/);
    // A remote exit status of 255 is ssh's own error status too; with the master alive it is the command's.
    expect((await ssh.exec('sh', ['-c', 'exit 255'])).exitCode).toBe(255);
    expect(await ssh.run('echo', ['still', 'fine'])).toBe('still fine\n');
  });

  it('reads a file, and says when there is none', async () => {
    const ssh = connect();
    const file = join(files, 'a file with spaces.exit');
    await writeFile(file, '0\n');
    expect(await ssh.readFile(file)).toBe('0\n');
    expect(await ssh.readFile(join(files, 'missing.exit'))).toBeUndefined();
    await writeFile(join(files, 'empty'), '');
    expect(await ssh.readFile(join(files, 'empty'))).toBe('');
    await mkdir(join(files, 'dir'), { recursive: true });
    await expect(ssh.readFile(join(files, 'dir'))).rejects.toBeInstanceOf(RemoteCommandError);
  });

  it('shares one login among 20 commands run at once', async () => {
    const before = await sshd.acceptedLogins();
    const ssh = connect();
    const outputs = await Promise.all(Array.from({ length: 20 }, (_, i) => ssh.run('echo', [`n${i}`])));
    expect(outputs).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}\n`));
    expect(await sshd.acceptedLogins()).toBe(before + 1);
    const pid = ssh.masterPid;
    expect(pid).toBeGreaterThan(0);
    await ssh.run('true', []);
    expect(ssh.masterPid).toBe(pid);
  });

  it('refuses a login node whose host key is not the one known', async () => {
    const empty = join(files, 'empty_known_hosts');
    await writeFile(empty, '');
    const error = await connect({ knownHostsFile: empty }).run('true', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as Error).message).toMatch(/cannot connect: .*Host key verification failed/s);
  });

  it('rejects with the reason within the timeout when the login node is gone, and connects again when it is back', async () => {
    const ssh = connect();
    expect(await ssh.run('echo', ['up'])).toBe('up\n');
    const firstMaster = ssh.masterPid;
    await sshd.kill();
    try {
      // The first call may still find the old master, which learns of the loss meanwhile (ssh
      // says "closed by remote host" or "Broken pipe", as the race goes).
      const first = await ssh.run('echo', ['down'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(SshConnectionError);
      expect((first as Error).message).toMatch(
        new RegExp(`^ssh ${sshd.user}@127\\.0\\.0\\.1:${sshd.port}: (cannot connect: .*Connection refused|the connection was lost during \`echo down\` \\(.*(closed by remote host|Broken pipe))`, 's'),
      );
      const started = Date.now();
      const error = await ssh.run('echo', ['down'], { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(SshConnectionError);
      expect((error as SshConnectionError).reason).toBe('connect');
      expect((error as Error).message).toMatch(new RegExp(`^ssh ${sshd.user}@127\\.0\\.0\\.1:${sshd.port}: cannot connect: .*Connection refused`, 's'));
      expect(ssh.connected).toBe(false);
    } finally {
      await sshd.start();
    }
    // Within the wait after the last failed connect (src/cluster-managers/ssh/connection.ts).
    const back = await until('a login again', () => ssh.run('echo', ['back']).catch(() => undefined), { timeoutMs: 60_000 });
    expect(back).toBe('back\n');
    expect(ssh.masterPid).not.toBe(firstMaster);
  });

  it('times out on a login node that hangs, gives the silent connection up, and connects again when it answers', async () => {
    const ssh = connect();
    await ssh.connect();
    const firstMaster = ssh.masterPid;
    await sshd.pause();
    try {
      const error = await ssh.run('echo', ['hung'], { timeoutMs: 1_500 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshConnectionError);
      expect((error as SshConnectionError).reason).toBe('timeout');
      // ServerAliveInterval 1 s, ServerAliveCountMax 2: the master gives up within a few seconds.
      await until('the master to give the silent connection up', async () => !ssh.connected, { timeoutMs: 10_000 });
    } finally {
      await sshd.resume();
    }
    expect(await ssh.run('echo', ['answers'])).toBe('answers\n');
    expect(ssh.masterPid).not.toBe(firstMaster);
  });

  it('fails a command that is in flight when the connection drops, saying so', async () => {
    const ssh = connect();
    const sleeping = ssh.run('sleep', ['30'], { timeoutMs: 20_000 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await sshd.kill();
    try {
      const error = await sleeping;
      expect(error).toBeInstanceOf(SshConnectionError);
      expect((error as SshConnectionError).reason).toBe('lost');
    } finally {
      await sshd.start();
    }
  });

  it('times out a command that does not answer, and kills only its own ssh', async () => {
    const ssh = connect();
    await ssh.connect();
    const started = Date.now();
    const error = await ssh.run('sleep', ['10'], { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as SshConnectionError).reason).toBe('timeout');
    expect((error as Error).message).toMatch(/`sleep 10`: no answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await ssh.run('echo', ['ok'])).toBe('ok\n');
  });

  it('close() ends the master and refuses later calls', async () => {
    const ssh = connect();
    await ssh.connect();
    const pid = ssh.masterPid!;
    await ssh.close();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(ssh.run('true', [])).rejects.toThrow(/the connection is closed/);
  });
});
