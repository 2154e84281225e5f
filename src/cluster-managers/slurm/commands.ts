/**
 * How the Slurm manager reaches a cluster's controller: SlurmControl, the four things it asks
 * (nodes, jobs, submit, cancel). Two implementations: SlurmCommands here, which runs the Slurm
 * commands, and SlurmRestClient (rest-client.ts), which asks slurmrestd.
 *
 * For the commands, a SlurmRunner runs one command and returns its stdout; SlurmCommands knows
 * which commands, with which arguments, and parses what they print. The runner is the only
 * transport-specific part: the local one runs the commands on this machine with SLURM_CONF set;
 * the SSH one (ssh-runner.ts) runs the same commands on a login node.
 *
 * No shell is involved: arguments go to the program as they are (spawn without a shell), and the
 * batch script travels on sbatch's standard input. Every command has a timeout: with slurmctld
 * down, each Slurm command retries for about MessageTimeout before it gives up.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { batchScript, sbatchArgs, type SubmissionSpec } from './batch.js';
import { parseSbatchParsable, parseSinfoJson, parseSqueueJson, type SlurmJob, type SlurmNode } from './parse.js';

/** What the Slurm manager asks of a cluster's controller, however it is reached. */
export interface SlurmControl {
  /** Every node, with the partitions it is in. */
  nodes(): Promise<SlurmNode[]>;
  /** Every job slurmctld remembers, finished ones included. */
  jobs(): Promise<SlurmJob[]>;
  /** Submits the workload's array; resolves with its job id. */
  submit(spec: SubmissionSpec): Promise<string>;
  /** Cancels jobs, arrays ("12") or array elements ("12_[3-5]"); what has just ended is not an error. */
  cancel(ids: readonly string[]): Promise<void>;
  /** Where the controller is reached, for messages. */
  readonly describe: string;
}

export interface RunOptions {
  /** Written to the command's standard input, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

export interface SlurmRunner {
  /** Runs a Slurm command; resolves with its stdout, rejects with a SlurmCommandError. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<string>;
  /** Says where commands run, for messages: "SLURM_CONF=/etc/slurm/slurm.conf". */
  readonly describe: string;
}

export class SlurmCommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** squeue --json of a big site is large; the whole job table arrives at once. */
const MAX_OUTPUT_BYTES = 512 * 2 ** 20;

/** Runs the Slurm commands on this machine, against the cluster `slurmConf` describes. */
export class LocalSlurmRunner implements SlurmRunner {
  readonly describe: string;

  constructor(private readonly slurmConf: string | undefined) {
    this.describe = slurmConf ? `SLURM_CONF=${slurmConf}` : 'the default slurm.conf';
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    // The Slurm commands wait up to a minute for a slurm.conf that is not there, retrying
    // quietly; say at once what is wrong instead (checked each call: the file may appear later).
    if (this.slurmConf && !existsSync(this.slurmConf)) {
      return Promise.reject(new SlurmCommandError(`spec.slurm.slurmConf: ${this.slurmConf} does not exist on the controller machine`, command, null, ''));
    }
    const env = this.slurmConf ? { ...process.env, SLURM_CONF: this.slurmConf } : process.env;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const shown = `${command} ${args.join(' ')}`.slice(0, 300);
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let failure: SlurmCommandError | undefined;
      const fail = (message: string) => {
        failure ??= new SlurmCommandError(message, command, null, stderr);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      const timer = setTimeout(() => fail(`${shown}: no answer within ${timeoutMs} ms (${this.describe})`), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > MAX_OUTPUT_BYTES) fail(`${shown}: printed more than ${MAX_OUTPUT_BYTES} bytes`);
        else stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.on('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        fail(missing ? `${command} is not installed on this machine (Debian: apt-get install slurm-client)` : `${shown}: ${error.message}`);
      });
      // A command that exits before reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (failure) return reject(failure);
        if (code !== 0) {
          const why = stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`);
          return reject(new SlurmCommandError(`${shown}: ${why} (${this.describe})`, command, code, stderr));
        }
        resolve(Buffer.concat(stdout).toString('utf8'));
      });
    });
  }
}

/** The Slurm commands the manager uses, with their output parsed. */
export class SlurmCommands implements SlurmControl {
  constructor(readonly runner: SlurmRunner) {}

  get describe(): string {
    return this.runner.describe;
  }

  /** Every node, with the partitions it is in (sinfo --json ignores --partition in 22.05). */
  async nodes(): Promise<SlurmNode[]> {
    return parseSinfoJson(await this.runner.run('sinfo', ['--json'], { timeoutMs: 30_000 }));
  }

  /** Every job slurmctld remembers, finished ones included (squeue --json ignores filters in 22.05). */
  async jobs(): Promise<SlurmJob[]> {
    return parseSqueueJson(await this.runner.run('squeue', ['--json'], { timeoutMs: 30_000 }));
  }

  submit(spec: SubmissionSpec): Promise<string> {
    return this.sbatch(sbatchArgs(spec), batchScript(spec));
  }

  /** sbatch --parsable with these arguments and the script on its standard input; resolves with the job id. */
  async sbatch(args: readonly string[], script: string): Promise<string> {
    return parseSbatchParsable(await this.runner.run('sbatch', args, { input: script }));
  }

  /** Cancels jobs, arrays ("12") or array elements ("12_[3-5]"). */
  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.runner.run('scancel', [...ids]).catch(ignoreFinished);
  }
}

/** Cancelling what has just ended fails with one of these; that is what was wanted. */
export function isFinishedError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /already completing or completed|Invalid job id specified/i.test(message);
}

function ignoreFinished(error: unknown): void {
  if (!isFinishedError(error)) throw error;
}
