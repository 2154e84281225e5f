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
 *
 * A lone replica, the most common decision and the one admission probes for every Job, is the
 * cluster the ranks and the divider would give it, found in one pass: no sort, no apportioning.
 */
import type { BurstGate } from '../bursting/burst-gate.js';
import { anyPriced } from '../bursting/price.js';
import type { Cluster, ClusterPlacement, FilterPolicy, Workload } from '../domain/types.js';
import { createContext, type SchedulingContext } from './context.js';
import type { Divider, OpenCluster } from './dividers/divider.js';
import { costTier } from './filters/cost-tier.js';
import type { FeasibilityChecker, PlanFilter } from './filters/feasibility.js';
import { capacityRoom } from './node-fit.js';
import { normalizedScore, type Scorer } from './scorers/scorer.js';
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
  /** Whether the workload's creator may have work on the cluster (`use`); absent: on every one. */
  mayUse?: (cluster: string) => boolean;
  /**
   * false: the placement only, without `division` and without the reasons of clusters that ran
   * out of room (a yes/no probe, as admission asks: building the strings for a thousand clusters
   * costs more than the placement). Default true.
   */
  explain?: boolean;
  /**
   * Whether the workload may go to clusters costlier than the cheapest that could run it
   * (src/bursting/burst-gate.ts); absent: it may (cheaper clusters are still served first).
   */
  burst?: BurstGate;
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
  /** With a closed burst gate: the clusters of the cheapest tier it waits for, by name. */
  waitingFor?: string[];
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

/**
 * The clusters grouped by equal price and score, cheapest first and then best score first, each
 * group in name order: costlier clusters take only what the cheaper ones cannot.
 */
function ranks(scorers: readonly Scorer[], clusters: readonly Cluster[], ctx: SchedulingContext): Cluster[][] {
  const scored = clusters.map((cluster) => ({ cluster, price: ctx.price(cluster), score: normalizedScore(scorers, cluster, ctx) }));
  scored.sort((a, b) => a.price - b.price || b.score - a.score || byName(a.cluster, b.cluster));
  const groups: Cluster[][] = [];
  let previous: { price: number; score: number } | undefined;
  for (const entry of scored) {
    if (!previous || entry.score !== previous.score || entry.price !== previous.price) groups.push([]);
    groups[groups.length - 1].push(entry.cluster);
    previous = entry;
  }
  return groups;
}

/**
 * The price of the cheapest clusters that could ever run all of the workload (a Deployment: one
 * replica) with nothing else running there, among those the other cluster filters let through;
 * undefined when none could (then no tier holds it back).
 */
function cheapestTier(clusters: readonly Cluster[], filters: readonly FeasibilityChecker[], ctx: SchedulingContext, replicas: number): number | undefined {
  const byPrice = new Map<number, number>();
  for (const cluster of clusters) {
    if (rejection(filters, cluster, ctx) !== undefined) continue;
    const price = ctx.price(cluster);
    byPrice.set(price, (byPrice.get(price) ?? 0) + capacityRoom(cluster, ctx.request));
  }
  const needed = ctx.workload.kind === 'Job' ? replicas : 1;
  let room = 0;
  for (const price of [...byPrice.keys()].sort((a, b) => a - b)) {
    room += byPrice.get(price)!;
    if (room >= needed) return price;
  }
  return undefined;
}

export function place(input: PlacementInput): PlacementResult {
  const { workload, explain = true } = input;
  const replicas = input.replicas ?? workload.spec.replicas;
  const stack = genericStack(workload.spec.placement.strategy);
  const priced = anyPriced(input.clusters);
  const ctx = createContext(workload, input.filterPolicies, replicas, input.now, input.mayUse, priced ? input.burst : undefined);
  if (ctx.burst && !ctx.burst.open) {
    const others = stack.clusterFilters.filter((checker) => checker !== costTier && (checker.appliesTo?.(ctx) ?? true));
    ctx.cheapestTier = cheapestTier(input.clusters, others, ctx, replicas);
  }
  const clusterFilters = stack.clusterFilters.filter((checker) => checker.appliesTo?.(ctx) ?? true);
  // A short list of clusters is described whole; over a long one, a lone replica's home is found
  // in one pass (the common one-replica Job, probed by admission for each decision).
  if (replicas === 1 && (!explain || input.clusters.length > DESCRIBED_WHOLE)) return placeOne(input.clusters, stack, clusterFilters, ctx, explain);

  const reasons: Record<string, string> = {};
  const candidates = input.clusters.filter((cluster) => {
    const reason = rejection(clusterFilters, cluster, ctx);
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
  const division = explain ? `${strategyText(workload)}${rankList.length > 1 ? (priced ? RANKED_BY_PRICE : RANKED) : ''}${ROOM}: ${steps.join('; then ')}` : '';
  return finish(ctx, candidates, stack, reasons, division, explain);
}

/** Clusters up to which a lone replica's division lists every open cluster's room. */
const DESCRIBED_WHOLE = 8;
const RANKED = ', best preference first';
const RANKED_BY_PRICE = ', cheapest first, then best preference';
const ROOM = ' (room: replicas a cluster could still take)';

function strategyText(workload: Workload): string {
  return workload.spec.placement.strategy === 'PACK' ? 'PACK onto the fewest clusters' : 'SPREAD by room';
}

/**
 * One replica: the best-ranked open cluster the divider prefers, ties to the first name; the
 * cluster `divide` would pick after ranking, found without sorting or apportioning.
 */
function placeOne(
  clusters: readonly Cluster[],
  stack: Stack,
  clusterFilters: readonly FeasibilityChecker[],
  ctx: SchedulingContext,
  explain: boolean,
): PlacementResult {
  const reasons: Record<string, string> = {};
  const candidates: Cluster[] = [];
  let best: Cluster | undefined;
  let bestPrice = 0;
  let bestScore = 0;
  let bestRoom = 0;
  let open = 0;
  let firstScore: number | undefined;
  let ranked = false;
  for (const cluster of clusters) {
    const reason = rejection(clusterFilters, cluster, ctx);
    if (reason !== undefined) {
      reasons[cluster.metadata.name] = reason;
      continue;
    }
    if (explain || ctx.cheapestTier !== undefined) candidates.push(cluster);
    const score = normalizedScore(stack.scorers, cluster, ctx);
    firstScore ??= score;
    if (score !== firstScore) ranked = true;
    const room = headroom(stack.planFilters, cluster, ctx);
    if (room <= 0) continue;
    open++;
    // Cheaper first, then the better score (the order ranks() gives).
    const price = ctx.price(cluster);
    const better = best === undefined || price < bestPrice || (price === bestPrice && (score > bestScore || (score === bestScore && prefers(stack.divider, cluster, room, best, bestRoom))));
    if (better) {
      best = cluster;
      bestPrice = price;
      bestScore = score;
      bestRoom = room;
    }
  }
  if (best !== undefined) ctx.plan.add(best, 1);
  let division = '';
  if (explain && best !== undefined) {
    const name = best.metadata.name;
    const which = ctx.workload.spec.placement.strategy === 'PACK' ? 'tightest' : 'roomiest';
    division = `${strategyText(ctx.workload)}${ranked ? RANKED : ''}${ROOM}: ${name} ${bestRoom === Infinity ? 'any' : bestRoom} → ${name} 1, the ${which} of ${open.toLocaleString('en-US')} open`;
  }
  return finish(ctx, candidates, stack, reasons, division, explain);
}

/** Whether `cluster` (room `room`) is a better home than `best` at the same rank. */
function prefers(divider: Divider, cluster: Cluster, room: number, best: Cluster, bestRoom: number): boolean {
  if (divider.better(room, bestRoom)) return true;
  if (divider.better(bestRoom, room)) return false;
  return cluster.metadata.name < best.metadata.name;
}

/** The result, with the reasons of candidates that ran out of room when replicas are left over. */
function finish(
  ctx: SchedulingContext,
  candidates: readonly Cluster[],
  stack: Stack,
  reasons: Record<string, string>,
  division: string,
  explain: boolean,
): PlacementResult {
  const unplaced = ctx.plan.remaining;
  if (unplaced > 0 && explain) {
    // Every rank took all it could: each candidate is now full, or never had room.
    for (const cluster of candidates) {
      const reason = rejection(stack.planFilters, cluster, ctx);
      if (reason !== undefined) reasons[cluster.metadata.name] = reason;
    }
  }
  const waitingFor = unplaced > 0 && ctx.cheapestTier !== undefined ? candidates.map((c) => c.metadata.name) : undefined;
  if (unplaced > 0 && ctx.workload.kind === 'Job') return { placements: [], unplaced: ctx.plan.replicas, reasons, division: '', waitingFor };
  return { placements: ctx.plan.placements(), unplaced, reasons, division, waitingFor };
}

/** `a 4, b 1, c 1 → a 3, b 1, c 0`: each open cluster's room, then its share. */
function describeStep(open: readonly OpenCluster[], shares: readonly number[]): string {
  const rooms = open.map(({ cluster, headroom: room }) => `${cluster.metadata.name} ${room === Infinity ? 'any' : room}`).join(', ');
  const got = open.map(({ cluster }, i) => `${cluster.metadata.name} ${shares[i]}`).join(', ');
  return `${rooms} → ${got}`;
}
