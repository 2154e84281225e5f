/**
 * bench/scheduler: how fast the scheduler controller places jobs over many clusters, and how
 * often status writes collide while it does.
 *
 *   npm run build && node dist/bench/scheduler/run.js [--clusters 1000] [--jobs 10000] [--replicas 1]
 *       [--clients 16] [--store lowdb] [--reporters] [--builds before=/path/to/other/clone,after=.]
 *
 * Starts a real `skym server`, registers `--clusters` KUBERNETES clusters and writes each one's
 * status READY (64 cpu on one node) through the API. The scheduler controller (shared caches +
 * SchedulerController, as in the controller manager) runs in this process. With `--reporters`,
 * every cluster also gets the Skylet's real replica-status controller over a fake member cluster
 * that runs whatever is placed on it at once, so the scheduler's writes and the Skylets' reports
 * land on the same jobs as in production. Then `--clients` loops create `--jobs` jobs of
 * `--replicas` 1-cpu replicas as fast as the API takes them, while a watch records when each
 * job is fully placed (and, with reporters, RUNNING).
 *
 * Reports the create rate, placements per second, creation → placement latency p50/p99 and the
 * CONFLICT answers the controllers got per placed job (every status write in this process is a
 * controller's). `--builds` runs the same measurement once per build, each in its own process
 * from that build's dist/, and prints them side by side.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { PROJECT_ROOT } from '../../test/helpers/root.js';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '10000' },
    replicas: { type: 'string', default: '1' },
    clients: { type: 'string', default: '16' },
    store: { type: 'string', default: 'lowdb' },
    reporters: { type: 'boolean', default: false },
    'report-interval-ms': { type: 'string', default: '200' },
    builds: { type: 'string' },
    /** Internal: run one measurement with the modules of this clone and print it as JSON. */
    build: { type: 'string' },
  },
});

interface Figures {
  'cluster setup s': string;
  'creates/s': string;
  placed: string;
  'placements/s': string;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number | undefined;
  running?: string;
  conflicts: number;
  'conflicts/placed job': string;
}

if (args.builds) {
  const rows: Record<string, Figures> = {};
  for (const entry of args.builds.split(',')) {
    const [label, dir] = entry.includes('=') ? entry.split('=') : [entry, entry];
    rows[label] = await runBuild(resolve(dir));
  }
  printHeader();
  console.table(rows);
} else {
  const figures = await measure(resolve(args.build ?? PROJECT_ROOT));
  if (args.build) console.log(JSON.stringify(figures));
  else {
    printHeader();
    console.table([figures]);
  }
}

function printHeader(): void {
  const reporters = args.reporters ? `, a replica reporter per cluster every ${args['report-interval-ms']} ms` : ', no reporters';
  console.log(`\nscheduler: ${args.clusters} READY clusters, ${args.jobs} jobs of ${args.replicas} 1-cpu replicas, ${args.clients} creating clients, store ${args.store}${reporters}`);
}

/** The measurement in a child process with `dir`'s modules; its last stdout line is the JSON. */
function runBuild(dir: string): Promise<Figures> {
  const forwarded = ['clusters', 'jobs', 'replicas', 'clients', 'store', 'report-interval-ms'].flatMap((k) => [`--${k}`, String(args[k as keyof typeof args])]);
  if (args.reporters) forwarded.push('--reporters');
  const child = spawn(process.execPath, [process.argv[1], ...forwarded, '--build', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((done, fail) => {
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`bench for ${dir} exited ${code}`));
      done(JSON.parse(out.trim().split('\n').at(-1)!) as Figures);
    });
  });
}

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

/** Counts the CONFLICT answers this process receives (graphql-request calls the global fetch). */
function countConflicts(): { count: () => number } {
  let conflicts = 0;
  const fetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await fetch(input, init);
    const text = await response.clone().text();
    if (text.includes('"CONFLICT"')) conflicts++;
    return response;
  };
  return { count: () => conflicts };
}

async function measure(dir: string): Promise<Figures> {
  // The modules of the build under test, so one script measures any clone's controllers.
  const load = (path: string) => import(pathToFileURL(`${dir}/dist/${path}`).href);
  const { ClusterAPI, JobAPI, SkyClient } = await load('src/client/index.js');
  const { SharedCaches } = await load('src/controllers/caches.js');
  const { SchedulerController } = await load('src/controllers/scheduler-controller.js');
  const { ReplicaStatus } = await load('src/controllers/replica-status.js');
  const { startServer } = await load('test/helpers/server.js');

  const clusterCount = Number(args.clusters);
  const jobCount = Number(args.jobs);
  const replicas = Number(args.replicas);
  const clients = Number(args.clients);
  const conflicts = countConflicts();
  const server = await startServer({ store: args.store });
  const client = new SkyClient({ url: server.url });
  const logger = pino({ level: 'silent' });
  let caches: any;
  let scheduler: any;
  const reporting = new AbortController();
  try {
    const clusters = new ClusterAPI({ client });
    const jobs = new JobAPI({ client });
    const node = { cpu: 64, memory: 262_144, gpu: 0 };
    const status = {
      phase: 'READY',
      conditions: [],
      capacity: node,
      allocatable: node,
      nodes: [{ name: 'node-0', capacity: node, allocatable: node, ready: true }],
      acceleratorTypes: [],
    };
    const names = Array.from({ length: clusterCount }, (_, i) => `cluster-${String(i).padStart(4, '0')}`);
    const setup = await inParallel(clusterCount, clients, async (i) => {
      await clusters.create({ metadata: { name: names[i] }, spec: { manager: 'KUBERNETES' } });
      await clusters.updateStatus({ metadata: { name: names[i] }, status });
    });

    caches = new SharedCaches(client, logger);
    // Both shapes of the options: builds before the listers/writer seams took `caches`.
    scheduler = new SchedulerController({ caches, listers: caches, writer: caches, logger });
    await caches.start();
    scheduler.start();
    if (args.reporters) {
      for (const name of names) void report(name, caches, ReplicaStatus, logger, reporting.signal);
    }

    const placedAt = new Map<string, number>();
    const runningAt = new Map<string, number>();
    const createdAt = new Map<string, number>();
    const stop = new AbortController();
    const { resourceVersion } = await jobs.list();
    const watching = (async () => {
      for await (const event of jobs.watch({ resourceVersion, signal: stop.signal })) {
        const job = event.object;
        if (!job) continue;
        const name = job.metadata.name;
        createdAt.set(name, Date.parse(job.metadata.creationTimestamp));
        const placed = job.status.placements.reduce((n: number, p: { replicas: number }) => n + p.replicas, 0);
        if (!placedAt.has(name) && placed === replicas) placedAt.set(name, Date.now());
        if (!runningAt.has(name) && job.status.phase === 'RUNNING') runningAt.set(name, Date.now());
      }
    })();

    const createSeconds = await inParallel(jobCount, clients, (i) =>
      jobs.create({ metadata: { name: `job-${i}` }, spec: { run: 'true', replicas, resources: { cpu: 1, memory: 64 } } }),
    );
    const done = () => placedAt.size === jobCount && (!args.reporters || runningAt.size === jobCount);
    const deadline = Date.now() + 600_000;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await watching.catch(() => {});

    const latencies = [...placedAt].map(([name, t]) => t - createdAt.get(name)!).sort((a, b) => a - b);
    const first = Math.min(...createdAt.values());
    const last = Math.max(...placedAt.values());
    return {
      'cluster setup s': setup.toFixed(1),
      'creates/s': (jobCount / createSeconds).toFixed(0),
      placed: `${placedAt.size}/${jobCount}`,
      'placements/s': (placedAt.size / ((last - first) / 1000)).toFixed(0),
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'max ms': latencies.at(-1),
      ...(args.reporters ? { running: `${runningAt.size}/${jobCount}` } : {}),
      conflicts: conflicts.count(),
      'conflicts/placed job': (conflicts.count() / Math.max(1, placedAt.size)).toFixed(3),
    };
  } finally {
    reporting.abort();
    await scheduler?.stop();
    await caches?.stop();
    await client.close();
    await server.stop();
  }
}

/**
 * One cluster's Skylet job controller, the build's own ReplicaStatus, over a member cluster that
 * runs every replica placed on it at once.
 */
async function report(cluster: string, caches: any, ReplicaStatus: any, logger: pino.Logger, signal: AbortSignal): Promise<void> {
  const placedHere = (ref: { kind: string; namespace: string; name: string }) => {
    const workload = ref.kind === 'Job' ? caches.jobs.get(ref.name, ref.namespace) : caches.deployments.get(ref.name, ref.namespace);
    return workload?.status.placements.find((p: { cluster: string }) => p.cluster === cluster)?.replicas ?? 0;
  };
  const manager = {
    capabilities: { kinds: ['Job', 'Deployment'], usesImage: true },
    async status(refs: { kind: string; namespace: string; name: string }[]) {
      const plural = (kind: string) => (kind === 'Job' ? 'jobs' : 'deployments');
      return new Map(refs.map((ref) => [`${plural(ref.kind)}/${ref.namespace}/${ref.name}`, { pending: 0, running: placedHere(ref), succeeded: 0, failed: 0, replicas: [] }]));
    },
  };
  const controller = new ReplicaStatus({ clusterName: cluster, caches, listers: caches, writer: caches, logger });
  const intervalMs = Number(args['report-interval-ms']);
  while (!signal.aborted) {
    try {
      await controller.sync(manager);
    } catch {
      // a lost race in a build that surfaces it; the next round reads again
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
