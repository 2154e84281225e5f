/**
 * Synthetic GPU job traces shaped like two published ones, drawn from a seeded generator so every
 * run sees the same jobs. Each number below says where it comes from; see bench/README.md
 * ("bench/bursting") for the sources and for what is assumed rather than published.
 *
 * - philly: Microsoft's Philly trace (Jeon et al., ATC '19), through the distribution Gavel
 *   (Narayanan et al., OSDI '20) samples "from the Philly distribution" in its simulator
 *   (stanford-futuredata/gavel, scheduler/utils.py, _generate_scale_factor and _generate_duration).
 * - helios: SenseTime's Helios trace (Hu et al., SC '21), through the per-cluster summary the
 *   paper's artifact ships (S-Lab-System-Group/HeliosArtifact, analysis/1_compare with Philly
 *   trace/helios_cluster_summary.csv, row "total": all 1,580,464 GPU jobs of the four clusters).
 *
 * Arrivals: a gamma renewal process (coefficient of variation `cv`; 1 is Poisson), as Starburst's
 * trace generator draws them (michaelzhiluo/starburst, skyburst/job_generator.py: shape (1/cv)^2),
 * thinned by a daily sine of relative amplitude `diurnal` (both papers report diurnal submission
 * patterns; the amplitude is ours). The rate is set so that the trace offers `load` times the
 * on-prem cluster's GPUs over its span.
 */
import { random } from '../queues/objects.js';
import type { TraceJob } from './trace.js';

export const TRACE_KINDS = ['philly', 'helios'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** GPUs a job asks for (all replicas together) and the share of jobs that do. */
type SizeShares = readonly (readonly [gpus: number, share: number])[];

/** Gavel's Philly job sizes: r in [0.7, 0.8] → 2, (0.8, 0.95] → 4, above → 8, else 1. */
export const PHILLY_SIZES: SizeShares = [
  [1, 0.7],
  [2, 0.1],
  [4, 0.15],
  [8, 0.05],
];

/**
 * Helios GPU jobs: median 1 GPU and mean 3.716 GPUs (helios_cluster_summary.csv, "total":
 * med_gpu_num 1.0, avg_gpu_num 3.716). The summary gives no shares per size: these are chosen by
 * us to meet that median and mean (3.695 here) with jobs of up to 32 GPUs (4 nodes of 8).
 */
export const HELIOS_SIZES: SizeShares = [
  [1, 0.575],
  [2, 0.12],
  [4, 0.12],
  [8, 0.12],
  [16, 0.04],
  [32, 0.025],
];

/** Helios GPU job durations, seconds (helios_cluster_summary.csv, "total": med_run_time_gpu, avg_run_time_gpu). */
export const HELIOS_MEDIAN_RUNTIME_S = 206;
export const HELIOS_MEAN_RUNTIME_S = 6_651.681;

/**
 * A lognormal with that median and mean: median = e^mu, mean = e^(mu + sigma^2/2). sigma comes
 * out at 2.64, a heavy tail: most jobs run minutes, a few run for weeks.
 */
export const HELIOS_LOGNORMAL = {
  mu: Math.log(HELIOS_MEDIAN_RUNTIME_S),
  sigma: Math.sqrt(2 * Math.log(HELIOS_MEAN_RUNTIME_S / HELIOS_MEDIAN_RUNTIME_S)),
};

/** Gavel's Philly durations: with probability 0.8, 10^U(1.5, 3) minutes; else 10^U(3, 4) minutes. */
export const PHILLY_RUNTIME = { shortShare: 0.8, short: [1.5, 3], long: [3, 4] } as const;

/** GPUs per node of the on-prem cluster: jobs bigger than that are gangs of whole-node replicas. */
export const GPUS_PER_NODE = 8;
/** Per GPU, as the on-prem nodes are shaped (8 GPUs, 64 cores, 512 GiB): our assumption, not a trace's. */
export const CPU_PER_GPU = 8;
export const MEMORY_MIB_PER_GPU = 64 * 1024;

export interface GeneratorOptions {
  kind: TraceKind;
  jobs: number;
  seed: number;
  /** GPUs of the on-prem cluster the load is relative to. */
  onPremGpus: number;
  /** Offered GPU-seconds over the span / (on-prem GPUs x span). */
  load: number;
  /** Coefficient of variation of the inter-arrival times (1: Poisson). */
  cv: number;
  /** Relative amplitude of the daily swing of the arrival rate, 0 to < 1. */
  diurnal: number;
}

const DAY_S = 86_400;

function pickSize(shares: SizeShares, u: number): number {
  let acc = 0;
  for (const [gpus, share] of shares) {
    acc += share;
    if (u < acc) return gpus;
  }
  return shares[shares.length - 1][0];
}

/** A standard normal draw (Box-Muller). */
function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A gamma(shape, 1) draw (Marsaglia and Tsang; shape < 1 by the boost U^(1/shape)). */
export function gamma(rand: () => number, shape: number): number {
  if (shape < 1) return gamma(rand, shape + 1) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function runtimeOf(kind: TraceKind, rand: () => number): number {
  if (kind === 'helios') return Math.exp(HELIOS_LOGNORMAL.mu + HELIOS_LOGNORMAL.sigma * normal(rand));
  const [lo, hi] = rand() < PHILLY_RUNTIME.shortShare ? PHILLY_RUNTIME.short : PHILLY_RUNTIME.long;
  return 60 * Math.pow(10, lo + (hi - lo) * rand());
}

/** A job of `gpus` GPUs: one replica up to a node, else whole-node replicas. */
function shape(gpus: number): Pick<TraceJob, 'replicas' | 'gpu' | 'cpu' | 'memory'> {
  const perReplica = Math.min(gpus, GPUS_PER_NODE);
  return { replicas: Math.ceil(gpus / perReplica), gpu: perReplica, cpu: perReplica * CPU_PER_GPU, memory: perReplica * MEMORY_MIB_PER_GPU };
}

export function generateTrace(options: GeneratorOptions): TraceJob[] {
  const { kind, jobs, seed, onPremGpus, load, cv, diurnal } = options;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a whole number >= 1, got ${jobs}`);
  if (!(load > 0)) throw new Error(`load must be > 0, got ${load}`);
  if (!(cv > 0)) throw new Error(`cv must be > 0, got ${cv}`);
  if (!(diurnal >= 0 && diurnal < 1)) throw new Error(`diurnal must be from 0 to below 1, got ${diurnal}`);
  // Separate streams, so a change to one draw leaves the others as they were.
  const sizes = random(seed);
  const runtimes = random(seed + 1);
  const arrivals = random(seed + 2);
  const table = kind === 'philly' ? PHILLY_SIZES : HELIOS_SIZES;
  const drawn = Array.from({ length: jobs }, () => {
    const gpus = pickSize(table, sizes());
    // Whole seconds of at least one: what spec.expectedRuntime takes.
    return { gpus, runtime: Math.max(1, Math.round(runtimeOf(kind, runtimes))) };
  });
  // The mean rate that offers `load` x the on-prem GPUs over the span.
  const gpuSeconds = drawn.reduce((s, j) => s + j.gpus * j.runtime, 0);
  const rate = jobs / (gpuSeconds / (load * onPremGpus));
  // Gamma renewal at the peak rate, each candidate kept with the diurnal rate's share of it.
  const peak = rate * (1 + diurnal);
  const alpha = 1 / (cv * cv);
  let t = 0;
  const out: TraceJob[] = [];
  for (const j of drawn) {
    for (;;) {
      t += gamma(arrivals, alpha) / (alpha * peak);
      if (arrivals() * (1 + diurnal) <= 1 + diurnal * Math.sin((2 * Math.PI * t) / DAY_S)) break;
    }
    out.push({ arrival: t, runtime: j.runtime, ...shape(j.gpus) });
  }
  return out;
}

/** Shares of jobs by GPU count, median and mean runtime: what the unit test and the README check. */
export function traceStatistics(jobs: readonly TraceJob[]): { gpuShares: Map<number, number>; medianRuntime: number; meanRuntime: number; meanGpus: number } {
  const gpuShares = new Map<number, number>();
  for (const j of jobs) {
    const g = j.gpu * j.replicas;
    gpuShares.set(g, (gpuShares.get(g) ?? 0) + 1 / jobs.length);
  }
  const runtimes = jobs.map((j) => j.runtime).sort((a, b) => a - b);
  return {
    gpuShares,
    medianRuntime: runtimes[Math.floor(runtimes.length / 2)],
    meanRuntime: runtimes.reduce((s, r) => s + r, 0) / runtimes.length,
    meanGpus: jobs.reduce((s, j) => s + j.gpu * j.replicas, 0) / jobs.length,
  };
}
