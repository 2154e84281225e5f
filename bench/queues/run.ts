/**
 * bench/queues: the admission core (src/admission) with the scheduler's place() on simulated
 * clusters, in virtual time: no processes, no API server. See bench/README.md for the figures.
 *
 *   npm run bench:queues -- [--scenarios kueue-baseline,fairness,throughput] [--tick-ms 100]
 *       [--standings on|off] [--preemption on|off] [--admissions-per-cycle 1000] [--seed 1]
 *       [--kueue-clusters 100] [--kueue-nodes 1] [--kueue-node-cpu 4] [--kueue-jobs-per-queue 500]
 *       [--fair-clusters 20] [--fair-node-cpu 16] [--fair-jobs 5000] [--fair-stagger-s 20] [--fair-after-s 60] [--fair-print-every-s 5]
 *       [--clusters 1000] [--jobs 100000] [--queues 10] [--node-cpu 256]
 *
 * `--preemption off` sets every queue's preemption.maxPerMinute to 0 (the default is 10).
 *
 * Scenarios (all by default):
 *   kueue-baseline  Kueue's scheduler performance test shape: 5 cohorts × 6 queues × 500 Jobs.
 *   fairness        Weighted fair share over time (weights 1:2, then 1:1:1), Armada's fairness error.
 *   throughput      100,000 pending Jobs over 1,000 clusters: decisions per second, p50/p99, one
 *                   cycle with nothing fitting, and today's placement-only path side by side.
 */
import { parseArgs } from 'node:util';
import { fairness } from './fairness.js';
import { kueueBaseline } from './kueue-baseline.js';
import { throughput } from './throughput.js';

const SCENARIOS = ['kueue-baseline', 'fairness', 'throughput'] as const;

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    'tick-ms': { type: 'string', default: '100' },
    standings: { type: 'string', default: 'on' },
    preemption: { type: 'string', default: 'on' },
    'admissions-per-cycle': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'kueue-clusters': { type: 'string', default: '100' },
    'kueue-nodes': { type: 'string', default: '1' },
    'kueue-node-cpu': { type: 'string', default: '4' },
    'kueue-jobs-per-queue': { type: 'string', default: '500' },
    'fair-clusters': { type: 'string', default: '20' },
    'fair-node-cpu': { type: 'string', default: '16' },
    'fair-jobs': { type: 'string', default: '5000' },
    'fair-stagger-s': { type: 'string', default: '20' },
    'fair-after-s': { type: 'string', default: '60' },
    'fair-print-every-s': { type: 'string', default: '5' },
    clusters: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '100000' },
    queues: { type: 'string', default: '10' },
    'node-cpu': { type: 'string', default: '256' },
  },
});

/** A flag's value as a positive number, or a message that names the flag. */
function positive(flag: keyof typeof args): number {
  const value = Number(args[flag]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} must be a positive number, got ${JSON.stringify(args[flag])}`);
  return value;
}

const chosen = args.scenarios!.split(',').map((s) => s.trim());
for (const s of chosen) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--scenarios: ${s} is not one of ${SCENARIOS.join(', ')}`);
/** An on|off flag, or a message that names it. */
function onOff(flag: 'standings' | 'preemption'): boolean {
  if (args[flag] !== 'on' && args[flag] !== 'off') throw new Error(`--${flag} must be on or off, got ${args[flag]}`);
  return args[flag] === 'on';
}
const common = { tickMs: positive('tick-ms'), admissionsPerCycle: positive('admissions-per-cycle'), standings: onOff('standings'), preemption: onOff('preemption'), seed: positive('seed') };

console.log(`bench/queues on Node ${process.version}, ${new Date().toISOString()}`);
if (chosen.includes('kueue-baseline')) {
  kueueBaseline({
    ...common,
    cohorts: 5,
    queuesPerCohort: 6,
    jobsPerQueue: positive('kueue-jobs-per-queue'),
    clusters: positive('kueue-clusters'),
    nodesPerCluster: positive('kueue-nodes'),
    nodeCpu: positive('kueue-node-cpu'),
  });
}
if (chosen.includes('fairness')) {
  fairness({
    ...common,
    clusters: positive('fair-clusters'),
    nodeCpu: positive('fair-node-cpu'),
    jobsPerQueue: positive('fair-jobs'),
    staggerS: positive('fair-stagger-s'),
    afterS: positive('fair-after-s'),
    printEveryS: positive('fair-print-every-s'),
  });
}
if (chosen.includes('throughput')) {
  throughput({ ...common, clusters: positive('clusters'), jobs: positive('jobs'), queues: positive('queues'), nodeCpu: positive('node-cpu') });
}
