/**
 * One SSH connection to a cluster's login node, shared by every command run there: an OpenSSH
 * ControlMaster (`ssh -M -N`) kept as a child of this process, and one short-lived `ssh` per
 * command that opens a session over the master's control socket instead of connecting and
 * authenticating again. A site's sshd sees one login per cluster, not one per squeue.
 *
 * Credentials are files on the controller machine (the private key, the known_hosts that pins
 * the login node's host key); nothing travels through the API. Host keys are checked strictly and
 * nothing is asked interactively (BatchMode): an unknown or changed host key is an error.
 *
 * Failures are told apart: a remote command that exits non-zero is a RemoteCommandError (the
 * connection is fine); a connection that cannot be made, or is lost, or a command that does not
 * answer in time, is an SshConnectionError. When the master has died (the login node rebooted,
 * the network broke), the next call starts a new one; calls made meanwhile share that attempt.
 * After a failed attempt the next one waits (1 s, doubling to 30 s, reset by a success); calls
 * meanwhile fail at once with that attempt's reason. A login node that is down is then not asked
 * for a login every probe (sites ban addresses that fail too often), and a host that drops packets
 * costs each call nothing instead of the whole connect timeout.
 *
 * Commands never fall back to a connection of their own when the master is gone (ProxyCommand
 * is `false` for them): a fallback would log in once per command, which is what this avoids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteCommandLine } from './quote.js';
import { describeTarget, type SshTarget } from './target.js';

export interface SshConnectionOptions {
  target: SshTarget;
  /** The private key, a path on the controller machine. */
  identityFile: string;
  /** The known_hosts file that holds the login node's host key. */
  knownHostsFile: string;
  /** An ssh_config file to read (ProxyJump and the like); default none, so only these options apply. */
  configFile?: string;
  /** Until the master is connected and authenticated (default 20 s). */
  connectTimeoutMs?: number;
  /** ServerAliveInterval: a silent connection is probed this often (default 10 s)… */
  serverAliveIntervalSeconds?: number;
  /** …and given up after this many unanswered probes (default 3). */
  serverAliveCountMax?: number;
  /** Default `ssh` from PATH. */
  sshBinary?: string;
  /** The wait after a first failed connect, doubled after each further one (default 1 s)… */
  reconnectBackoffMs?: number;
  /** …up to this (default 30 s). */
  maxReconnectBackoffMs?: number;
}

export interface ExecOptions {
  /** Written to the remote command's standard input, which is then closed. */
  input?: string;
  /** Default 60 s. The local ssh is killed after it; the remote command loses its session. */
  timeoutMs?: number;
  /** Default 512 MiB (squeue --json of a big site). */
  maxOutputBytes?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The remote command's exit status. */
  exitCode: number;
}

/** Could not connect, lost the connection, or no answer in time; says which and why. */
export class SshConnectionError extends Error {
  constructor(
    message: string,
    readonly reason: 'connect' | 'lost' | 'timeout' | 'closed',
  ) {
    super(message);
  }
}

/** The remote command ran and exited non-zero. */
export class RemoteCommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 512 * 2 ** 20;
/** Exit status of readFile's script when the file is not there (cat's own is 1 for any failure). */
const ABSENT_STATUS = 44;
/** ssh's own exit status for its errors (a remote command may exit 255 too; checked then). */
const SSH_ERROR_STATUS = 255;

interface Master {
  child: ChildProcess;
  stderr: string;
  exited: Promise<void>;
  running: boolean;
}

export class SshConnection {
  readonly describe: string;
  private controlDir: string | undefined;
  private master: Master | undefined;
  private connecting: Promise<Master> | undefined;
  /** Why the last master ended, for the message of the next failure. */
  private lastLoss: string | undefined;
  private closed = false;
  private readonly ssh: string;
  /** After failed connects: how many in a row, the last one's error, and when to try again. */
  private backoff: { failures: number; error: SshConnectionError; retryAt: number } | undefined;

  constructor(private readonly options: SshConnectionOptions) {
    this.describe = `ssh ${describeTarget(options.target)}`;
    this.ssh = options.sshBinary ?? 'ssh';
  }

  /** True while a master runs (it may still find out later that the network is gone). */
  get connected(): boolean {
    return this.master?.running ?? false;
  }

  /** The master's pid, while one runs (tests; ssh -O check). */
  get masterPid(): number | undefined {
    return this.master?.running ? this.master.child.pid : undefined;
  }

  /** The control socket's path, once a master has been started. */
  get controlPath(): string | undefined {
    return this.controlDir && join(this.controlDir, 'master');
  }

  /** Connects now (otherwise the first command does); rejects with SshConnectionError. */
  async connect(): Promise<void> {
    await this.ensureMaster();
  }

  /** Runs `command args…` on the login node; resolves with its exit status whatever it is. */
  async exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const line = remoteCommandLine(command, args);
    await this.ensureMaster();
    const result = await this.spawnClient(line, options);
    if (result.exitCode === SSH_ERROR_STATUS && !(await this.masterAnswers())) {
      throw new SshConnectionError(`${this.describe}: the connection was lost during \`${shorten(line)}\`${this.lossDetail(result.stderr)}`, 'lost');
    }
    return result;
  }

  /** Runs a command; resolves with its stdout, rejects with RemoteCommandError if it exits non-zero. */
  async run(command: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(command, args, options);
    if (result.exitCode !== 0) {
      const line = shorten(remoteCommandLine(command, args));
      const why = result.stderr.trim() || `exit status ${result.exitCode}`;
      throw new RemoteCommandError(`${line}: ${why} (${this.describe})`, command, result.exitCode, result.stderr);
    }
    return result.stdout;
  }

  /**
   * A remote file's text; undefined when it does not exist. Any other failure to read it
   * (permissions, a directory) is a RemoteCommandError, a lost connection an SshConnectionError.
   */
  async readFile(path: string, options: Omit<ExecOptions, 'input'> = {}): Promise<string | undefined> {
    // sh explicitly: the login shell may be csh; the path is an argument, never part of the script.
    const script = `test -e "$1" || test -L "$1" || exit ${ABSENT_STATUS}; exec cat -- "$1"`;
    const result = await this.exec('sh', ['-c', script, 'sh', path], options);
    if (result.exitCode === ABSENT_STATUS) return undefined;
    if (result.exitCode !== 0) {
      throw new RemoteCommandError(`cannot read ${path}: ${result.stderr.trim() || `exit status ${result.exitCode}`} (${this.describe})`, 'cat', result.exitCode, result.stderr);
    }
    return result.stdout;
  }

  /** Ends the master (by pid) and removes the control directory. Later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const master = this.master ?? (await this.connecting?.catch(() => undefined));
    if (master?.running) {
      const timer = setTimeout(() => master.child.kill('SIGKILL'), 5_000);
      master.child.kill('SIGTERM');
      await master.exited;
      clearTimeout(timer);
    }
    this.master = undefined;
    if (this.controlDir) await rm(this.controlDir, { recursive: true, force: true });
  }

  private async ensureMaster(): Promise<Master> {
    if (this.closed) throw new SshConnectionError(`${this.describe}: the connection is closed`, 'closed');
    if (this.master?.running) return this.master;
    const backoff = this.backoff;
    if (!this.connecting && backoff && Date.now() < backoff.retryAt) {
      const seconds = Math.max(1, Math.ceil((backoff.retryAt - Date.now()) / 1000));
      throw new SshConnectionError(`${backoff.error.message} (next attempt in ${seconds} s)`, 'connect');
    }
    this.connecting ??= this.startMaster()
      .then(
        (master) => {
          this.backoff = undefined;
          return master;
        },
        (error: unknown) => {
          if (error instanceof SshConnectionError && error.reason === 'connect') this.noteFailedConnect(error);
          throw error;
        },
      )
      .finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private noteFailedConnect(error: SshConnectionError): void {
    const failures = (this.backoff?.failures ?? 0) + 1;
    const { reconnectBackoffMs = 1_000, maxReconnectBackoffMs = 30_000 } = this.options;
    const wait = Math.min(maxReconnectBackoffMs, reconnectBackoffMs * 2 ** Math.min(failures - 1, 30));
    this.backoff = { failures, error, retryAt: Date.now() + wait };
  }

  private async startMaster(): Promise<Master> {
    this.controlDir ??= await mkdtemp(join(tmpdir(), 'sky-ssh-'));
    const socket = this.controlPath!;
    // A master that was SIGKILLed leaves its socket behind, and ssh would not listen on it again.
    await unlink(socket).catch(() => undefined);
    const { serverAliveIntervalSeconds = 10, serverAliveCountMax = 3, connectTimeoutMs = 20_000 } = this.options;
    const child = spawn(
      this.ssh,
      [
        '-M',
        '-N',
        '-T',
        ...this.commonArgs(socket),
        '-i',
        this.options.identityFile,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        `UserKnownHostsFile=${this.options.knownHostsFile}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'ControlPersist=no',
        '-o',
        `ConnectTimeout=${Math.max(1, Math.ceil(connectTimeoutMs / 1000))}`,
        '-o',
        `ServerAliveInterval=${serverAliveIntervalSeconds}`,
        '-o',
        `ServerAliveCountMax=${serverAliveCountMax}`,
        '-p',
        String(this.options.target.port),
        '-l',
        this.options.target.user,
        this.options.target.host,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const master: Master = { child, stderr: '', running: true, exited: undefined as unknown as Promise<void> };
    child.stderr!.on('data', (chunk: Buffer) => (master.stderr = (master.stderr + chunk.toString()).slice(-4000)));
    master.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        master.stderr += `cannot start ${this.ssh}: ${error.message}`;
      });
      child.once('close', (code, signal) => {
        master.running = false;
        this.lastLoss = master.stderr.trim() || (signal ? `ssh killed by ${signal}` : `ssh exited with ${code}`);
        if (this.master === master) this.master = undefined;
        resolve();
      });
    });
    // The control socket appears once the master has logged in.
    const end = Date.now() + connectTimeoutMs;
    while (!existsSync(socket)) {
      if (!master.running) throw new SshConnectionError(`${this.describe}: cannot connect: ${this.lastLoss}`, 'connect');
      if (Date.now() > end) {
        child.kill('SIGKILL');
        await master.exited;
        throw new SshConnectionError(`${this.describe}: cannot connect: not logged in within ${connectTimeoutMs} ms${master.stderr.trim() ? ` (${master.stderr.trim()})` : ''}`, 'connect');
      }
      await Promise.race([master.exited, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
    if (this.closed) {
      child.kill('SIGTERM');
      await master.exited;
      throw new SshConnectionError(`${this.describe}: the connection is closed`, 'closed');
    }
    this.master = master;
    return master;
  }

  /** Options of the master and of every command: the socket, no prompts, quiet. */
  private commonArgs(socket: string): string[] {
    return ['-F', this.options.configFile ?? 'none', '-o', `ControlPath=${socket}`, '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];
  }

  /** Runs one command line over the master's socket. */
  private spawnClient(line: string, options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const socket = this.controlPath!;
    const args = [
      '-T',
      ...this.commonArgs(socket),
      '-o',
      'ControlMaster=no',
      // No connection of its own when the master is gone: fail instead (see the top).
      '-o',
      'ProxyCommand=false',
      '-p',
      String(this.options.target.port),
      '-l',
      this.options.target.user,
      this.options.target.host,
      line,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.ssh, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let settled = false;
      // The client hands its standard streams to the master (fd passing), so they stay open
      // until the remote command ends even when the client is killed: give up on them at once.
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new SshConnectionError(`${this.describe}: \`${shorten(line)}\`: no answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > maxOutputBytes) fail(new RemoteCommandError(`${shorten(line)}: printed more than ${maxOutputBytes} bytes (${this.describe})`, line, -1, ''));
        else stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.on('error', (error) => fail(new SshConnectionError(`${this.describe}: cannot start ${this.ssh}: ${error.message}`, 'connect')));
      // A remote command that exits before reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (code === null) return reject(new SshConnectionError(`${this.describe}: ssh for \`${shorten(line)}\` was killed by ${signal}`, 'lost'));
        resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr, exitCode: code });
      });
    });
  }

  /** `ssh -O check`: does the master still serve its socket? (Tells ssh's 255 from the command's.) */
  private async masterAnswers(): Promise<boolean> {
    const master = this.master;
    if (!master?.running) return false;
    const socket = this.controlPath!;
    const answered = await new Promise<boolean>((resolve) => {
      const child = spawn(this.ssh, [...this.commonArgs(socket), '-O', 'check', '-p', String(this.options.target.port), '-l', this.options.target.user, this.options.target.host], { stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('error', () => resolve(false));
      child.once('close', (code) => (clearTimeout(timer), resolve(code === 0)));
    });
    if (!answered && master.running) {
      // Serving nothing: end it, so that the next call starts a new one.
      master.child.kill('SIGKILL');
      await master.exited;
    }
    return answered;
  }

  private lossDetail(clientStderr: string): string {
    const why = this.lastLoss ?? clientStderr.trim();
    return why ? ` (${why})` : '';
  }
}

function shorten(line: string): string {
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
