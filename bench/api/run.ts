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
import { parseArgs } from 'node:util';
import { startEtcd, type EtcdProcess } from '../../fixtures/etcd.js';
import { startServer, type ServerProcess } from '../../test/helpers/server.js';
import { CREATE, drive, gql, job, measureWatchDelivery, rssMiB } from './load.js';

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
  const load = { subscribers: Number(args.subscribers), connections: Number(args.connections), updates: Number(args.updates), warmup: Number(args.warmup) };
  return withServer(store, async (server) => {
    const { all } = await measureWatchDelivery(server.url, [server.wsUrl], load);
    return { store, subscribers: load.subscribers, connections: Math.min(load.connections, load.subscribers), ...all, rss: rssMiB(server.pid) };
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
