/**
 * bench/api: API server throughput and latency, side by side for the lowdb and etcd stores.
 *
 *   npm run bench:api -- [--sizes 1000,100000] [--stores lowdb,etcd] [--seconds 10]
 *                        [--clients 16] [--subscribers 1000] [--connections 100]
 *                        [--updates 200] [--warmup 20]
 *
 * For each store and each pre-loaded size it starts a real server process (and a real etcd), fills
 * it with that many Jobs through the API, then runs `--clients` concurrent createJob loops for
 * `--seconds` and reports creates/s and p50/p99 latency. Then, with `--subscribers` watchJobs
 * subscriptions spread over `--connections` WebSockets, it updates one Job at a steady rate and
 * reports delivery latency (update sent → event received) over all subscribers, after
 * `--warmup` untimed updates.
 * Everything runs on this machine; the server gets its own process, the load its own.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startEtcd, type EtcdProcess } from '../../fixtures/etcd.js';
import { startServer, type ServerProcess } from '../../test/helpers/server.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000' },
    stores: { type: 'string', default: 'lowdb,etcd' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '16' },
    subscribers: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '100' },
    updates: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const stores = args.stores.split(',') as Array<'lowdb' | 'etcd'>;
const seconds = Number(args.seconds);
const clients = Number(args.clients);

const CREATE = `mutation($input: JobInput!) { createJob(input: $input) { metadata { resourceVersion } } }`;
const UPDATE = `mutation($input: JobInput!) { updateJob(input: $input) { metadata { resourceVersion } } }`;
const GET = `query($name: String!) { job(name: $name) { metadata { resourceVersion } } }`;

/**
 * One GraphQL POST over a keep-alive node:http agent. The load shares the server's two cores;
 * undici's fetch spent about twice the CPU per request, which the server then did not get.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function gql(url: string, query: string, variables: object): Promise<any> {
  const target = new URL(url);
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: any; errors?: Array<{ message: string }> };
            if (parsed.errors?.length) reject(new Error(parsed.errors[0].message));
            else resolve(parsed.data);
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function job(name: string, extra: Record<string, string> = {}) {
  return {
    metadata: { name, labels: { bench: 'api' }, annotations: extra },
    spec: { image: 'busybox', run: 'echo Sky!', resources: { cpu: 1, memory: 128 } },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `workers` loops calling `op(i)` until `deadline` or `count` ops; returns latencies in ms. */
async function drive(workers: number, op: (i: number) => Promise<void>, limit: { count?: number; ms?: number }) {
  const latencies: number[] = [];
  const deadline = limit.ms ? Date.now() + limit.ms : Infinity;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline && (limit.count === undefined || next < limit.count)) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

async function withServer<T>(store: 'lowdb' | 'etcd', fn: (server: ServerProcess) => Promise<T>): Promise<T> {
  let etcd: EtcdProcess | undefined;
  if (store === 'etcd') etcd = await startEtcd();
  const server = await startServer({ store, etcdEndpoint: etcd?.endpoint });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    await etcd?.stop();
  }
}

async function benchCreates(store: 'lowdb' | 'etcd', size: number) {
  return withServer(store, async (server) => {
    const preload = await drive(32, (i) => gql(server.url, CREATE, { input: job(`pre-${i}`) }), { count: size });
    const run = await drive(clients, (i) => gql(server.url, CREATE, { input: job(`run-${i}`) }), { ms: seconds * 1000 });
    return { store, size, preloadPerSecond: preload.perSecond, ...run, rss: rssMiB(server.pid) };
  });
}

async function benchWatch(store: 'lowdb' | 'etcd') {
  const subscribers = Number(args.subscribers);
  const connections = Math.min(Number(args.connections), subscribers);
  const updates = Number(args.updates);
  const warmup = Number(args.warmup);
  return withServer(store, async (server) => {
    await gql(server.url, CREATE, { input: job('watched') });
    const sockets: Client[] = Array.from({ length: connections }, () =>
      createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 }),
    );
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const disposers: Array<() => void> = [];
    const { resourceVersion } = (await gql(server.url, GET, { name: 'watched' })).job.metadata;
    for (let s = 0; s < subscribers; s++) {
      const client = sockets[s % connections];
      disposers.push(
        client.subscribe(
          { query: `subscription($rv: String) { watchJobs(namespace: "default", resourceVersion: $rv) { type resourceVersion object { metadata { annotations } } } }`, variables: { rv: resourceVersion } },
          {
            next: (msg: any) => {
              const seq = msg.data?.watchJobs?.object?.metadata?.annotations?.seq;
              const t = seq && sentAt.get(seq);
              if (t) latencies.push(performance.now() - t);
            },
            error: (e) => console.error('subscription error', e),
            complete: () => {},
          },
        ),
      );
    }
    // Give the subscriptions time to be established before measuring.
    await new Promise((r) => setTimeout(r, 2000 + subscribers));
    let rv = resourceVersion as string;
    for (let i = -warmup; i < updates; i++) {
      const seq = String(i + 1);
      // Timed from the moment the update is sent, so the figure includes the write itself. The
      // warm-up updates (seq ≤ 0) go to every subscriber too but are not timed: their fan-out
      // runs code V8 has not compiled yet, which says nothing of a server that has been up.
      if (i >= 0) sentAt.set(seq, performance.now());
      const update = job('watched', { seq });
      const res = await gql(server.url, UPDATE, { input: { ...update, metadata: { ...update.metadata, resourceVersion: rv } } });
      rv = res.updateJob.metadata.resourceVersion;
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 2000));
    disposers.forEach((d) => d());
    await Promise.all(sockets.map((c) => c.dispose()));
    latencies.sort((a, b) => a - b);
    return {
      store,
      subscribers,
      connections,
      expected: updates * subscribers,
      delivered: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rss: rssMiB(server.pid),
    };
  });
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

const createRows = [];
for (const size of sizes) for (const store of stores) createRows.push(await benchCreates(store, size));
console.log(`\ncreateJob, ${clients} concurrent clients, ${seconds}s per row (preload at 32 concurrent)`);
console.table(
  createRows.map((r) => ({
    store: r.store,
    'objects before': r.size,
    'preload creates/s': f(r.preloadPerSecond, 0),
    'creates/s': f(r.perSecond, 0),
    'p50 ms': f(r.p50),
    'p99 ms': f(r.p99),
    'server RSS MiB': f(r.rss, 0),
  })),
);

const watchRows = [];
for (const store of stores) watchRows.push(await benchWatch(store));
console.log(`\nwatch delivery: update sent → event received by each subscriber`);
console.table(
  watchRows.map((r) => ({
    store: r.store,
    subscribers: r.subscribers,
    connections: r.connections,
    'delivered/expected': `${r.delivered}/${r.expected}`,
    'p50 ms': f(r.p50),
    'p99 ms': f(r.p99),
    'server RSS MiB': f(r.rss, 0),
  })),
);
