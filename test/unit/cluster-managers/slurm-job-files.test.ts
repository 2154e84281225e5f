/**
 * SshJobFiles' remote scripts, run by this machine's sh in place of the login node's (a stand-in
 * connection that counts its commands): a workload's replica files cost one command, whatever
 * mix of texts and existence checks is asked. The same against a real sshd: ssh-job-files.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshJobFiles } from '../../../src/cluster-managers/slurm/job-files.js';
import { SlurmStateFiles } from '../../../src/cluster-managers/slurm/records.js';
import type { SshConnection } from '../../../src/cluster-managers/ssh/connection.js';

const run = promisify(execFile);

/** Runs each command here, as sshd would there, and counts them. */
function localConnection() {
  const commands: string[][] = [];
  const connection = {
    describe: 'ssh test@here',
    async run(command: string, args: readonly string[]) {
      commands.push([command, ...args]);
      return (await run(command, [...args])).stdout;
    },
  };
  return { connection: connection as unknown as SshConnection, commands };
}

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sky-jobfiles-unit-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('SshJobFiles.inspect', () => {
  it("reads a workload's exit and restart files and checks its logs in one command", async () => {
    const { connection, commands } = localConnection();
    const files = new SlurmStateFiles(path.join(root, 'records'), new SshJobFiles(connection, 'c1', path.join(root, 'login')));
    const ref = { kind: 'Job', namespace: 'default', name: 'w' } as const;
    const dir = await files.jobDir(ref);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '0.exit'), '0\n');
    await writeFile(path.join(dir, '0.log'), 'done\n');
    await writeFile(path.join(dir, '1.restarts'), '2\n');
    await writeFile(path.join(dir, '1.log'), '');
    // A directory where a file should be: there, but no text.
    await mkdir(path.join(dir, '2.exit'));

    const replicas = await files.replicaFilesOf(ref, [0, 1, 2, 3]);

    expect(commands).toHaveLength(1);
    expect([...replicas]).toEqual([
      [0, { exitCode: 0, restarts: undefined, hasLog: true }],
      [1, { exitCode: undefined, restarts: 2, hasLog: true }],
      [2, { exitCode: undefined, restarts: undefined, hasLog: false }],
      [3, { exitCode: undefined, restarts: undefined, hasLog: false }],
    ]);
  });

  it('keeps texts and existence apart for a name asked both ways, and splits very long lists', async () => {
    const { connection, commands } = localConnection();
    const files = new SshJobFiles(connection, 'c1', path.join(root, 'login'));
    const dir = path.join(root, 'login', 'c1', 'x');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'e:odd'), 'named like a prefix\n');
    await writeFile(path.join(dir, 'a'), 'ä\n');

    const both = await files.inspect(dir, { read: ['a', 'e:odd', 'b'], exist: ['a', 'b', 'e:odd'] });
    expect([...both.texts]).toEqual([['a', 'ä\n'], ['e:odd', 'named like a prefix\n']]);
    expect([...both.existing]).toEqual(['a', 'e:odd']);
    expect(commands).toHaveLength(1);

    const many = Array.from({ length: 700 }, (_, i) => `${i}.log`);
    const found = await files.inspect(dir, { read: many, exist: [...many, 'a'] });
    expect(found.texts.size).toBe(0);
    expect([...found.existing]).toEqual(['a']);
    // 1401 names, at most 500 to a command.
    expect(commands).toHaveLength(1 + 3);
  });

  it("reads many workloads' files in one command, each workload's in its own map", async () => {
    const { connection, commands } = localConnection();
    const files = new SlurmStateFiles(path.join(root, 'records-many'), new SshJobFiles(connection, 'c2', path.join(root, 'login-many')));
    const refs = Array.from({ length: 20 }, (_, i) => ({ kind: 'Job', namespace: i % 2 ? 'team-a' : 'default', name: `w${i}` }) as const);
    for (const [i, ref] of refs.entries()) {
      const dir = await files.jobDir(ref);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, '0.exit'), `${i}\n`);
      await writeFile(path.join(dir, '0.log'), '');
    }

    const all = await files.replicaFilesOfMany(refs.map((ref) => ({ ref, indices: [0, 1] })));

    expect(commands).toHaveLength(1);
    expect(all.map((replicas) => [...replicas])).toEqual(
      refs.map((_, i) => [
        [0, { exitCode: i, restarts: undefined, hasLog: true }],
        [1, { exitCode: undefined, restarts: undefined, hasLog: false }],
      ]),
    );
  });
});
