/**
 * How a Job becomes an sbatch call: the exact arguments, the name and comment that find it again,
 * and the batch script, which is also run here with sh as slurmd would run it (with the array
 * index in SLURM_ARRAY_TASK_ID) to check what it really does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  batchScript,
  formatComment,
  jobName,
  parseComment,
  refOfJobName,
  restJobProperties,
  sbatchArgs,
  shellQuote,
  type SubmissionSpec,
} from '../../../src/cluster-managers/slurm/batch.js';

const execFileAsync = promisify(execFile);

function spec(overrides: Partial<SubmissionSpec> = {}): SubmissionSpec {
  return {
    ref: { kind: 'Job', namespace: 'team-a', name: 'train' },
    cluster: 'hpc',
    uid: '0b6f6c1e-uid',
    from: 0,
    to: 3,
    firstReplicaIndex: 2,
    run: 'echo Sky!',
    envs: [],
    resources: { cpu: 2, memory: 1024, gpu: 0 },
    restartPolicy: 'NEVER',
    dir: '/state/hpc/team-a/jobs/train',
    ...overrides,
  };
}

describe('names and comments', () => {
  it('names the Slurm job after the namespace and name, and reads it back', () => {
    expect(jobName({ kind: 'Job', namespace: 'team-a', name: 'train-1' })).toBe('sky.team-a.train-1');
    expect(refOfJobName('sky.team-a.train-1')).toEqual({ kind: 'Job', namespace: 'team-a', name: 'train-1' });
    for (const foreign of ['train', 'sky.a', 'sky.a.b.c', 'sky.A.b', 'xsky.a.b']) expect(refOfJobName(foreign)).toBeUndefined();
  });

  it('carries cluster, uid, indices and the replica offset in the comment', () => {
    const comment = formatComment({ cluster: 'hpc', uid: 'u-1', from: 2, to: 5, firstReplicaIndex: 7 });
    expect(comment).toBe('sky-manager cluster=hpc uid=u-1 replicas=2-5 first=7');
    expect(parseComment(comment)).toEqual({ cluster: 'hpc', uid: 'u-1', from: 2, to: 5, firstReplicaIndex: 7 });
    expect(parseComment('')).toBeUndefined();
    expect(parseComment('sky-manager cluster=hpc')).toBeUndefined();
    expect(parseComment('a user comment')).toBeUndefined();
  });

  it('quotes anything for sh', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$HOME `x`')).toBe(`'$HOME \`x\`'`);
  });
});

describe('sbatchArgs', () => {
  it('asks for one array element per replica with the resources of one replica', () => {
    expect(sbatchArgs(spec())).toEqual([
      '--parsable',
      '--job-name=sky.team-a.train',
      '--comment=sky-manager cluster=hpc uid=0b6f6c1e-uid replicas=0-3 first=2',
      '--array=0-3',
      '--nodes=1',
      '--ntasks=1',
      '--cpus-per-task=2',
      '--mem=1024',
      '--chdir=/state/hpc/team-a/jobs/train',
      '--output=/state/hpc/team-a/jobs/train/%a.log',
      '--export=ALL',
      '--no-requeue',
    ]);
  });

  it('rounds CPUs up to whole ones, leaves memory to the site when none is asked, asks for GPUs and the partition', () => {
    const args = sbatchArgs(
      spec({ resources: { cpu: 0.5, memory: 0, gpu: 2, accelerator: 'a100' }, partition: 'gpu', restartPolicy: 'ON_FAILURE', from: 4, to: 4 }),
    );
    expect(args).toContain('--cpus-per-task=1');
    expect(args.some((a) => a.startsWith('--mem'))).toBe(false);
    expect(args).toContain('--gres=gpu:a100:2');
    expect(args).toContain('--partition=gpu');
    expect(args).toContain('--array=4-4');
    expect(args).toContain('--requeue');
    expect(sbatchArgs(spec({ resources: { cpu: 1, memory: 0, gpu: 1 } }))).toContain('--gres=gpu:1');
  });
});

describe('restJobProperties (slurmrestd v0.0.38)', () => {
  it('asks for what sbatchArgs asks for, with an environment of its own', () => {
    expect(restJobProperties(spec(), { PATH: '/usr/bin:/bin' })).toEqual({
      name: 'sky.team-a.train',
      comment: 'sky-manager cluster=hpc uid=0b6f6c1e-uid replicas=0-3 first=2',
      array: '0-3',
      nodes: [1, 1],
      tasks: 1,
      cpus_per_task: 2,
      memory_per_node: 1024,
      current_working_directory: '/state/hpc/team-a/jobs/train',
      standard_output: '/state/hpc/team-a/jobs/train/%a.log',
      requeue: false,
      environment: { PATH: '/usr/bin:/bin' },
    });
  });

  it('rounds CPUs up, leaves memory out when none is asked, names GPUs as GRES and the partition', () => {
    const job = restJobProperties(spec({ resources: { cpu: 0.5, memory: 0, gpu: 2, accelerator: 'a100' }, partition: 'gpu', restartPolicy: 'ON_FAILURE' }), {});
    expect(job).toMatchObject({ cpus_per_task: 1, gres: 'gpu:a100:2', partition: 'gpu', requeue: true });
    expect(job).not.toHaveProperty('memory_per_node');
    expect(restJobProperties(spec({ resources: { cpu: 1, memory: 0, gpu: 1 } }), {}).gres).toBe('gpu:1');
  });
});

describe('batchScript, run with sh', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sky-slurm-batch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function runElement(s: SubmissionSpec, index: number, more: Record<string, string> = {}): Promise<{ code: number; stdout: string }> {
    const file = path.join(dir, 'script.sh');
    await writeFile(file, batchScript(s));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_ARRAY_TASK_ID: String(index), ...more };
    try {
      const { stdout } = await execFileAsync('sh', [file], { env, cwd: dir });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      return { code: e.code, stdout: e.stdout };
    }
  }

  it('runs `run` with the envs and SKY_* variables, and records the exit status', async () => {
    const s = spec({
      dir,
      run: `echo "$GREETING|$ODD|$SKY_JOB_NAME|$SKY_NAMESPACE|$SKY_CLUSTER|$SKY_REPLICA_INDEX"`,
      envs: [
        { name: 'GREETING', value: "it's Sky" },
        { name: 'ODD', value: 'a b\nc $HOME' },
      ],
    });
    const result = await runElement(s, 3);
    expect(result).toEqual({ code: 0, stdout: "it's Sky|a b\nc $HOME|train|team-a|hpc|5\n" });
    expect(await readFile(path.join(dir, '3.exit'), 'utf8')).toBe('0\n');
  });

  it('ends with the command’s status: `exit 3` in run ends only run', async () => {
    const result = await runElement(spec({ dir, run: 'echo before; exit 3; echo never' }), 0);
    expect(result).toEqual({ code: 3, stdout: 'before\n' });
    expect(await readFile(path.join(dir, '0.exit'), 'utf8')).toBe('3\n');
  });

  it('restarts a failing command under ON_FAILURE and counts the restarts', async () => {
    // Fails the first time, succeeds the second: the marker file survives between attempts.
    const run = 'if [ -e tried ]; then echo second; else touch tried; echo first; exit 1; fi';
    const result = await runElement(spec({ dir, run, restartPolicy: 'ON_FAILURE' }), 1);
    expect(result).toEqual({ code: 0, stdout: 'first\nsecond\n' });
    expect(await readFile(path.join(dir, '1.restarts'), 'utf8')).toBe('1\n');
    expect(await readFile(path.join(dir, '1.exit'), 'utf8')).toBe('0\n');
  });

  it('clears what an earlier run of the same element left', async () => {
    await writeFile(path.join(dir, '2.exit'), '9\n');
    await writeFile(path.join(dir, '2.restarts'), '4\n');
    await runElement(spec({ dir, run: 'true' }), 2);
    expect(await readFile(path.join(dir, '2.exit'), 'utf8')).toBe('0\n');
    await expect(readFile(path.join(dir, '2.restarts'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('does not run a NEVER replica again when Slurm requeued it: failed, or the first run’s status', async () => {
    const run = 'touch ran; exit 0';
    expect(await runElement(spec({ dir, run }), 0, { SLURM_RESTART_COUNT: '1' })).toEqual({ code: 1, stdout: '' });
    expect(await readFile(path.join(dir, '0.exit'), 'utf8')).toBe('1\n');
    await writeFile(path.join(dir, '1.exit'), '4\n');
    expect((await runElement(spec({ dir, run }), 1, { SLURM_RESTART_COUNT: '2' })).code).toBe(4);
    await expect(readFile(path.join(dir, 'ran'))).rejects.toThrow(/ENOENT/);
  });

  it('runs a requeued ON_FAILURE replica again, as Slurm meant', async () => {
    const result = await runElement(spec({ dir, run: 'echo again', restartPolicy: 'ON_FAILURE' }), 0, { SLURM_RESTART_COUNT: '1' });
    expect(result).toEqual({ code: 0, stdout: 'again\n' });
  });
});
