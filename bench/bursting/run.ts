/**
 * bench/bursting: cost-aware bursting (issue 18) on a trace, every waiting policy side by side,
 * with the scheduler's own gates and placement in virtual time. See bench/README.md.
 *
 *   npm run bench:bursting -- [--traces philly,helios] [--trace FILE.csv] [--write FILE.csv]
 *       [--jobs 10000] [--seed 1] [--load 1.1] [--cv 1] [--diurnal 0.5] [--nodes 64]
 *       [--budget 0.25] [--sweep 0.1,0.25,0.5,1] [--gpu-price 2.40] [--cpu-price 0.05]
 *
 * --trace runs a CSV trace (arrival,replicas,cpu,memory,gpu,runtime) instead of the generated
 * ones; --write writes each generated trace as CSV (FILE-philly.csv, FILE-helios.csv).
 * --sweep runs COMPUTE with and without the estimate at each budget on the first trace (empty: none).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { WaitingPolicy } from '../../src/domain/spec/waiting-policy-spec.js';
import { formatNumber, pct, printTable, type Row } from '../queues/table.js';
import { CPU_PER_GPU, generateTrace, GPUS_PER_NODE, MEMORY_MIB_PER_GPU, TRACE_KINDS, traceStatistics, type TraceKind } from './generator.js';
import { BurstingSimulation, type FederationShape, type Variant, type VariantResult } from './simulation.js';
import { formatTrace, parseTrace, type TraceJob } from './trace.js';

const { values: args } = parseArgs({
  options: {
    traces: { type: 'string', default: TRACE_KINDS.join(',') },
    trace: { type: 'string' },
    write: { type: 'string' },
    jobs: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    load: { type: 'string', default: '1.1' },
    cv: { type: 'string', default: '1' },
    diurnal: { type: 'string', default: '0.5' },
    nodes: { type: 'string', default: '64' },
    budget: { type: 'string', default: '0.25' },
    sweep: { type: 'string', default: '0.1,0.25,0.5,1' },
    'gpu-price': { type: 'string', default: '2.40' },
    'cpu-price': { type: 'string', default: '0.05' },
  },
});

/** A flag's value as a number within bounds, or a message that names the flag and the bounds. */
function numberFlag(flag: keyof typeof args, min: number, max = Infinity, integer = false): number {
  const value = Number(args[flag]);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`--${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min}${max === Infinity ? '' : ` to ${max}`}, got ${JSON.stringify(args[flag])}`);
  }
  return value;
}

const jobs = numberFlag('jobs', 1, 1_000_000, true);
const seed = numberFlag('seed', 0, 2 ** 32 - 1, true);
const load = numberFlag('load', 0.01, 100);
const cv = numberFlag('cv', 0.05, 100);
const diurnal = numberFlag('diurnal', 0, 0.99);
const nodes = numberFlag('nodes', 1, 100_000, true);
const budget = numberFlag('budget', 0, 1_000);
const sweep = args.sweep!.trim() === '' ? [] : args.sweep!.split(',').map((b) => {
  const v = Number(b);
  if (!Number.isFinite(v) || v < 0 || v > 1_000) throw new Error(`--sweep: ${JSON.stringify(b)} is not a budget from 0 to 1000`);
  return v;
});
const shape: FederationShape = {
  onPremNodes: nodes,
  node: { gpu: GPUS_PER_NODE, cpu: GPUS_PER_NODE * CPU_PER_GPU, memory: GPUS_PER_NODE * MEMORY_MIB_PER_GPU },
  cloudCost: { gpu: numberFlag('gpu-price', 0), cpu: numberFlag('cpu-price', 0), memory: 0 },
};
const kinds = args.traces!.split(',').map((k) => k.trim()) as TraceKind[];
for (const k of kinds) if (!(TRACE_KINDS as readonly string[]).includes(k)) throw new Error(`--traces: ${k} is not one of ${TRACE_KINDS.join(', ')}`);

const scaled = (policy: WaitingPolicy['policy'], b: number): WaitingPolicy => ({ policy, budget: b });
function variants(b: number): Variant[] {
  return [
    { name: 'ZERO', policy: { policy: 'ZERO' }, estimate: false, runtime: 'spec' },
    { name: 'INFINITE', policy: { policy: 'INFINITE' }, estimate: false, runtime: 'spec' },
    ...(['CONSTANT', 'RUNTIME', 'RESOURCE', 'COMPUTE'] as const).map((p): Variant => ({ name: `${p} b=${b}`, policy: scaled(p, b), estimate: false, runtime: 'spec' })),
    { name: `COMPUTE b=${b} +estimate`, policy: scaled('COMPUTE', b), estimate: true, runtime: 'spec' },
    { name: `COMPUTE b=${b}`, policy: scaled('COMPUTE', b), estimate: false, runtime: 'queue' },
    { name: `COMPUTE b=${b} +estimate`, policy: scaled('COMPUTE', b), estimate: true, runtime: 'queue' },
  ];
}

const hours = (s: number) => s / 3600;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function rows(results: readonly VariantResult[]): Row[] {
  const zero = results.find((r) => r.variant.name === 'ZERO')!;
  const infinite = results.find((r) => r.variant.name === 'INFINITE')!;
  return results.map((r) => ({
    policy: r.variant.name,
    runtime: r.variant.runtime === 'spec' ? 'expectedRuntime' : 'queue mean',
    'cloud cost': Math.round(r.cloudCost),
    'cost vs ZERO': zero.cloudCost > 0 ? signed(r.cloudCost / zero.cloudCost - 1) : 'n/a',
    'avg JCT (h)': hours(r.avgJctS),
    'p99 JCT (h)': hours(r.p99JctS),
    'JCT vs INFINITE': signed(r.avgJctS / infinite.avgJctS - 1),
    'JCT vs ZERO': signed(r.avgJctS / zero.avgJctS - 1),
    'jobs burst': r.burst,
    'opened by estimate': r.openedByEstimate,
    'on-prem GPU use': pct(r.onPremUtilization),
    'wall (s)': r.wallMs / 1000,
  }));
}

function simulate(trace: readonly TraceJob[], list: readonly Variant[]): VariantResult[] {
  return list.map((v) => {
    const result = new BurstingSimulation(trace, shape, v).run();
    if (result.completed !== trace.length) throw new Error(`${v.name}: ${result.completed} of ${trace.length} jobs completed`);
    if (result.overcommitted > 0) console.warn(`warning: ${v.name}: ${result.overcommitted} replica(s) found no node (placement and nodes disagreed)`);
    return result;
  });
}

/** The aim of issue 18, read as written and as Starburst states its own result. */
function aimCheck(title: string, results: readonly VariantResult[]): void {
  const zero = results.find((r) => r.variant.name === 'ZERO')!;
  const infinite = results.find((r) => r.variant.name === 'INFINITE')!;
  const candidates = results.filter((r) => r.variant.policy.policy !== 'ZERO' && r.variant.policy.policy !== 'INFINITE');
  const meets = (r: VariantResult, base: VariantResult) => r.cloudCost <= 0.5 * zero.cloudCost && r.avgJctS <= 1.1 * base.avgJctS;
  const describe = (r: VariantResult) => `${r.variant.name} (${r.variant.runtime === 'spec' ? 'expectedRuntime' : 'queue mean'})`;
  const asWritten = candidates.filter((r) => meets(r, infinite));
  const vsZero = candidates.filter((r) => meets(r, zero));
  console.log(`\nAim check, ${title}: at least 50% less cloud cost than ZERO (<= ${formatNumber(0.5 * zero.cloudCost)})`);
  console.log(`  with avg JCT <= 1.1 x INFINITE's (${formatNumber(hours(1.1 * infinite.avgJctS))} h), as issue 18 words it: ${asWritten.length > 0 ? `met by ${asWritten.map(describe).join('; ')}` : 'met by none'}`);
  console.log(`  with avg JCT <= 1.1 x ZERO's (${formatNumber(hours(1.1 * zero.avgJctS))} h), Starburst's framing: ${vsZero.length > 0 ? `met by ${vsZero.map(describe).join('; ')}` : 'met by none'}`);
}

function describeTrace(name: string, trace: readonly TraceJob[]): void {
  const s = traceStatistics(trace);
  const shares = [...s.gpuShares.entries()].sort((a, b) => a[0] - b[0]).map(([g, share]) => `${g} GPU ${pct(share)}`).join(', ');
  const span = trace.length > 0 ? trace[trace.length - 1].arrival : 0;
  console.log(`\n${name}: ${trace.length.toLocaleString('en-US')} jobs over ${formatNumber(span / 86_400)} days; ${shares}; mean ${formatNumber(s.meanGpus)} GPUs; runtime median ${formatNumber(s.medianRuntime / 60)} min, mean ${formatNumber(s.meanRuntime / 3600)} h`);
}

console.log(`bench/bursting on Node ${process.version}, ${new Date().toISOString()}`);
console.log(`on-prem: ${nodes} nodes of ${shape.node.gpu} GPUs, ${shape.node.cpu} cores, ${shape.node.memory / 1024} GiB, free; cloud: unlimited at ${shape.cloudCost.gpu}/GPU-h + ${shape.cloudCost.cpu}/core-h`);
const traces: { name: string; trace: TraceJob[] }[] = args.trace
  ? [{ name: args.trace, trace: parseTrace(readFileSync(args.trace, 'utf8'), args.trace) }]
  : kinds.map((kind) => ({ name: `${kind}-like (seed ${seed}, load ${load}, cv ${cv}, diurnal ${diurnal})`, kind, trace: generateTrace({ kind, jobs, seed, onPremGpus: nodes * GPUS_PER_NODE, load, cv, diurnal }) }));
if (args.write && !args.trace) {
  kinds.forEach((kind, i) => {
    const path = args.write!.replace(/(\.csv)?$/, `-${kind}.csv`);
    writeFileSync(path, formatTrace(traces[i].trace));
    console.log(`wrote ${path}`);
  });
}

const started = performance.now();
traces.forEach(({ name, trace }, i) => {
  describeTrace(name, trace);
  const results = simulate(trace, variants(budget));
  printTable(`Waiting policies on the ${name} trace`, rows(results));
  if (i === 0) aimCheck(name, results);
  if (i === 0 && sweep.length > 0) {
    const base = results.filter((r) => r.variant.name === 'ZERO' || r.variant.name === 'INFINITE');
    const same = (v: Variant) => results.find((r) => r.variant.name === v.name && r.variant.runtime === v.runtime);
    const list = sweep.flatMap((b): Variant[] => [
      { name: `COMPUTE b=${b}`, policy: scaled('COMPUTE', b), estimate: false, runtime: 'spec' },
      { name: `COMPUTE b=${b} +estimate`, policy: scaled('COMPUTE', b), estimate: true, runtime: 'spec' },
    ]);
    // The run above already has the budget it was given.
    const swept = [...base, ...list.map((v) => same(v) ?? simulate(trace, [v])[0])];
    printTable(`Budget sweep, COMPUTE with and without the estimate (expectedRuntime), ${name}`, rows(swept));
    aimCheck(`${name}, budget sweep`, swept);
  }
});
console.log(`\nwall time in all: ${formatNumber((performance.now() - started) / 1000)} s`);
