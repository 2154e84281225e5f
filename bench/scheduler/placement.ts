/**
 * bench/scheduler/placement: what one placement costs as the replicas grow, one replica at a time
 * (before) and in batches (now), side by side in one run, in this process (no server).
 *
 *   npm run build && node dist/bench/scheduler/placement.js [--clusters 100] [--max-before 1000000]
 *
 * `--clusters` READY clusters of one node each, with rooms of 1 to 4 × 10^9 one-cpu replicas (so
 * every size fits). For each replica count and strategy it prints the median wall time of
 * src/scheduler/place.ts and of the baseline (one-at-a-time.ts), and the same for charging the
 * result to the clusters as held reservations (src/scheduler/reservations.ts against the
 * baseline's replica-by-replica charge). The baseline runs up to `--max-before` replicas only:
 * past that it takes minutes.
 */
import { parseArgs } from 'node:util';
import type { Cluster, PlacementStrategy, Workload } from '../../src/domain/types.js';
import { place } from '../../src/scheduler/place.js';
import { Reservations } from '../../src/scheduler/reservations.js';
import { chargeOneAtATime, placeOneAtATime } from './one-at-a-time.js';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '100' },
    'max-before': { type: 'string', default: '1000000' },
  },
});
const clusterCount = Number(args.clusters);
const maxBefore = Number(args['max-before']);

function makeCluster(i: number): Cluster {
  const free = { cpu: (1 + (i % 4)) * 1e9, memory: 1e12, gpu: 0 };
  return {
    kind: 'Cluster',
    metadata: { name: `cluster-${String(i).padStart(4, '0')}`, uid: `u${i}`, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: { manager: 'KUBERNETES' },
    status: { phase: 'READY', conditions: [], capacity: free, allocatable: free, nodes: [{ name: 'node-0', capacity: free, allocatable: free, ready: true }], acceleratorTypes: [] },
  };
}

function makeJob(replicas: number, strategy: PlacementStrategy): Workload {
  return {
    kind: 'Job',
    metadata: { name: 'bench', namespace: 'default', uid: 'b', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: { image: '', run: 'true', envs: [], resources: { cpu: 1, memory: 0, gpu: 0 }, replicas, restartPolicy: 'NEVER', placement: { preferences: [], strategy } },
    status: { phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] },
  };
}

/** Median milliseconds of `fn` over enough runs to take about half a second (at least one, at most 51). */
function time(fn: () => unknown): number {
  const runs: number[] = [];
  let spent = 0;
  while (runs.length < 51 && (runs.length < 1 || spent < 500)) {
    const start = performance.now();
    fn();
    const ms = performance.now() - start;
    runs.push(ms);
    spent += ms;
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}

const format = (ms: number | undefined) => (ms === undefined ? '—' : ms < 1 ? ms.toFixed(3) : ms.toFixed(1));

const clusters = Array.from({ length: clusterCount }, (_, i) => makeCluster(i));
const rows: Record<string, string>[] = [];
for (const strategy of ['SPREAD', 'PACK'] as const) {
  for (const replicas of [10, 1_000, 100_000, 1_000_000, 100_000_000, 1_000_000_000]) {
    const job = makeJob(replicas, strategy);
    const batched = time(() => place({ workload: job, clusters, filterPolicies: [] }));
    const before = replicas <= maxBefore ? time(() => placeOneAtATime(job, clusters)) : undefined;
    const placements = place({ workload: job, clusters, filterPolicies: [] }).placements;
    const charge = time(() => {
      const ledger = new Reservations();
      ledger.hold('jobs/default/bench', job.spec.resources, placements);
      ledger.apply(clusters);
    });
    const byName = new Map(clusters.map((c) => [c.metadata.name, c]));
    const chargeBefore =
      replicas <= maxBefore ? time(() => placements.forEach((p) => chargeOneAtATime(byName.get(p.cluster)!, job.spec.resources, p.replicas))) : undefined;
    rows.push({
      strategy,
      replicas: replicas.toLocaleString('en-US'),
      'place: one at a time ms': format(before),
      'place: batched ms': format(batched),
      'charge: one at a time ms': format(chargeBefore),
      'charge: batched ms': format(charge),
    });
  }
}
console.log(`\nplacement: ${clusterCount} READY clusters of one node, 1-cpu replicas, Node ${process.version}`);
console.table(rows);
