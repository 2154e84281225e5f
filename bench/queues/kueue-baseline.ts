/**
 * Kueue's scheduler baseline shape on Sky Manager's admission core: 5 cohorts × 6 queues, each
 * queue with a nominal quota of 20 cpu and a borrowing limit of 100, fed 500 Jobs arriving over
 * a minute (350 small, 100 medium, 50 large; priorities 50, 100, 200; runtimes 200, 500 and
 * 1,000 ms), 15,000 in all, over simulated clusters whose total capacity is below the sum of the
 * quotas, so the federation (not the quota) is the bottleneck.
 *
 * Figures: wall time until all are admitted (and the part of it spent in admission and
 * placement), virtual time, per queue the mean fraction of its nominal quota admitted while it
 * had pending work, and per class the mean virtual time to admission.
 */
import { EPOCH, clusterObject, jobObject, priorityClassObject, queueObject, withPreemption } from './objects.js';
import { QueueSimulation, percentile, type SimJob } from './simulation.js';
import { printTable, type Row } from './table.js';

export interface KueueBaselineOptions {
  cohorts: number;
  queuesPerCohort: number;
  /** Jobs per queue are 70% small, 20% medium, 10% large, as Kueue's 350/100/50. */
  jobsPerQueue: number;
  clusters: number;
  nodesPerCluster: number;
  nodeCpu: number;
  tickMs: number;
  admissionsPerCycle: number;
  standings: boolean;
  /** Queues' default preemption (10 per minute); off: none. */
  preemption: boolean;
}

/** Kueue's three classes; medium and large are gang Jobs of several replicas here (see README). */
const CLASSES = [
  { group: 'small', share: 350 / 500, replicas: 1, cpu: 1, runtimeMs: 200, priority: 50, intervalMs: 100 },
  { group: 'medium', share: 100 / 500, replicas: 5, cpu: 1, runtimeMs: 500, priority: 100, intervalMs: 500 },
  { group: 'large', share: 50 / 500, replicas: 10, cpu: 2, runtimeMs: 1_000, priority: 200, intervalMs: 1_200 },
];

const NOMINAL_CPU = 20;
const BORROWING_LIMIT_CPU = 100;

export function kueueBaseline(o: KueueBaselineOptions): void {
  const queues = [];
  const jobs: SimJob[] = [];
  for (let c = 0; c < o.cohorts; c++) {
    for (let q = 0; q < o.queuesPerCohort; q++) {
      const name = `cohort-${c}-queue-${q}`;
      const namespace = `ns-${c}-${q}`;
      queues.push(queueObject(name, withPreemption({ namespaces: [namespace], cohort: `cohort-${c}`, quota: { cpu: NOMINAL_CPU }, borrowingLimit: { cpu: BORROWING_LIMIT_CPU } }, o.preemption)));
      for (const k of CLASSES) {
        const count = Math.round(o.jobsPerQueue * k.share);
        for (let i = 0; i < count; i++) {
          const workload = jobObject({ name: `${k.group}-${i}`, namespace, createdAt: EPOCH + i * k.intervalMs, replicas: k.replicas, cpu: k.cpu, priorityClassName: k.group });
          jobs.push({ workload, runtimeMs: k.runtimeMs, group: k.group });
        }
      }
    }
  }
  const clusters = Array.from({ length: o.clusters }, (_, i) =>
    clusterObject(`cluster-${String(i).padStart(3, '0')}`, Array.from({ length: o.nodesPerCluster }, () => ({ cpu: o.nodeCpu, memory: 16_384, gpu: 0 }))),
  );
  const sim = new QueueSimulation({
    clusters,
    queues,
    priorityClasses: CLASSES.map((k) => priorityClassObject(k.group, k.priority)),
    jobs,
    tickMs: o.tickMs,
    admissionsPerCycle: o.admissionsPerCycle,
    standings: o.standings,
  });

  const names = queues.map((q) => q.metadata.name);
  const usedWhilePending = new Map(names.map((n) => [n, { sum: 0, ticks: 0 }]));
  let federationBusy = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  while (sim.admittedAt.size < jobs.length) {
    sim.step();
    for (const name of names) {
      if (sim.state.pendingCount(name) === 0) continue;
      const u = usedWhilePending.get(name)!;
      u.sum += (sim.state.book.usage(name).get('cpu') ?? 0) / NOMINAL_CPU;
      u.ticks++;
    }
    const { cpu, capacityCpu } = sim.federation.usage();
    federationBusy += cpu / capacityCpu;
    if (sim.tick > 1_000_000) throw new Error('kueue-baseline: not all admitted after 1,000,000 ticks');
  }
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const virtualS = (sim.now - EPOCH) / 1000;
  const capacity = o.clusters * o.nodesPerCluster * o.nodeCpu;

  printTable(
    `kueue-baseline: ${o.cohorts} cohorts × ${o.queuesPerCohort} queues × ${o.jobsPerQueue} Jobs = ${jobs.length.toLocaleString('en-US')} over ${o.clusters} clusters of ${o.nodesPerCluster} × ${o.nodeCpu} cpu (${capacity} cpu; quotas sum to ${queues.length * NOMINAL_CPU}), tick ${o.tickMs} ms, standings ${o.standings ? 'written' : 'not written'}, preemption ${o.preemption ? 'on' : 'off'}`,
    [
      {
        'wall s (all admitted)': wallS,
        'process cpu s': (cpu.user + cpu.system) / 1e6,
        'admission s': (sim.spent.cycle + sim.spent.watch) / 1000,
        'placement s': sim.spent.place / 1000,
        'virtual s': virtualS,
        cycles: sim.tick,
        'cycle p50 ms': percentile(sim.cycleMs, 50),
        'cycle p99 ms': percentile(sim.cycleMs, 99),
        'cycle max ms': Math.max(...sim.cycleMs),
        admissions: sim.admissions,
        preemptions: sim.preemptions,
        'federation busy': `${((federationBusy / sim.tick) * 100).toFixed(1)}%`,
        'over-committed replicas': sim.federation.overcommitted,
      },
    ],
  );

  const perQueue: Row[] = names.map((name) => {
    const u = usedWhilePending.get(name)!;
    return { queue: name, 'virtual s with pending work': (u.ticks * o.tickMs) / 1000, 'mean % of nominal admitted while pending': u.ticks ? (u.sum / u.ticks) * 100 : 0 };
  });
  const fractions = perQueue.map((r) => r['mean % of nominal admitted while pending'] as number);
  printTable('kueue-baseline: nominal quota used while pending, per queue', perQueue);
  printTable('kueue-baseline: summary over queues (aim: every queue ≥ 50%)', [
    { 'min %': Math.min(...fractions), 'median %': percentile(fractions, 50), 'max %': Math.max(...fractions), 'queues ≥ 50%': `${fractions.filter((f) => f >= 50).length} / ${fractions.length}` },
  ]);

  const byClass: Row[] = CLASSES.map((k) => {
    const waits: number[] = [];
    for (const [key, at] of sim.admittedAt) {
      const job = sim.jobs.get(key)!;
      if (job.group === k.group) waits.push(at - Date.parse(job.workload.metadata.creationTimestamp));
    }
    const mean = waits.reduce((s, w) => s + w, 0) / waits.length;
    return { class: `${k.group} (${k.replicas} × ${k.cpu} cpu, ${k.runtimeMs} ms, priority ${k.priority})`, jobs: waits.length, 'mean virtual s to admission': mean / 1000, 'p99 virtual s': percentile(waits, 99) / 1000 };
  });
  printTable('kueue-baseline: time to admission per class (virtual)', byClass);
}
