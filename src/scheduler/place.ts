/**
 * Divides a workload's replicas across clusters, one selection at a time (Nomad's
 * computePlacements): every selection runs the plan filters and scorers over the clusters that
 * passed the cluster filters, takes the best score, and adds one replica to the plan, so the next
 * selection sees it. Equal scores go to the cluster whose name sorts first, so the same clusters
 * always give the same plan, in whatever order they come.
 *
 * A Job is gang-placed: all replicas or none, because its replicas usually work together. A
 * Deployment places what fits; the controller asks again for the rest when capacity changes.
 */
import type { Cluster, ClusterPlacement, FilterPolicy, Workload } from '../domain/types.js';
import { createContext, type SchedulingContext } from './context.js';
import type { FeasibilityChecker } from './filters/feasibility.js';
import { normalizedScore } from './scorers/scorer.js';
import { genericStack, type Stack } from './stack.js';

export interface PlacementInput {
  workload: Workload;
  /** Every known cluster, with reservations already applied (see reservations.ts). */
  clusters: readonly Cluster[];
  /** FilterPolicies of any namespace; the ones governing the workload are picked here. */
  filterPolicies: readonly FilterPolicy[];
  /** Replicas to place now; defaults to spec.replicas. A Deployment passes what is still unplaced. */
  replicas?: number;
  /** Milliseconds since the epoch; defaults to now (tests pin it). */
  now?: number;
}

export interface PlacementResult {
  /** Sorted by cluster name; clusters that get nothing are absent. */
  placements: ClusterPlacement[];
  unplaced: number;
  /** Why each cluster was rejected, by cluster name (see describeRejections). */
  reasons: Record<string, string>;
}

/** The first reason a checker gives, or undefined when all pass. */
function rejection(
  checkers: readonly FeasibilityChecker[],
  cluster: Cluster,
  ctx: SchedulingContext,
): string | undefined {
  for (const checker of checkers) {
    const result = checker.feasible(cluster, ctx);
    if (!result.feasible) return result.reason;
  }
  return undefined;
}

/** The best cluster for the next replica, or the reason each candidate refused it. */
function selectOne(stack: Stack, candidates: readonly Cluster[], ctx: SchedulingContext) {
  let best: Cluster | undefined;
  let bestScore = -Infinity;
  const refusals: Record<string, string> = {};
  for (const cluster of candidates) {
    const reason = rejection(stack.planFilters, cluster, ctx);
    if (reason !== undefined) {
      refusals[cluster.metadata.name] = reason;
      continue;
    }
    const score = normalizedScore(stack.scorers, cluster, ctx);
    const wins = !best || score > bestScore || (score === bestScore && cluster.metadata.name < best.metadata.name);
    if (wins) {
      best = cluster;
      bestScore = score;
    }
  }
  return { best, refusals };
}

export function place(input: PlacementInput): PlacementResult {
  const { workload } = input;
  const replicas = input.replicas ?? workload.spec.replicas;
  const stack = genericStack(workload.spec.placement.strategy);
  const ctx = createContext(workload, input.filterPolicies, replicas, input.now);

  const reasons: Record<string, string> = {};
  const candidates = input.clusters.filter((cluster) => {
    const reason = rejection(stack.clusterFilters, cluster, ctx);
    if (reason !== undefined) reasons[cluster.metadata.name] = reason;
    return reason === undefined;
  });

  while (ctx.plan.remaining > 0) {
    const { best, refusals } = selectOne(stack, candidates, ctx);
    if (!best) {
      Object.assign(reasons, refusals);
      break;
    }
    ctx.plan.add(best);
  }

  const unplaced = ctx.plan.remaining;
  if (unplaced > 0 && workload.kind === 'Job') return { placements: [], unplaced: replicas, reasons };
  return { placements: ctx.plan.placements(), unplaced, reasons };
}
