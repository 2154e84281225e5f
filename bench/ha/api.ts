/**
 * bench/ha/api: what a second API server and a 3-member etcd cost or give, side by side.
 *
 *   npm run bench:ha:api -- [--seconds 10] [--clients 16] [--preload 1000]
 *                           [--subscribers 1000] [--connections 100] [--updates 200] [--warmup 20]
 *
 * Three set-ups, each started afresh with real processes: one API server on a single etcd
 * member (bench/api's etcd row); one API server on a 3-member etcd cluster; two API servers on
 * that cluster, the clients taking turns between them. For each: `--preload` Jobs, then
 * `--clients` createJob loops for `--seconds` (creates/s, p50/p99); then watch delivery with the
 * subscribers spread over every server while one Job is updated through the first, reported
 * over all subscribers and for those on the other server (whose events come through etcd's
 * watch to its own watch cache). Everything shares this machine's cores, load included.
 */
import { parseArgs } from 'node:util';
import { startEtcdCluster, type EtcdCluster } from '../../fixtures/etcd-cluster.js';
import { startServer, type ServerProcess } from '../../test/helpers/server.js';
import { CREATE, drive, gql, job, measureWatchDelivery, rssMiB, type Delivery } from '../api/load.js';
import { printTable, type Row } from '../queues/table.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '16' },
    preload: { type: 'string', default: '1000' },
    subscribers: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '100' },
    updates: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
  },
});
const whole = (name: keyof typeof args, min: number) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${args[name]}`);
  return value;
};
const seconds = whole('seconds', 1);
const clients = whole('clients', 1);
const preload = whole('preload', 0);
const load = { subscribers: whole('subscribers', 1), connections: whole('connections', 1), updates: whole('updates', 1), warmup: whole('warmup', 0) };

interface SetUp {
  name: string;
  etcdMembers: 1 | 3;
  servers: 1 | 2;
}
const SET_UPS: SetUp[] = [
  { name: '1 server, etcd × 1', etcdMembers: 1, servers: 1 },
  { name: '1 server, etcd × 3', etcdMembers: 3, servers: 1 },
  { name: '2 servers, etcd × 3', etcdMembers: 3, servers: 2 },
];

/** Starts the etcd member(s) and the servers afresh, runs `fn`, stops all by pid. */
async function withSetUp<T>(setUp: SetUp, fn: (servers: ServerProcess[]) => Promise<T>): Promise<T> {
  let etcd: EtcdCluster | undefined;
  const servers: ServerProcess[] = [];
  try {
    etcd = await startEtcdCluster({ size: setUp.etcdMembers });
    for (let i = 0; i < setUp.servers; i++) servers.push(await startServer({ store: 'etcd', etcdEndpoints: etcd.endpoints }));
    return await fn(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await etcd?.stop();
  }
}

const ms = (d: Delivery) => ({ delivered: `${d.delivered.toLocaleString('en-US')} / ${d.expected.toLocaleString('en-US')}`, p50: d.p50, p99: d.p99 });

async function measure(setUp: SetUp): Promise<{ creates: Row; watch: Row }> {
  return withSetUp(setUp, async (servers) => {
    const urlOf = (i: number) => servers[i % servers.length].url;
    console.error(`${setUp.name}: preload, creates, watch delivery`);
    await drive(32, (i) => gql(urlOf(i), CREATE, { input: job(`pre-${i}`) }), { count: preload });
    const run = await drive(clients, (i) => gql(urlOf(i), CREATE, { input: job(`run-${i}`) }), { ms: seconds * 1000 });
    const rss = servers.map((s) => rssMiB(s.pid).toFixed(0)).join(' + ');
    const creates: Row = { 'set-up': setUp.name, 'creates/s': run.perSecond, 'p50 ms': run.p50, 'p99 ms': run.p99, 'server RSS MiB': rss };

    const { all, byUrl } = await measureWatchDelivery(servers[0].url, servers.map((s) => s.wsUrl), load);
    const other = servers.length > 1 ? ms(byUrl.get(servers[1].wsUrl)!) : undefined;
    const total = ms(all);
    const watch: Row = {
      'set-up': setUp.name,
      'delivered / expected': total.delivered,
      'p50 ms': total.p50,
      'p99 ms': total.p99,
      'other server: delivered / expected': other?.delivered ?? '-',
      'other server: p50 ms': other?.p50 ?? '-',
      'other server: p99 ms': other?.p99 ?? '-',
    };
    return { creates, watch };
  });
}

console.log(`bench/ha/api on Node ${process.version}, ${new Date().toISOString()}`);
const results = [];
for (const setUp of SET_UPS) results.push(await measure(setUp));
printTable(`createJob, ${clients} concurrent clients (taking turns between the servers), ${seconds} s, after ${preload} Jobs`, results.map((r) => r.creates));
printTable(
  `watch delivery: ${load.subscribers} subscribers over ${load.connections} WebSockets (spread over the servers), ${load.updates} updates through the first server`,
  results.map((r) => r.watch),
);
