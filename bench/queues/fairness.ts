/**
 * Fair share over time, as Armada measures it: queues of one cohort flood one federation, joining
 * one after the other; every virtual second each queue's dominant share of the federation
 * (admitted usage / capacity, the larger of cpu and memory) is compared with its ideal (its
 * weight over the weights of the queues with pending work). The fairness error is the
 * difference; the aim is ≤ 5% once the last queue has flooded for 30 s.
 */
import { EPOCH, clusterObject, jobObject, queueObject, random, withPreemption } from './objects.js';
import { QueueSimulation, type SimJob } from './simulation.js';
import { pct, printTable, type Row } from './table.js';

export interface FairnessOptions {
  clusters: number;
  nodeCpu: number;
  jobsPerQueue: number;
  /** Virtual seconds between one queue's flood and the next one's. */
  staggerS: number;
  /** Virtual seconds to run once the last queue floods. */
  afterS: number;
  printEveryS: number;
  tickMs: number;
  admissionsPerCycle: number;
  standings: boolean;
  preemption: boolean;
  seed: number;
}

const MIB_PER_CPU = 2_048;

export function fairness(o: FairnessOptions): void {
  for (const weights of [[1, 2], [1, 1, 1]]) run(o, weights);
}

function run(o: FairnessOptions, weights: number[]): void {
  const draw = random(o.seed);
  const clusters = Array.from({ length: o.clusters }, (_, i) => clusterObject(`cluster-${String(i).padStart(3, '0')}`, [{ cpu: o.nodeCpu, memory: o.nodeCpu * MIB_PER_CPU * 2, gpu: 0 }]));
  const capacityCpu = o.clusters * o.nodeCpu;
  const capacityMemory = capacityCpu * MIB_PER_CPU * 2;
  const names = weights.map((_, i) => `queue-${i + 1}`);
  // Nominal quotas split the federation evenly and are all lent: the weights alone divide it.
  const queues = names.map((name, i) =>
    queueObject(name, withPreemption({ namespaces: [name], cohort: 'fair', weight: weights[i], quota: { cpu: capacityCpu / names.length, memory: capacityMemory / names.length } }, o.preemption)),
  );
  const jobs: SimJob[] = [];
  names.forEach((name, q) => {
    for (let i = 0; i < o.jobsPerQueue; i++) {
      const cpu = draw() < 0.3 ? 4 : 1;
      const workload = jobObject({ name: `job-${i}`, namespace: name, createdAt: EPOCH + q * o.staggerS * 1000, replicas: 1, cpu, memory: cpu * MIB_PER_CPU });
      jobs.push({ workload, runtimeMs: 2_000 + Math.floor(draw() * 8_000), group: name });
    }
  });
  const sim = new QueueSimulation({ clusters, queues, jobs, tickMs: o.tickMs, admissionsPerCycle: o.admissionsPerCycle, standings: o.standings });

  const saturatedAt = (names.length - 1) * o.staggerS;
  const endS = saturatedAt + o.afterS;
  const samples: { t: number; share: number[]; ideal: number[] }[] = [];
  const ticksPerSecond = Math.round(1000 / o.tickMs);
  while ((sim.now - EPOCH) / 1000 < endS) {
    sim.step();
    if (sim.tick % ticksPerSecond !== 0) continue;
    const pending = names.map((n) => sim.state.pendingCount(n) > 0);
    const weightSum = weights.reduce((s, w, i) => s + (pending[i] ? w : 0), 0);
    samples.push({
      t: sim.tick / ticksPerSecond,
      share: names.map((n) => {
        const usage = sim.state.book.usage(n);
        return Math.max((usage.get('cpu') ?? 0) / capacityCpu, (usage.get('memory') ?? 0) / capacityMemory);
      }),
      ideal: weights.map((w, i) => (pending[i] ? w / weightSum : 0)),
    });
    if (pending.some((p, i) => !p && (samples.at(-1)!.t > i * o.staggerS))) throw new Error(`fairness: a queue ran out of pending work at ${samples.at(-1)!.t} s; raise --fair-jobs`);
  }

  const label = weights.join(':');
  const error = (s: (typeof samples)[number], i: number) => Math.abs(s.share[i] - s.ideal[i]);
  const rows: Row[] = samples
    .filter((s) => s.t % o.printEveryS === 0 || s.t === saturatedAt + 30)
    .map((s) => {
      const row: Row = { 'virtual s': s.t };
      names.forEach((n, i) => {
        row[`${n} (w ${weights[i]}) share`] = pct(s.share[i]);
        row[`${n} ideal`] = pct(s.ideal[i]);
        row[`${n} error`] = pct(error(s, i));
      });
      return row;
    });
  printTable(
    `fairness ${label}: ${names.length} queues of one cohort flood ${o.clusters} clusters × ${o.nodeCpu} cpu, queue k joins at ${o.staggerS}·(k−1) s (all pending from then), 1- and 4-cpu Jobs of 2–10 s; tick ${o.tickMs} ms, preemption ${o.preemption ? 'on' : 'off'}`,
    rows,
  );
  const settled = samples.filter((s) => s.t >= saturatedAt + 30);
  const at30 = samples.find((s) => s.t === saturatedAt + 30);
  printTable(`fairness ${label}: error after 30 s of saturation (all queues flooding since ${saturatedAt} s; aim ≤ 5%)`, [
    {
      weights: label,
      'error at +30 s (worst queue)': at30 ? pct(Math.max(...names.map((_, i) => error(at30, i)))) : '—',
      'max error from +30 s to the end': settled.length ? pct(Math.max(...settled.flatMap((s) => names.map((_, i) => error(s, i))))) : '—',
      'mean error from +30 s': settled.length ? pct(settled.reduce((sum, s) => sum + names.reduce((m, _, i) => m + error(s, i), 0) / names.length, 0) / settled.length) : '—',
      'federation used at the end': pct(sim.federation.usage().cpu / capacityCpu),
      preemptions: sim.preemptions,
      'wall s': (sim.spent.cycle + sim.spent.watch + sim.spent.place) / 1000,
    },
  ]);
}
