/**
 * The Slurm commands through a login node: a real sshd (fixtures/ssh/sshd.ts) on this machine,
 * whose sessions reach a real Slurm cluster (fixtures/slurm) with SLURM_CONF set on the remote
 * side. sinfo, sbatch with its script on stdin, squeue and scancel all travel over one login.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { SlurmCommandError, SlurmCommands } from '../../src/cluster-managers/slurm/commands.js';
import { SshSlurmRunner } from '../../src/cluster-managers/slurm/ssh-runner.js';
import { SshConnection } from '../../src/cluster-managers/ssh/connection.js';
import { parseSshTarget } from '../../src/cluster-managers/ssh/target.js';
import { startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { until } from '../helpers/wait.js';

const CLUSTER = 'sshr-a';

let slurm: TestSlurm;
let sshd: SshdProcess;
let connection: SshConnection;
let commands: SlurmCommands;
let work: string;

beforeAll(async () => {
  [slurm, sshd] = await Promise.all([startTestSlurm('sshr', [{ name: CLUSTER, nodes: [{ name: 'sshr-a1', cpus: 2, memory: 2048 }] }]), startSshd()]);
  work = await mkdtemp(join(tmpdir(), 'sky-sshr-work-'));
  connection = new SshConnection({ target: parseSshTarget(sshd.sshHost), ...sshd.clientOptions });
  commands = new SlurmCommands(new SshSlurmRunner(connection, slurm.get(CLUSTER).slurmConf));
}, 120_000);

afterAll(async () => {
  await connection?.close();
  await sshd?.stop();
  await slurm?.stopAndClean();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('SshSlurmRunner', () => {
  it('runs sinfo, sbatch (script on stdin), squeue and scancel over one login', async () => {
    const logins = await sshd.acceptedLogins();
    const nodes = await commands.nodes();
    expect(nodes.map((n) => n.name)).toEqual(['sshr-a1']);

    const done = join(work, 'done.txt');
    const id = await commands.sbatch(['--parsable', '--job-name=ssh-runner-test', `--chdir=${work}`, `--output=${work}/%j.log`], `#!/bin/sh\necho ok > '${done}'\n`);
    expect(id).toMatch(/^\d+$/);
    const text = await until('the job to write its file', () => connection.readFile(done), { timeoutMs: 60_000 });
    expect(text).toBe('ok\n');
    expect((await commands.jobs()).map((j) => j.jobId)).toContain(id);

    const sleeper = await commands.sbatch(['--parsable', '--job-name=ssh-runner-sleep', `--chdir=${work}`, `--output=${work}/%j.log`], '#!/bin/sh\nsleep 300\n');
    await commands.cancel([sleeper]);
    await until('the cancelled job to end', async () => {
      const job = (await commands.jobs()).find((j) => j.jobId === sleeper);
      return (!job || job.state === 'CANCELLED') && true;
    }, { timeoutMs: 30_000 });
    // Every command above shared the connection's one login.
    expect(await sshd.acceptedLogins()).toBe(logins + 1);
  });

  it('reads the batch script from stdin as given', async () => {
    const out = join(work, 'stdin.txt');
    const script = `#!/bin/sh\nprintf '%s\\n' "it's \\$HOME: $HOME" > ${out}\n`;
    await commands.sbatch(['--parsable', `--chdir=${work}`, `--output=${work}/%j.log`], script);
    const text = await until('the script to run', () => connection.readFile(out), { timeoutMs: 60_000 });
    expect(text).toMatch(/^it's \$HOME: \//);
  });

  it("reports Slurm's own errors with the exit status and stderr", async () => {
    const error = await commands.runner.run('scontrol', ['show', 'job', '999999']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlurmCommandError);
    expect((error as SlurmCommandError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(/Invalid job id specified.*ssh .*@127\.0\.0\.1:\d+ with SLURM_CONF=/s);
  });

  it('says a command is missing on the login node', async () => {
    const error = await commands.runner.run('sbatch-nonexistent', []).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/sbatch-nonexistent is not installed on the login node/);
  });

  it('fails with the connection as the reason when the login node is gone', async () => {
    await sshd.kill();
    try {
      let error: unknown;
      // The first call may still meet the old master; the one after cannot connect.
      for (let i = 0; i < 2; i++) error = await commands.nodes().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SlurmCommandError);
      expect((error as SlurmCommandError).exitCode).toBeNull();
      expect((error as Error).message).toMatch(/cannot connect: .*Connection refused/s);
    } finally {
      await sshd.start();
    }
    // Once the wait after the last failed connect is over.
    const nodes = await until('nodes through the login node again', () => commands.nodes().catch(() => undefined), { timeoutMs: 60_000 });
    expect(nodes.length).toBe(1);
  });
});
