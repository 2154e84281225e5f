/**
 * bench/scheduler: how fast the scheduler controller places jobs over many clusters.
 *
 *   npm run build && node dist/bench/scheduler/run.js [--clusters 1000] [--jobs 10000] [--clients 16] [--store lowdb]
 *
 * Starts a real `skym server`, registers `--clusters` KUBERNETES clusters and writes each one's
 * status READY (64 cpu on one node) through the API; no Skylets run, so nothing but the
 * scheduler touches the jobs. The scheduler controller (shared caches + SchedulerController, as
 * in the controller manager) runs in this process. Then `--clients` loops create `--jobs` 1-cpu
 * jobs as fast as the API takes them, while a watch records when each job's placement appears.
 * Reports the create rate, placements per second, and creation → placement latency p50/p99
 * (creation = the job's creationTimestamp, placement = the watch event; same machine clock).
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { SharedCaches } from '../../src/controllers/caches.js';
import { SchedulerController } from '../../src/controllers/scheduler-controller.js';
import type { ClusterStatus } from '../../src/domain/types.js';
import { startServer } from '../../test/helpers/server.js';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '16' },
    store: { type: 'string', default: 'lowdb' },
  },
});
const clusterCount = Number(args.clusters);
const jobCount = Number(args.jobs);
const clients = Number(args.clients);

async function inParallel(count: number, workers: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) await op(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const server = await startServer({ store: args.store as 'memory' | 'lowdb' });
const client = new SkyClient({ url: server.url });
const logger = pino({ level: 'silent' });
let caches: SharedCaches | undefined;
let scheduler: SchedulerController | undefined;
try {
  const clusters = new ClusterAPI({ client });
  const jobs = new JobAPI({ client });
  const node = { cpu: 64, memory: 262_144, gpu: 0 };
  const status: ClusterStatus = {
    phase: 'READY',
    conditions: [],
    capacity: node,
    allocatable: node,
    nodes: [{ name: 'node-0', capacity: node, allocatable: node, ready: true }],
    acceleratorTypes: [],
  };
  const setup = await inParallel(clusterCount, clients, async (i) => {
    const name = `cluster-${String(i).padStart(4, '0')}`;
    await clusters.create({ metadata: { name }, spec: { manager: 'KUBERNETES' } });
    await clusters.updateStatus({ metadata: { name }, status });
  });

  caches = new SharedCaches(client, logger);
  scheduler = new SchedulerController({ caches, logger });
  await caches.start();
  scheduler.start();

  // Watch for placements from here on.
  const placedAt = new Map<string, number>();
  const createdAt = new Map<string, number>();
  const stop = new AbortController();
  const { resourceVersion } = await jobs.list();
  const watching = (async () => {
    for await (const event of jobs.watch({ resourceVersion, signal: stop.signal })) {
      const job = event.object;
      if (!job || placedAt.has(job.metadata.name)) continue;
      createdAt.set(job.metadata.name, Date.parse(job.metadata.creationTimestamp));
      if (job.status.placements.length > 0) placedAt.set(job.metadata.name, Date.now());
      if (placedAt.size === jobCount) break;
    }
  })();

  const createSeconds = await inParallel(jobCount, clients, (i) =>
    jobs.create({ metadata: { name: `job-${i}` }, spec: { run: 'true', resources: { cpu: 1, memory: 64 } } }),
  );
  const deadline = Date.now() + 600_000;
  while (placedAt.size < jobCount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  await watching.catch(() => {});

  const latencies = [...placedAt].map(([name, t]) => t - createdAt.get(name)!).sort((a, b) => a - b);
  const first = Math.min(...createdAt.values());
  const last = Math.max(...placedAt.values());
  console.log(`\nscheduler: ${clusterCount} READY clusters, ${jobCount} 1-cpu jobs, ${clients} creating clients, store ${args.store}`);
  console.table([
    {
      'cluster setup s': setup.toFixed(1),
      'creates/s': (jobCount / createSeconds).toFixed(0),
      placed: `${placedAt.size}/${jobCount}`,
      'placements/s': (placedAt.size / ((last - first) / 1000)).toFixed(0),
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'max ms': latencies.at(-1),
    },
  ]);
} finally {
  await scheduler?.stop();
  await caches?.stop();
  await client.close();
  await server.stop();
}
