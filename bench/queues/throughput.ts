/**
 * Admission and placement throughput: 100,000 pending Jobs in 10 queues of one cohort over 1,000
 * clusters with room for all of them; cycles of `admissionsPerCycle` until every Job is admitted
 * and placed. Each decision's wall time is its share of the cycle (since the previous admission),
 * the admission's write seen back by the state, the placement (place() + Reservations) and its
 * write seen back. Side by side: the same Jobs placed by today's per-workload path alone (no
 * queue: place() + Reservations per Job, as the scheduler controller does). Then the cost of one
 * cycle with 100,000 pending and nothing fitting, by capacity and by quota.
 */
import type { Cluster } from '../../src/domain/types.js';
import { workloadUsage } from '../../src/domain/queueing.js';
import { Federation } from './federation.js';
import { EPOCH, clusterObject, jobObject, queueObject, random, withPreemption } from './objects.js';
import { SchedulerModel } from './scheduler-model.js';
import { QueueSimulation, percentile, type SimJob } from './simulation.js';
import { printTable, type Row } from './table.js';

export interface ThroughputOptions {
  clusters: number;
  jobs: number;
  queues: number;
  nodeCpu: number;
  admissionsPerCycle: number;
  standings: boolean;
  preemption: boolean;
  seed: number;
}

const CPU_SIZES = [1, 2, 4];

function makeClusters(o: ThroughputOptions, full = false): Cluster[] {
  return Array.from({ length: o.clusters }, (_, i) => {
    const c = clusterObject(`cluster-${String(i).padStart(4, '0')}`, [{ cpu: o.nodeCpu, memory: o.nodeCpu * 4_096, gpu: 0 }]);
    if (!full) return c;
    const none = { cpu: 0, memory: 0, gpu: 0 };
    return { ...c, status: { ...c.status, allocatable: none, nodes: c.status.nodes.map((n) => ({ ...n, allocatable: none })) } };
  });
}

function makeJobs(o: ThroughputOptions, queueNames: readonly string[]): SimJob[] {
  const draw = random(o.seed);
  return Array.from({ length: o.jobs }, (_, i) => {
    const namespace = queueNames[i % queueNames.length];
    const cpu = CPU_SIZES[Math.floor(draw() * CPU_SIZES.length)];
    // One virtual ms apart, so each queue's order is its creation order.
    const workload = jobObject({ name: `job-${i}`, namespace, createdAt: EPOCH - o.jobs + i, replicas: 1, cpu, memory: cpu * 1_024 });
    return { workload, runtimeMs: Infinity, group: namespace };
  });
}

export function throughput(o: ThroughputOptions): void {
  const capacityCpu = o.clusters * o.nodeCpu;
  const names = Array.from({ length: o.queues }, (_, i) => `queue-${i}`);
  const queues = names.map((n) => queueObject(n, withPreemption({ namespaces: [n], cohort: 'all', quota: { cpu: capacityCpu / o.queues, memory: (capacityCpu * 4_096) / o.queues } }, o.preemption)));
  const jobs = makeJobs(o, names);
  const demand = jobs.reduce((s, j) => s + workloadUsage(j.workload).cpu, 0);
  const title = `${o.clusters.toLocaleString('en-US')} clusters × ${o.nodeCpu} cpu (${capacityCpu.toLocaleString('en-US')} cpu), ${o.jobs.toLocaleString('en-US')} Jobs of 1 replica × 1/2/4 cpu (${demand.toLocaleString('en-US')} cpu), never finishing, preemption ${o.preemption ? 'on' : 'off'}`;

  // --- with queues
  const sim = new QueueSimulation({ clusters: makeClusters(o), queues, jobs, tickMs: 1_000, admissionsPerCycle: o.admissionsPerCycle, standings: o.standings });
  let started = performance.now();
  sim.ingest();
  const ingestS = (performance.now() - started) / 1000;
  const before = { ...sim.spent };
  started = performance.now();
  const cpuBefore = process.cpuUsage();
  while (sim.admittedAt.size < o.jobs) {
    const admitted = sim.admittedAt.size;
    sim.step();
    if (sim.admittedAt.size === admitted) throw new Error(`throughput: a cycle admitted nothing with ${o.jobs - admitted} pending`);
  }
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const codeS = (sim.spent.watch - before.watch + sim.spent.cycle - before.cycle + sim.spent.place - before.place) / 1000;
  const placed = sim.admissions;

  // --- without queues: today's scheduler path, one Job at a time, the clusters reporting every batch
  const federation = new Federation(makeClusters(o));
  const scheduler = new SchedulerModel(federation);
  const placeMs: number[] = [];
  let unplaced = 0;
  started = performance.now();
  const baselineCpuBefore = process.cpuUsage();
  jobs.forEach((job, i) => {
    if (!scheduler.place(job.workload, EPOCH)) unplaced++;
    placeMs.push(scheduler.lastMs);
    if ((i + 1) % o.admissionsPerCycle === 0) {
      scheduler.report();
      placeMs[placeMs.length - 1] += scheduler.lastReportMs;
    }
  });
  const baselineWallS = (performance.now() - started) / 1000;
  const baselineCpu = process.cpuUsage(baselineCpuBefore);
  const baselineCodeS = placeMs.reduce((s, m) => s + m, 0) / 1000;

  const rows: Row[] = [
    {
      path: `admission (${o.queues} queues, one cohort) + placement`,
      decisions: sim.admissions,
      'wall s': wallS,
      'process cpu s': (cpu.user + cpu.system) / 1e6,
      'code s': codeS,
      'decisions/s (code)': placed / codeS,
      'decisions/s (wall)': placed / wallS,
      'p50 ms': percentile(sim.decisionMs, 50),
      'p99 ms': percentile(sim.decisionMs, 99),
      'max ms': Math.max(...sim.decisionMs),
      'cycle p50 ms': percentile(sim.cycleMs, 50),
      'cycle max ms': Math.max(...sim.cycleMs),
      'ingest s (100k upserts)': ingestS,
    },
    {
      path: 'placement only (no queues: today’s scheduler)',
      decisions: o.jobs - unplaced,
      'wall s': baselineWallS,
      'process cpu s': (baselineCpu.user + baselineCpu.system) / 1e6,
      'code s': baselineCodeS,
      'decisions/s (code)': (o.jobs - unplaced) / baselineCodeS,
      'decisions/s (wall)': (o.jobs - unplaced) / baselineWallS,
      'p50 ms': percentile(placeMs, 50),
      'p99 ms': percentile(placeMs, 99),
      'max ms': Math.max(...placeMs),
    },
  ];
  printTable(`throughput: ${title}; ${o.admissionsPerCycle} admissions per cycle (aim ≥ 1,000 decisions/s, p99 ≤ 50 ms)`, rows);
  const perDecision = (ms: number) => ms / sim.admissions;
  printTable('throughput: where a decision’s time goes (admission path, mean ms per decision)', [
    {
      'cycle (fits, reserve, DRF order, heap)': perDecision(sim.spent.cycle - before.cycle),
      'upserts (admission and placement writes seen back)': perDecision(sim.spent.watch - before.watch),
      'placement (place + hold + release)': perDecision(sim.spent.place - before.place),
      'today’s placement alone': baselineCodeS * 1000 / (o.jobs - unplaced),
    },
  ]);

  nothingFits(o, names, jobs);
}

/** One cycle's cost when nothing can be admitted, with all the Jobs pending, and with fewer for comparison. */
function nothingFits(o: ThroughputOptions, names: readonly string[], jobs: readonly SimJob[]): void {
  const rows: Row[] = [];
  const capacityCpu = o.clusters * o.nodeCpu;
  // The pending Jobs arrive at the second tick, after the first has admitted what holds the quota.
  const tickMs = o.jobs + 10;
  const later = jobs.map((j, i) => ({ ...j, workload: { ...j.workload, metadata: { ...j.workload.metadata, creationTimestamp: new Date(EPOCH + 1 + i).toISOString() } } }));
  for (const pending of [Math.min(1_000, o.jobs), o.jobs]) {
    for (const by of ['capacity', 'quota'] as const) {
      // By capacity: every node is full. By quota: each queue's whole quota is admitted to one
      // Job already running, and no queue may borrow (no cohort).
      const quota = by === 'capacity' ? capacityCpu / o.queues : Math.min(o.nodeCpu, 100);
      const queues = names.map((n) => queueObject(n, withPreemption({ namespaces: [n], quota: { cpu: quota } }, o.preemption)));
      const holders: SimJob[] =
        by === 'quota' ? names.map((n) => ({ workload: jobObject({ name: 'holder', namespace: n, createdAt: EPOCH, replicas: 1, cpu: quota }), runtimeMs: Infinity, group: n })) : [];
      const sim = new QueueSimulation({ clusters: makeClusters(o, by === 'capacity'), queues, jobs: [...holders, ...later.slice(0, pending)], tickMs, admissionsPerCycle: o.admissionsPerCycle, standings: false });
      sim.step();
      if (sim.admissions !== holders.length) throw new Error(`nothing-fits (${by}): ${sim.admissions} holders admitted, expected ${holders.length}`);
      sim.ingest();
      const cycle = () => (sim.step(), sim.cycleMs.at(-1)!);
      const first = cycle();
      const next: number[] = [];
      for (let i = 0; i < 10; i++) next.push(cycle());
      const unparked: number[] = [];
      for (let i = 0; i < 10; i++) unparked.push(time(() => sim.state.capacityChanged()) + cycle());
      if (sim.admissions > holders.length) throw new Error(`nothing-fits (${by}): ${sim.admissions - holders.length} admitted`);
      rows.push({
        pending: names.reduce((s, n) => s + sim.state.pendingCount(n), 0),
        'nothing fits by': by,
        'first cycle ms': first,
        'next 10 cycles median ms': percentile(next, 50),
        'after capacityChanged (unpark all) median ms': percentile(unparked, 50),
        'max ms': Math.max(first, ...next, ...unparked),
      });
    }
  }
  printTable(`throughput: one cycle with nothing fitting, ${o.queues} queues, preemption ${o.preemption ? 'on' : 'off'}, ${o.clusters.toLocaleString('en-US')} clusters (LOOKAHEAD bounds the heads looked at per queue)`, rows);
}

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}
