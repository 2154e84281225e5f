/**
 * Starts the REAL API server, `node bin/run.js server --port 0 ...` from the built dist/, as a
 * child process, and reads the port it picked from its one stdout line. Tests then talk to it
 * over HTTP and WebSocket like any client; crash tests SIGKILL it and start another on the same
 * data directory. Server logs (stderr) are kept in memory for failure messages, not printed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProcess, type ExitStatus } from '../../fixtures/process/supervisor.js';
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
  /** For store etcd: "http://127.0.0.1:port" (fixtures/etcd.ts). */
  etcdEndpoint?: string;
  /** For store etcd, instead: every member of a cluster (fixtures/etcd-cluster.ts), passed as one --etcd-endpoints list. */
  etcdEndpoints?: readonly string[];
  /** For store lowdb; a fresh temporary directory when omitted (removed by stop()). */
  dataDir?: string;
  /** Passed as --token-auth-file: the server then requires bearer tokens from it. */
  tokenAuthFile?: string;
  /** More CLI flags, e.g. ['--history-limit', '5', '--bookmark-interval-ms', '100']. */
  extraArgs?: string[];
  /** Extra environment; SKYM_LOG_LEVEL defaults to warn (logs are captured, never printed). */
  env?: Record<string, string>;
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
  stop(): Promise<ExitStatus>;
  /** Sends the signal (default SIGKILL) and waits for the exit; keeps the data directory. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** What the server wrote to stderr so far (its logs). */
  logs(): string;
}

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(COMMAND)) throw new Error(`${COMMAND} is missing: run \`npm run build\` before the integration tests.`);
  const store = options.store ?? 'memory';
  let dataDir = options.dataDir;
  const ownDataDir = store === 'lowdb' && dataDir === undefined;
  if (ownDataDir) dataDir = await mkdtemp(join(tmpdir(), 'sky-api-'));

  const args = ['server', '--host', '127.0.0.1', '--port', '0', '--store', store];
  if (store === 'lowdb') args.push('--data-dir', dataDir!);
  if (store === 'etcd') {
    const endpoints = options.etcdEndpoints ?? (options.etcdEndpoint ? [options.etcdEndpoint] : []);
    if (endpoints.length === 0) throw new Error('store etcd needs etcdEndpoint (see fixtures/etcd.ts) or etcdEndpoints (fixtures/etcd-cluster.ts)');
    args.push('--etcd-endpoints', endpoints.join(','));
  }
  if (options.tokenAuthFile !== undefined) args.push('--token-auth-file', options.tokenAuthFile);
  args.push(...(options.extraArgs ?? []));

  // Open unless the test asks for a token file: a SKYM_TOKEN_AUTH_FILE in the developer's shell must not leak in.
  const { SKYM_TOKEN_AUTH_FILE: _inherited, ...inherited } = process.env;
  // BIN itself, not `node BIN`: its shebang carries the Node flags the product runs with.
  const child = await spawnProcess({
    name: 'server',
    command: BIN,
    args,
    cwd: PROJECT_ROOT,
    env: { ...inherited, SKYM_LOG_LEVEL: 'warn', ...options.env },
    keep: 'stderr',
  });

  let url: string;
  try {
    [, url] = await child.waitForOutput(LISTENING, START_TIMEOUT_MS);
  } catch (error) {
    await child.kill('SIGKILL');
    if (ownDataDir) await rm(dataDir!, { recursive: true, force: true });
    throw error;
  }

  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid: child.pid,
    dataDir,
    kill: (signal = 'SIGKILL') => child.kill(signal),
    logs: () => child.output(),
    async stop() {
      const exit = await child.stop('SIGTERM', STOP_TIMEOUT_MS);
      if (ownDataDir) await rm(dataDir!, { recursive: true, force: true });
      return exit;
    },
  };
}
