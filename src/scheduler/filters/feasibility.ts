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
}
