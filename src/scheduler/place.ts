/**
 * Divides a workload's replicas across clusters. The cluster filters keep the clusters that may
 * run it at all; the scorers rank those, and equal scores form a rank. Rank by rank, best first,
 * the plan filters say how many more replicas each cluster can take (its headroom) and the
 * strategy's divider splits what is still to place among that rank's clusters in one batch
 * (SPREAD in proportion to room, PACK onto the fewest clusters); what a rank cannot take goes to
 * the next. Each rank is one selection against the accumulating plan (Nomad's computePlacements),
 * but a selection places a batch, not one replica: the cost grows with the clusters, never with
 * the replicas. Clusters are taken in name order, so the same clusters always give the same
 * plan, in whatever order they come.
 *
 * A Job is gang-placed: all replicas or none, because its replicas usually work together. A
 * Deployment places what fits; the controller asks again for the rest when capacity changes.
 */
import type { Cluster, ClusterPlacement, FilterPolicy, Workload } from '../domain/types.js';
import { createContext, type SchedulingContext } from './context.js';
import type { OpenCluster } from './dividers/divider.js';
import type { FeasibilityChecker, PlanFilter } from './filters/feasibility.js';
import { normalizedScore, type Scorer } from './scorers/scorer.js';
import { genericStack } from './stack.js';

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
  /**
   * false: the placement only, without `division` and without the reasons of clusters that ran
   * out of room (a yes/no probe, as admission asks: building the strings for a thousand clusters
   * costs more than the placement). Default true.
   */
  explain?: boolean;
}

export interface PlacementResult {
  /** Sorted by cluster name; clusters that get nothing are absent. */
  placements: ClusterPlacement[];
  unplaced: number;
  /** Why each cluster was rejected, by cluster name (see describeRejections). */
  reasons: Record<string, string>;
  /**
   * Why each cluster got what it got, for people: the room each open cluster had (replicas it
   * could still take) and its share, rank by rank: `SPREAD by room: a 4, b 1, c 1 → a 3, b 1, c 0`.
   */
  division: string;
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

/** How many more replicas every plan filter lets the cluster take. */
function headroom(filters: readonly PlanFilter[], cluster: Cluster, ctx: SchedulingContext): number {
  let least = Infinity;
  for (const filter of filters) least = Math.min(least, filter.headroom(cluster, ctx));
  return least;
}

const byName = (a: Cluster, b: Cluster) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

/** The clusters grouped by equal score, best first, each group in name order. */
function ranks(scorers: readonly Scorer[], clusters: readonly Cluster[], ctx: SchedulingContext): Cluster[][] {
  const scored = clusters.map((cluster) => ({ cluster, score: normalizedScore(scorers, cluster, ctx) }));
  scored.sort((a, b) => b.score - a.score || byName(a.cluster, b.cluster));
  const groups: Cluster[][] = [];
  let previous: number | undefined;
  for (const { cluster, score } of scored) {
    if (score !== previous) groups.push([]);
    groups[groups.length - 1].push(cluster);
    previous = score;
  }
  return groups;
}

export function place(input: PlacementInput): PlacementResult {
  const { workload, explain = true } = input;
  const replicas = input.replicas ?? workload.spec.replicas;
  const stack = genericStack(workload.spec.placement.strategy);
  const ctx = createContext(workload, input.filterPolicies, replicas, input.now);

  const reasons: Record<string, string> = {};
  const candidates = input.clusters.filter((cluster) => {
    const reason = rejection(stack.clusterFilters, cluster, ctx);
    if (reason !== undefined) reasons[cluster.metadata.name] = reason;
    return reason === undefined;
  });

  const steps: string[] = [];
  const rankList = ranks(stack.scorers, candidates, ctx);
  for (const rank of rankList) {
    if (ctx.plan.remaining === 0) break;
    const open: OpenCluster[] = [];
    for (const cluster of rank) {
      const room = headroom(stack.planFilters, cluster, ctx);
      if (room > 0) open.push({ cluster, headroom: room });
    }
    if (open.length === 0) continue;
    const shares = stack.divider.divide(ctx.plan.remaining, open, ctx);
    open.forEach(({ cluster }, i) => ctx.plan.add(cluster, shares[i]));
    if (explain) steps.push(describeStep(open, shares));
  }
  const strategy = workload.spec.placement.strategy === 'PACK' ? 'PACK onto the fewest clusters' : 'SPREAD by room';
  const ranked = rankList.length > 1 ? ', best preference first' : '';
  const division = explain ? `${strategy}${ranked} (room: replicas a cluster could still take): ${steps.join('; then ')}` : '';

  const unplaced = ctx.plan.remaining;
  if (unplaced > 0 && explain) {
    // Every rank took all it could: each candidate is now full, or never had room.
    for (const cluster of candidates) {
      const reason = rejection(stack.planFilters, cluster, ctx);
      if (reason !== undefined) reasons[cluster.metadata.name] = reason;
    }
  }
  if (unplaced > 0 && workload.kind === 'Job') return { placements: [], unplaced: replicas, reasons, division: '' };
  return { placements: ctx.plan.placements(), unplaced, reasons, division };
}

/** `a 4, b 1, c 1 → a 3, b 1, c 0`: each open cluster's room, then its share. */
function describeStep(open: readonly OpenCluster[], shares: readonly number[]): string {
  const rooms = open.map(({ cluster, headroom: room }) => `${cluster.metadata.name} ${room === Infinity ? 'any' : room}`).join(', ');
  const got = open.map(({ cluster }, i) => `${cluster.metadata.name} ${shares[i]}`).join(', ');
  return `${rooms} → ${got}`;
}
