/**
 * The fixture sshd (fixtures/ssh/sshd.ts): a real OpenSSH server that lets in its client key and
 * nothing else, whose host key the client checks, and that can go away and come back.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';

const run = promisify(execFile);

let sshd: SshdProcess;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

/** ssh to the fixture with its key and known_hosts, nothing from ~/.ssh. */
function ssh(identityFile: string, ...command: string[]) {
  return run('ssh', [
    '-F', '/dev/null',
    '-i', identityFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-p', String(sshd.port),
    `${sshd.user}@127.0.0.1`,
    ...command,
  ], { timeout: 15_000 });
}

describe('fixture sshd', () => {
  it('runs a command for the client key, checked against its known_hosts line', async () => {
    const before = await sshd.acceptedLogins();
    const { stdout } = await ssh(sshd.identityFile, 'echo', 'ok');
    expect(stdout).toBe('ok\n');
    expect(await sshd.acceptedLogins()).toBe(before + 1);
  });

  it("gives its sessions their own HOME, away from the user's dotfiles", async () => {
    expect((await ssh(sshd.identityFile, 'echo', '$HOME')).stdout).toBe(`${sshd.home}\n`);
  });

  it('refuses a key it does not know', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sky-sshd-other-'));
    try {
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
      const error = await ssh(join(dir, 'other'), 'echo', 'ok').then(() => undefined, (e: { stderr: string }) => e);
      expect(error?.stderr).toMatch(/Permission denied \(publickey\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is refused by a client whose known_hosts names another host key', async () => {
    const error = await run('ssh', [
      '-F', '/dev/null', '-i', sshd.identityFile, '-o', 'UserKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'echo', 'ok',
    ]).then(() => undefined, (e: { stderr: string }) => e);
    expect(error?.stderr).toMatch(/Host key verification failed/);
  });

  it('goes away with kill() and comes back on the same port with start()', async () => {
    const port = sshd.port;
    await sshd.kill();
    expect(sshd.running).toBe(false);
    const refused = await ssh(sshd.identityFile, 'echo', 'ok').then(() => undefined, (e: { stderr: string }) => e);
    expect(refused?.stderr).toMatch(/Connection refused/);
    await sshd.start();
    expect(sshd.port).toBe(port);
    expect((await ssh(sshd.identityFile, 'echo', 'back')).stdout).toBe('back\n');
  });
});
