/**
 * A feasibility checker answers one question about one cluster (Nomad's FeasibilityChecker): can
 * it run this workload's next replica? A "no" carries the reason users read in the PENDING
 * condition, so it is written for them: "excluded by FilterPolicy remove-cloud".
 */
import type { Cluster } from '../../domain/types.js';
import type { SchedulingContext } from '../context.js';

export type Feasibility = { feasible: true } | { feasible: false; reason: string };

export const FEASIBLE: Feasibility = { feasible: true };

export function infeasible(reason: string): Feasibility {
  return { feasible: false, reason };
}

export interface FeasibilityChecker {
  /** Names the checker in tests and debugging. */
  readonly name: string;
  feasible(cluster: Cluster, ctx: SchedulingContext): Feasibility;
  /**
   * False when the check cannot reject any cluster for this workload (no policy governs it, an
   * empty selector), so a placement skips it for all of them. Absent: always asked.
   */
  appliesTo?(ctx: SchedulingContext): boolean;
}

/**
 * A check whose answer depends on the plan (Nomad's plan-aware feasibility). Besides yes or no for
 * the next replica it says how many more replicas it lets the cluster take, so that placement can
 * add them in one batch instead of asking again for every replica.
 */
export interface PlanFilter extends FeasibilityChecker {
  /** Replicas the cluster may still take after the plan's; Infinity when this check sets no bound. */
  headroom(cluster: Cluster, ctx: SchedulingContext): number;
}
