/**
 * Starts the REAL API server, `node bin/run.js server --port 0 ...` from the built dist/, as a
 * child process, and reads the port it picked from its one stdout line. Tests then talk to it
 * over HTTP and WebSocket like any client; crash tests SIGKILL it and start another on the same
 * data directory. Server logs (stderr) are kept in memory for failure messages, not printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './root.js';

const BIN = join(PROJECT_ROOT, 'bin', 'run.js');
const COMMAND = join(PROJECT_ROOT, 'dist', 'cli', 'commands', 'server.js');
const LISTENING = /Sky Manager API listening on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export type StoreKind = 'memory' | 'lowdb' | 'etcd';

export interface ServerOptions {
  /** Default memory. */
  store?: StoreKind;
  /** For store etcd: "http://127.0.0.1:port" (test/helpers/etcd.ts). */
  etcdEndpoint?: string;
  /** For store lowdb; a fresh temporary directory when omitted (removed by stop()). */
  dataDir?: string;
  /** Passed as --token-auth-file: the server then requires bearer tokens from it. */
  tokenAuthFile?: string;
  /** More CLI flags, e.g. ['--history-limit', '5', '--bookmark-interval-ms', '100']. */
  extraArgs?: string[];
  /** Extra environment; SKYM_LOG_LEVEL defaults to warn (logs are captured, never printed). */
  env?: Record<string, string>;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  pid: number;
  /** The lowdb data directory, to restart on it after kill(). */
  dataDir?: string;
  /** SIGTERM, waits for the exit (SIGKILL after 10 s), removes a temporary data directory. */
  stop(): Promise<ServerExit>;
  /** Sends the signal (default SIGKILL) and waits for the exit; keeps the data directory. */
  kill(signal?: NodeJS.Signals): Promise<ServerExit>;
  /** What the server wrote to stderr so far (its logs). */
  logs(): string;
}

/** Children still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(COMMAND)) throw new Error(`${COMMAND} is missing: run \`npm run build\` before the integration tests.`);
  const store = options.store ?? 'memory';
  let dataDir = options.dataDir;
  const ownDataDir = store === 'lowdb' && dataDir === undefined;
  if (ownDataDir) dataDir = await mkdtemp(join(tmpdir(), 'sky-api-'));

  const args = [BIN, 'server', '--host', '127.0.0.1', '--port', '0', '--store', store];
  if (store === 'lowdb') args.push('--data-dir', dataDir!);
  if (store === 'etcd') {
    if (!options.etcdEndpoint) throw new Error('store etcd needs etcdEndpoint (see test/helpers/etcd.ts)');
    args.push('--etcd-endpoints', options.etcdEndpoint);
  }
  if (options.tokenAuthFile !== undefined) args.push('--token-auth-file', options.tokenAuthFile);
  args.push(...(options.extraArgs ?? []));

  // Open unless the test asks for a token file: a SKYM_TOKEN_AUTH_FILE in the developer's shell must not leak in.
  const { SKYM_TOKEN_AUTH_FILE: _inherited, ...inherited } = process.env;
  // BIN itself, not `node BIN`: its shebang carries the Node flags the product runs with.
  const child = spawn(args[0], args.slice(1), {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, SKYM_LOG_LEVEL: 'warn', ...options.env },
  });
  running.add(child);
  const exited = new Promise<ServerExit>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));

  let url: string;
  try {
    url = await listeningUrl(child, exited, () => stderr);
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (ownDataDir) await rm(dataDir!, { recursive: true, force: true });
    throw error;
  }
  const pid = child.pid!;

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
    return exited;
  };

  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid,
    dataDir,
    kill,
    logs: () => stderr,
    async stop() {
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      const exit = await kill('SIGTERM');
      clearTimeout(timer);
      if (ownDataDir) await rm(dataDir!, { recursive: true, force: true });
      return exit;
    },
  };
}

function listeningUrl(child: ChildProcess, exited: Promise<ServerExit>, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`server did not report listening in ${START_TIMEOUT_MS} ms:\n${stdout}${stderr()}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited during start-up (${code ?? signal}):\n${stdout}${stderr()}`));
    });
  });
}
