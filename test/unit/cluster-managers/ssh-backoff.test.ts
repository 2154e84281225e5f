/**
 * SshConnection's wait between failed connects, with a stand-in `ssh` (a shell script) that
 * counts its starts and either fails as ssh does when nothing listens or "logs in" by creating the
 * control socket: no attempt during the wait, the wait doubles, a success resets it. Real sshd:
 * test/integration/ssh-connection.test.ts.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SshConnection } from '../../../src/cluster-managers/ssh/connection.js';

let dir: string;
let connection: SshConnection | undefined;

const starts = async () => (await readFile(path.join(dir, 'starts'), 'utf8').catch(() => '')).length;
const mode = (m: 'refuse' | 'accept') => writeFile(path.join(dir, 'mode'), m);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sky-ssh-backoff-'));
  // Counts each start; "refuse": fails as ssh does; "accept": creates the ControlPath and stays.
  const fake = [
    '#!/bin/sh',
    `printf x >> '${dir}/starts'`,
    `if [ "$(cat '${dir}/mode')" = refuse ]; then echo "ssh: connect to host 127.0.0.1 port 22: Connection refused" >&2; exit 255; fi`,
    'for a; do case $a in ControlPath=*) : > "${a#ControlPath=}";; esac; done',
    'exec sleep 60',
  ].join('\n');
  await writeFile(path.join(dir, 'ssh'), fake);
  await chmod(path.join(dir, 'ssh'), 0o755);
  await mode('refuse');
});

afterEach(async () => {
  await connection?.close();
  await rm(dir, { recursive: true, force: true });
});

function connect(): SshConnection {
  connection = new SshConnection({
    target: { user: 'alice', host: '127.0.0.1', port: 22 },
    identityFile: path.join(dir, 'key'),
    knownHostsFile: path.join(dir, 'known_hosts'),
    sshBinary: path.join(dir, 'ssh'),
    reconnectBackoffMs: 400,
    maxReconnectBackoffMs: 1_600,
  });
  return connection;
}

describe('SshConnection after a failed connect', () => {
  it('does not try again during the wait, failing at once with the reason; the wait doubles up to its limit', async () => {
    // Waits of 400, 800, 1600, 1600 ms; each check leaves the machine ~0.7 s of slack.
    const ssh = connect();
    await expect(ssh.connect()).rejects.toThrow('ssh alice@127.0.0.1: cannot connect: ssh: connect to host 127.0.0.1 port 22: Connection refused');
    await expect(ssh.connect()).rejects.toThrow(/Connection refused \(next attempt in 1 s\)$/);
    expect(await starts()).toBe(1);
    await sleep(500);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused$/);
    expect(await starts()).toBe(2);
    await sleep(100);
    await expect(ssh.connect()).rejects.toThrow(/next attempt in 1 s/);
    expect(await starts()).toBe(2);
    await sleep(800);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused$/);
    await expect(ssh.connect()).rejects.toThrow(/next attempt in 2 s/);
    await sleep(1_700);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused$/);
    // Capped: 1.6 s again, not 3.2.
    await sleep(1_700);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused$/);
    expect(await starts()).toBe(5);
  });

  it('connects once the wait is over, and a success starts the count again', async () => {
    const ssh = connect();
    await expect(ssh.connect()).rejects.toThrow(/Connection refused/);
    await sleep(500);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused/);
    await mode('accept');
    await sleep(900);
    await ssh.connect();
    expect(ssh.connected).toBe(true);
    expect(await starts()).toBe(3);
    // The master dies; the next failure waits the first wait again (400 ms), not 1.6 s.
    await mode('refuse');
    process.kill(ssh.masterPid!, 'SIGKILL');
    await sleep(100);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused$/);
    await sleep(500);
    await expect(ssh.connect()).rejects.toThrow(/Connection refused$/);
    expect(await starts()).toBe(5);
  });
});
