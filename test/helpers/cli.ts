/**
 * Runs the REAL skym binary (`node bin/run.js …` over the built dist/, so `npm run build` first),
 * the way a user's shell does: arguments, environment, standard input in; stdout, stderr and exit
 * status out. Every run gets a config file of its own in a temporary directory (SKYM_CONFIG, and
 * HOME too), so tests never read or write the real ~/.skym, and SKYM_API / SKYM_NAMESPACE /
 * SKYM_TOKEN from the developer's shell never leak in.
 *
 * `spawnSkym` is for commands that keep running (`get --watch`): read their lines as they come,
 * then interrupt them by pid like Ctrl-C does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'run.js');
const BUILT = join(ROOT, 'dist', 'cli', 'commands', 'get.js');
const DEFAULT_TIMEOUT_MS = 30_000;

export interface SkymOptions {
  /** The API URL, passed as SKYM_API (use `args` for --api). */
  api?: string;
  /** More environment; wins over the defaults below. */
  env?: Record<string, string>;
  /** Written to standard input, which is then closed. */
  input?: string;
  /** Killed (SIGKILL, by pid) after this long; the test then fails on the result. */
  timeoutMs?: number;
}

export interface SkymResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One temporary home per test process: tests that want a config file of their own pass SKYM_CONFIG. */
let home: string | undefined;
function skymHome(): string {
  home ??= mkdtempSync(join(tmpdir(), 'skym-home-'));
  return home;
}

/** A config file path no other test uses (the file itself does not exist yet). */
let configs = 0;
export function freshConfigPath(): string {
  return join(skymHome(), `config-${++configs}.yaml`);
}

function environment(options: SkymOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SKYM_API;
  delete env.SKYM_NAMESPACE;
  delete env.SKYM_TOKEN;
  delete env.SKYM_LOG_LEVEL;
  return {
    ...env,
    HOME: skymHome(),
    SKYM_CONFIG: join(skymHome(), 'config.yaml'),
    // Plain text: no colours even if the test runner sets FORCE_COLOR.
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...(options.api ? { SKYM_API: options.api } : {}),
    ...options.env,
  };
}

function start(args: string[], options: SkymOptions): ChildProcess {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` before the CLI tests.`);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: environment(options), stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stdin!.end(options.input ?? '');
  return child;
}

/** Children still running, killed by pid if the test process exits without waiting for them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
});

function collect(child: ChildProcess, timeoutMs: number): Promise<SkymResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), timeoutMs);
    // 'close', not 'exit': by then every byte of stdout and stderr has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    });
  });
}

/** Runs `skym ARGS…` to its end. */
export function runSkym(args: string[], options: SkymOptions = {}): Promise<SkymResult> {
  return collect(start(args, options), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

export interface SkymProcess {
  pid: number;
  /** Complete stdout lines so far. */
  lines(): string[];
  /** Resolves with the lines so far once `predicate` holds for them; rejects after `timeoutMs`. */
  waitFor(predicate: (lines: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Sends SIGINT (Ctrl-C) by pid and waits for the exit. */
  interrupt(): Promise<SkymResult>;
}

/** Starts `skym ARGS…` and leaves it running. */
export function spawnSkym(args: string[], options: SkymOptions = {}): SkymProcess {
  const child = start(args, options);
  const pid = child.pid!;
  const done = collect(child, options.timeoutMs ?? 120_000);
  let out = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters) wake();
  });
  const lines = () => out.split('\n').slice(0, -1);
  return {
    pid,
    lines,
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(lines())) return;
          cleanup();
          resolve(lines());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`skym ${args.join(' ')} did not print what was expected within ${timeoutMs} ms; it printed:\n${out}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async interrupt() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGINT');
      return done;
    },
  };
}
