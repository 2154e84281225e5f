/**
 * bench/e2e: submit-to-running across real member clusters, with Kubernetes and Slurm side by side.
 *
 *   npm run bench:e2e -- [--rate 5] [--seconds 120] [--slurm-rate 1] [--slurm-seconds 60]
 *                        [--slurm-paths local,ssh,rest] [--status-interval-ms 1000] [--burst 200]
 *                        [--skip kubernetes|slurm]
 *
 *   npm run bench:e2e -- --skip kubernetes                  # only the three Slurm rows
 *   npm run bench:e2e -- --skip kubernetes --slurm-paths ssh,rest --slurm-seconds 30
 *
 * It starts everything for real on this machine: three Kubernetes control planes with kwok nodes
 * (fixtures/kubernetes), two Slurm clusters per Slurm path (fixtures/slurm), a Sky API server
 * (lowdb) and the controller manager as its own process. Then:
 * 1. Kubernetes row: 0.1-cpu Jobs at a steady `--rate` per second for `--seconds`, restricted to
 *    the Kubernetes clusters; for each, the time from sending createJob to the first moment the
 *    Sky Job reports all replicas running (seen through a watch), p50/p99/max, and how many
 *    then completed (and when, p50).
 * 2. Slurm rows, one per path of `--slurm-paths` (default all three): the same for 1-cpu
 *    `sleep 2` jobs at `--slurm-rate` for `--slurm-seconds` on that path's own two clusters
 *    (6 and 3 cpus, as every path): local Slurm commands (--slurm-conf), the same commands on a
 *    login node over SSH (--ssh-host, a real sshd), slurmrestd (--rest-url, a real slurmrestd
 *    per cluster with JWTs checked under munge); see slurm-paths.ts. Two more columns: Slurm's
 *    own submit-to-start from its job table (whole seconds), so that Sky's share shows, and the
 *    cluster side's work during the row: sshd's sessions (one per command or file read) and
 *    logins, or slurmrestd's requests (the Slurm calls the manager made; local makes the same).
 *    The paths run one after another, each with only its own Slurm clusters up: started before
 *    its row, deleted from Sky and stopped after it. On 2 cores, rows running at once would
 *    measure each other (every Slurm command is a process, every cluster is probed each second
 *    and watched with a squeue every 2 s), and idle clusters of the other paths would still be
 *    probed; one after another, a row differs from the next only by its path.
 * 3. Create throughput, as a ratio: `--burst` batch/v1 Jobs created directly on one member
 *    kube-apiserver by 16 concurrent clients, against `--burst` Sky createJob calls by 16 clients
 *    (jobs that match no cluster, so only the API is measured).
 * Everything shares the 2 cores, so figures are for comparison within one run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { startKubeClusters, ensureKubeBinaries, type KubeClusters } from '../../fixtures/kubernetes/clusters.js';
import { startControllers, type ControllersProcess } from '../../test/helpers/controllers.js';
import { DEFAULT_KUBE_CLUSTERS } from '../../test/helpers/kubernetes.js';
import { startServer, type ServerProcess } from '../../test/helpers/server.js';
import { until } from '../../test/helpers/wait.js';
import { parseSlurmPaths, slurmPathsEnvironment, startSlurmPath, type SlurmPathClusters, type SlurmPathsSetup } from './slurm-paths.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '120' },
    'slurm-rate': { type: 'string', default: '1' },
    'slurm-seconds': { type: 'string', default: '60' },
    'slurm-paths': { type: 'string', default: 'local,ssh,rest' },
    // Unset: each manager's own default (1 s; Kubernetes and local clusters also push each change).
    'status-interval-ms': { type: 'string' },
    burst: { type: 'string', default: '200' },
    skip: { type: 'string', default: '' },
  },
});
const skip = new Set(args.skip.split(',').filter(Boolean));
const slurmPaths = (() => {
  if (skip.has('slurm')) return [];
  try {
    return parseSlurmPaths(args['slurm-paths']);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
})();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

interface Row {
  what: string;
  submitted: number;
  running: number;
  p50: number;
  p99: number;
  max: number;
  /** Jobs that reached COMPLETED, and submit-to-completed p50 of those. */
  completed: number;
  completedP50: number;
  /** What the cluster side served during the row (SSH sessions, REST requests), or "". */
  calls: string;
  /** Slurm rows: slurmctld's submit-to-start, "p50 / max" in whole seconds, or "". */
  slurmStart: string;
}

/**
 * Sends jobs at `rate`/s for `durationS` and times each until the Sky Job reports it running,
 * then waits (at most a minute) for them to finish and counts those that completed.
 */
async function submitToRunning(client: SkyClient, what: string, prefix: string, clusterSelector: string, rate: number, durationS: number, run: string, cpu: number): Promise<Row> {
  const jobs = new JobAPI({ client });
  const sentAt = new Map<string, number>();
  const latency = new Map<string, number>();
  const completedAfter = new Map<string, number>();
  const finished = new Set<string>();
  const watch = jobs.watch({ labelSelector: `bench-e2e=${prefix}` });
  const watching = (async () => {
    for await (const event of watch) {
      const job = event.object as Job | null | undefined;
      if (!job) continue;
      const name = job.metadata.name;
      const start = sentAt.get(name);
      if (start === undefined) continue;
      const running = job.status.replicaStatus.reduce((n, r) => n + r.running + r.succeeded, 0);
      if (!latency.has(name) && running >= job.spec.replicas) latency.set(name, Date.now() - start);
      if (job.status.phase === 'COMPLETED' && !completedAfter.has(name)) completedAfter.set(name, Date.now() - start);
      if (job.status.phase === 'COMPLETED' || job.status.phase === 'FAILED') finished.add(name);
    }
  })();

  const total = Math.round(rate * durationS);
  const begin = Date.now();
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = `${prefix}-${i}`;
    sentAt.set(name, Date.now());
    creates.push(
      jobs.create({
        metadata: { name, labels: { 'bench-e2e': prefix } },
        spec: { image: 'busybox', run, resources: { cpu, memory: 64 }, placement: { clusterSelector } },
      }),
    );
  }
  await Promise.all(creates);
  await until(`${what}: every job running`, async () => latency.size === total, { timeoutMs: 180_000 }).catch((error) => {
    console.error(String(error).split('\n')[0]);
  });
  await until(`${what}: every job finished`, async () => finished.size >= latency.size, { timeoutMs: 60_000 }).catch((error) => {
    console.error(String(error).split('\n')[0]);
  });
  await watch.return?.(undefined);
  await watching.catch(() => {});
  const sorted = [...latency.values()].sort((a, b) => a - b);
  const done = [...completedAfter.values()].sort((a, b) => a - b);
  return {
    what,
    submitted: total,
    running: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    completed: done.length,
    completedP50: percentile(done, 50),
    calls: '',
    slurmStart: '',
  };
}

/** "812 sessions (13.5 per job), 2 logins" or "950 requests (GET /jobs 600, ...)": what changed between two counts. */
function describeCalls(before: Map<string, number>, after: Map<string, number>, jobs: number): string {
  const delta = new Map([...after].map(([key, n]) => [key, n - (before.get(key) ?? 0)]));
  const perJob = (n: number) => `${(n / jobs).toFixed(1)} per job`;
  if (delta.has('sessions')) return `${delta.get('sessions')} SSH sessions (${perJob(delta.get('sessions')!)}), ${after.get('logins')} logins in all`;
  const requests = [...delta].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (requests.length === 0) return '';
  const sum = requests.reduce((n, [, k]) => n + k, 0);
  return `${sum} REST requests (${perJob(sum)}: ${requests.map(([key, n]) => `${key.replace('/slurm/v0.0.38', '')} ${n}`).join(', ')})`;
}

/** Creates `count` objects with 16 concurrent callers; returns creates per second. */
async function throughput(count: number, create: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) await create(next++);
    }),
  );
  return count / ((performance.now() - begin) / 1000);
}

const dir = await mkdtemp(join(tmpdir(), 'sky-bench-e2e-'));
let kube: KubeClusters | undefined;
let slurmSetup: SlurmPathsSetup | undefined;
let slurmPath: SlurmPathClusters | undefined;
let server: ServerProcess | undefined;
let controllers: ControllersProcess | undefined;
let client: SkyClient | undefined;
try {
  const statusInterval = args['status-interval-ms'];
  server = await startServer({ store: 'lowdb' });
  client = new SkyClient({ url: server.url });
  const clusters = new ClusterAPI({ client });
  // The sshd and the token files' pattern before the controller manager: its environment is fixed at start.
  slurmSetup = await slurmPathsEnvironment(slurmPaths, dir);
  controllers = await startControllers(server.url, { statusIntervalMs: statusInterval === undefined ? null : Number(statusInterval), probeIntervalMs: 1000, env: slurmSetup.env });

  if (!skip.has('kubernetes')) {
    console.log('starting three Kubernetes control planes ...');
    kube = await startKubeClusters(DEFAULT_KUBE_CLUSTERS, { baseDir: join(dir, 'kube'), binDir: await ensureKubeBinaries(), jobPodDurationMs: 5_000 });
    for (const c of kube.clusters) {
      await clusters.create({ metadata: { name: c.name, labels: { 'bench-e2e': 'kubernetes' } }, spec: { manager: 'KUBERNETES', kubernetes: { context: c.context, kubeconfigPath: kube.kubeconfigPath } } });
    }
    await until('every Kubernetes cluster READY', async () => (await clusters.list()).items.every((c) => c.status.phase === 'READY'), { timeoutMs: 120_000 });
  }

  const rows: Row[] = [];
  const ratios: string[] = [];
  if (kube) {
    const rate = Number(args.rate);
    // 0.1 cpu: 600 jobs must not queue for capacity (22 cpus), or queueing is what gets measured.
    rows.push(await submitToRunning(client, `kubernetes (3 clusters), ${rate} jobs/s`, 'k8s', 'bench-e2e=kubernetes', rate, Number(args.seconds), 'sleep 5', 0.1));

    const member = kube.clusters[0];
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kube.kubeconfigPath);
    kc.setCurrentContext(member.context);
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const burst = Number(args.burst);
    const podSpec = { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['true'] }] };
    const kubeRate = await throughput(burst, (i) =>
      batch.createNamespacedJob({ namespace: 'default', body: { metadata: { name: `bench-burst-${i}` }, spec: { suspend: true, template: { spec: podSpec } } } }),
    );
    const skyJobs = new JobAPI({ client });
    const skyRate = await throughput(burst, (i) =>
      skyJobs.create({ metadata: { name: `burst-${i}`, labels: { 'bench-e2e': 'burst' } }, spec: { run: 'true', resources: { cpu: 1 }, placement: { clusterSelector: 'bench-e2e=nowhere' } } }),
    );
    ratios.push(`member kube-apiserver createJob: ${kubeRate.toFixed(0)}/s; Sky createJob: ${skyRate.toFixed(0)}/s; Sky / Kubernetes = ${(skyRate / kubeRate).toFixed(2)}`);
  }
  for (const path of slurmPaths) {
    console.log(`starting the ${path} path's two Slurm clusters ...`);
    slurmPath = await startSlurmPath(path, slurmSetup, clusters);
    const rate = Number(args['slurm-rate']);
    const before = await slurmPath.counters();
    const row = await submitToRunning(client, `slurm ${path} (2 clusters), ${rate} jobs/s`, slurmPath.label, `bench-e2e=${slurmPath.label}`, rate, Number(args['slurm-seconds']), 'sleep 2', 1);
    row.calls = describeCalls(before, await slurmPath.counters(), row.submitted);
    const delays = (await slurmPath.slurmStartDelays()).sort((a, b) => a - b);
    row.slurmStart = `${percentile(delays, 50)} / ${delays.at(-1) ?? NaN}`;
    rows.push(row);
    await slurmPath.stop();
    slurmPath = undefined;
  }

  const interval = statusInterval === undefined ? "each manager's default" : `${statusInterval} ms`;
  console.log(`\nsubmit-to-running (createJob sent → Sky status shows every replica running), status interval: ${interval}`);
  console.log('| clusters | jobs | running | p50 s | p99 s | max s | completed | completed p50 s | Slurm submit→start p50 / max s | cluster side during the row |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(`| ${r.what} | ${r.submitted} | ${r.running} | ${seconds(r.p50)} | ${seconds(r.p99)} | ${seconds(r.max)} | ${r.completed} | ${seconds(r.completedP50)} | ${r.slurmStart || '—'} | ${r.calls || '—'} |`);
  }
  for (const line of ratios) console.log(`\n${line}`);
  if (kube) {
    const memory = kube.memory();
    const perCluster = Object.values(memory.clusters).map((m) => Object.values(m).reduce((a, b) => a + b, 0));
    console.log(`\nmember RSS per cluster (MiB): ${perCluster.map((k) => (k / 1024).toFixed(0)).join(', ')}; shared etcd ${(memory.etcd / 1024).toFixed(0)} MiB`);
  }
} finally {
  await client?.close();
  await controllers?.stop();
  await server?.stop();
  await kube?.stop();
  // A path whose row failed: its daemons (the Sky clusters go with the server).
  await slurmPath?.stopDaemons();
  await slurmSetup?.stop();
  await rm(dir, { recursive: true, force: true });
}
