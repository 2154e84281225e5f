/**
 * Whether a workload may go to clusters costlier than the cheapest that could run it, now: the
 * waiting policy in force (its queue's, else its namespace's `sky.dev/waiting-policy`, else ZERO)
 * gives w(j); the gate opens w(j) after the workload was created, or at once when the cheaper
 * clusters would not start it before then anyway (the start-time estimate, src/bursting/start-estimate.ts).
 * Placement keeps a closed gate's workload on the cheapest tier (src/scheduler/filters/cost-tier.ts).
 */
import type { WaitingPolicy } from '../domain/spec/waiting-policy-spec.js';
import type { Workload } from '../domain/types.js';
import { describePolicy, waitSeconds, type RuntimeStats } from './waiting-time.js';

export type PolicySource = 'queue' | 'namespace' | 'default';

export interface BurstGate {
  open: boolean;
  policy: WaitingPolicy;
  source: PolicySource;
  /** w(j), seconds (Infinity: never). */
  waitSeconds: number;
  /** When the wait ends, ms since the epoch (Infinity: never). */
  until: number;
  /** When the cheaper clusters would start it, ms (Infinity: never), if it was asked. */
  estimatedStart?: number;
  /** Why it is open or closed, for people: "waited 4m of 10m (COMPUTE, budget 0.25)". */
  reason: string;
}

/** Burst at once (cheaper clusters first): what work gets when no policy is set. */
export const DEFAULT_WAITING_POLICY: WaitingPolicy = { policy: 'ZERO' };

export interface GateInput {
  workload: Workload;
  policy: WaitingPolicy;
  source: PolicySource;
  stats: RuntimeStats | undefined;
  now: number;
}

export function burstGate({ workload, policy, source, stats, now }: GateInput): BurstGate {
  const wait = waitSeconds(policy, workload, stats);
  const created = Date.parse(workload.metadata.creationTimestamp);
  const until = wait === Infinity ? Infinity : created + wait * 1000;
  const open = now >= until;
  const what = describePolicy(policy);
  const reason =
    wait === Infinity
      ? `it never goes to a costlier cluster (${what})`
      : open
        ? `it waited ${duration(wait)} for cheaper clusters (${what})`
        : `it waits ${duration(wait)} for cheaper clusters, until ${new Date(until).toISOString()} (${what})`;
  return { open, policy, source, waitSeconds: wait, until, reason };
}

/**
 * The gate opened early: the cheaper clusters would start the workload at `estimatedStart`, after
 * its wait ends (or never), so waiting would not help. INFINITE never opens.
 */
export function openedByEstimate(gate: BurstGate, estimatedStart: number): BurstGate {
  if (gate.open || gate.waitSeconds === Infinity || estimatedStart <= gate.until) return { ...gate, estimatedStart };
  const when = estimatedStart === Infinity ? 'never' : `at ${new Date(estimatedStart).toISOString()}`;
  return {
    ...gate,
    open: true,
    estimatedStart,
    reason: `the cheaper clusters would start it ${when}, after its wait of ${duration(gate.waitSeconds)} ends (${describePolicy(gate.policy)}), so it does not wait`,
  };
}

/** "45s", "12m", "2h05m": a wait as people read it. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}
