/**
 * bench/dos/ws: the WebSocket attacks of issue 12, against real `skym server` processes, side by
 * side for several builds (a clean checkout of an older commit next to this one, for example).
 *
 *   npm run build && node dist/bench/dos/ws.js [--roots before=/tmp/old,after=.]
 *       [--subscriptions 5000] [--jobs 300] [--seconds 25] [--settle 10] [--store lowdb]
 *       [--writes-per-second 20]
 *
 * Per build and per attack it starts a server (`<root>/bin/run.js server`, its own data
 * directory), creates `--jobs` Jobs, then, on ONE WebSocket, sends `--subscriptions`
 * `watchJobs` subscriptions without a resourceVersion (each gets every Job as ADDED):
 * - reader: the attacker reads everything as fast as it can;
 * - stalled: the attacker stops reading once its subscriptions are sent (its TCP socket is
 *   paused), so what the server sends piles up on the server's side.
 * During `--seconds` a second client runs a small query over HTTP in a loop; its latency is
 * the figure that says whether others are still served. Meanwhile a writer creates
 * `--writes-per-second` Jobs with a 4 KiB annotation each, which every subscription is sent. Then the attacker goes away and the
 * server's RSS is read again after `--settle` seconds. Everything runs on this machine.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { spawnProcess } from '../../fixtures/process/supervisor.js';
import { PROJECT_ROOT } from '../../test/helpers/root.js';

const { values: args } = parseArgs({
  options: {
    roots: { type: 'string', default: `this=${PROJECT_ROOT}` },
    subscriptions: { type: 'string', default: '5000' },
    jobs: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '25' },
    settle: { type: 'string', default: '10' },
    store: { type: 'string', default: 'lowdb' },
    'writes-per-second': { type: 'string', default: '20' },
  },
});
const roots = args.roots.split(',').map((entry) => {
  const [label, path] = entry.includes('=') ? entry.split('=') : [entry, entry];
  return { label, root: resolve(path) };
});
const subscriptions = Number(args.subscriptions);
const jobCount = Number(args.jobs);
const attackMs = Number(args.seconds) * 1000;
const settleMs = Number(args.settle) * 1000;
const writeEveryMs = 1000 / Number(args['writes-per-second']);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Server {
  url: string;
  pid: number;
  /** How the process ended, once it has: a crash under attack is a result too. */
  exit(): string | undefined;
  logs(): string;
  stop(): Promise<void>;
}

async function startServer(root: string): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sky-dos-ws-'));
  const child = await spawnProcess({
    name: `server in ${root}`,
    command: join(root, 'bin', 'run.js'),
    args: ['server', '--host', '127.0.0.1', '--port', '0', '--store', args.store, '--data-dir', dataDir],
    cwd: root,
    env: { ...process.env, SKYM_LOG_LEVEL: 'warn' },
    keep: 'stderr',
    keepChars: 4_000,
  });
  let url: string;
  try {
    [, url] = await child.waitForOutput(/listening on (http:\/\/\S+)/, 30_000);
  } catch (error) {
    await child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    pid: child.pid,
    exit: () => (child.exitStatus ? `exited ${child.exitStatus.signal ?? child.exitStatus.code}` : undefined),
    logs: () => child.output(),
    async stop() {
      await child.stop('SIGTERM', 10_000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function rssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN; // the process is gone
  }
}

async function gql(url: string, query: string, variables?: object): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors[0].message);
  return body.data;
}

const CREATE = 'mutation($input: JobInput!) { createJob(input: $input) { metadata { name } } }';
const QUERY = '{ namespaces { items { metadata { name } } } }';
const WATCH = 'subscription { watchJobs(namespace: "default") { type resourceVersion object { metadata { name resourceVersion annotations } } } }';

/** What the attacking socket saw. */
interface Attack {
  nexts: number;
  errors: Map<string, number>;
  closeCode?: number;
  closeReason?: string;
  socket: WebSocket;
}

/** One raw graphql-transport-ws connection that sends every subscription at once. */
async function attack(url: string, stall: boolean): Promise<Attack> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const seen: Attack = { nexts: 0, errors: new Map(), socket };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; payload?: any };
    if (message.type === 'next') seen.nexts++;
    else if (message.type === 'error') {
      const code = String(message.payload?.[0]?.extensions?.code ?? message.payload?.[0]?.message ?? 'error');
      seen.errors.set(code, (seen.errors.get(code) ?? 0) + 1);
    }
  });
  socket.on('close', (code, reason) => {
    seen.closeCode = code;
    seen.closeReason = String(reason);
  });
  socket.on('error', () => undefined);
  await new Promise((done) => socket.once('open', done));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await new Promise<void>((done) => socket.once('message', () => done())); // connection_ack
  for (let id = 1; id <= subscriptions; id++) socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: WATCH } }));
  // The socket's own TCP stream: paused, the client reads nothing more and the kernel's buffers fill.
  if (stall) (socket as unknown as { _socket: { pause(): void } })._socket.pause();
  return seen;
}

/** Runs QUERY in a loop until `until`: latencies in ms of those answered, and how many failed. */
async function queryLoop(url: string, until: number): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  while (Date.now() < until) {
    const started = performance.now();
    try {
      await gql(url, QUERY);
      latencies.push(performance.now() - started);
    } catch {
      failed++;
    }
    await sleep(50);
  }
  return { latencies: latencies.sort((a, b) => a - b), failed };
}

/** Creates Jobs at a steady rate until `until`; how many were written. */
async function writeLoop(url: string, until: number): Promise<number> {
  const note = 'w'.repeat(4096);
  let written = 0;
  while (Date.now() < until) {
    const started = Date.now();
    const input = { metadata: { name: `written-${written}`, annotations: { note } }, spec: { image: 'busybox', run: 'echo Sky!' } };
    if (await gql(url, CREATE, { input }).then(() => true, () => false)) written++;
    await sleep(Math.max(0, writeEveryMs - (Date.now() - started)));
  }
  return written;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function run(label: string, root: string, stall: boolean) {
  const server = await startServer(root);
  try {
    for (let i = 0; i < jobCount; i++) {
      await gql(server.url, CREATE, { input: { metadata: { name: `job-${i}` }, spec: { image: 'busybox', run: 'echo Sky!', resources: { cpu: 1 } } } });
    }
    await sleep(1000);
    const rssBefore = rssMiB(server.pid);
    const started = Date.now();
    const attacker = await attack(server.url, stall);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(server.pid))), 250);
    const [{ latencies, failed }, written] = await Promise.all([queryLoop(server.url, started + attackMs), writeLoop(server.url, started + attackMs)]);
    clearInterval(sampler);
    // A paused client cannot see its close (it reads nothing): the server's log says it cut it off.
    const closedByServer = attacker.closeCode !== undefined ? `${attacker.closeCode} ${attacker.closeReason}` : server.logs().includes('does not read what it is sent') ? 'cut off (server log)' : 'no';
    attacker.socket.terminate();
    await sleep(settleMs);
    const rssAfter = rssMiB(server.pid);
    // Still served after the attack, and what the server holds once it is over.
    const lastQuery = performance.now();
    const servedAfter = await gql(server.url, QUERY).then(() => true, () => false);
    const lastQueryMs = performance.now() - lastQuery;
    if (server.exit()) console.error(`${label}: the server ${server.exit()} under attack:\n${server.logs()}`);
    return {
      build: label,
      attack: stall ? 'stalled' : 'reader',
      'next msgs': attacker.nexts,
      'refused (code)': [...attacker.errors].map(([code, n]) => `${n} ${code}`).join(', ') || '0',
      'closed by server': closedByServer,
      'query p50 ms': f(percentile(latencies, 50), 1),
      'query max ms': f(latencies.at(-1) ?? NaN, 1),
      queries: failed > 0 ? `${latencies.length} (${failed} failed)` : latencies.length,
      writes: written,
      'RSS before MiB': f(rssBefore),
      'RSS peak MiB': f(rssPeak),
      [`RSS ${args.settle}s after MiB`]: f(rssAfter),
      'query after ms': servedAfter ? f(lastQueryMs, 1) : server.exit() ?? 'failed',
    };
  } finally {
    await server.stop();
  }
}

const rows = [];
for (const stall of [false, true]) for (const { label, root } of roots) rows.push(await run(label, root, stall));
console.log(
  `\n${subscriptions} watchJobs subscriptions on one WebSocket, ${jobCount} Jobs (each subscription gets all as ADDED), ${args['writes-per-second']} writes/s, ${args.seconds}s, store ${args.store}`,
);
console.table(rows);
