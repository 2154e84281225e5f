/**
 * The baseline for bench/scheduler/placement.ts: placement as it was before batches, one
 * selection per replica over every cluster (Nomad's computePlacements taken literally), with the
 * per-replica SPREAD and PACK scores it used, and reservations charged replica by replica. Kept here only to be measured side by side with
 * src/scheduler/place.ts; the scheduler does not use it.
 */
import type { Cluster, ClusterPlacement, Resources, Workload } from '../../src/domain/types.js';
import { createContext, type SchedulingContext } from '../../src/scheduler/context.js';
import { nodeCanHost, replicasFitting, subtractReplicas } from '../../src/scheduler/node-fit.js';
import { normalizedScore, type Scorer } from '../../src/scheduler/scorers/scorer.js';
import { genericStack } from '../../src/scheduler/stack.js';

/** SPREAD: the share of the cluster's room still free after this replica. */
const capacityShare: Scorer = {
  name: 'capacity-share',
  score(cluster, ctx) {
    const room = ctx.room(cluster);
    const placed = ctx.plan.placedOn(cluster);
    if (room === Infinity) return 1 / (placed + 1);
    return (room - placed - 1) / room;
  },
};

/** PACK: keep filling a used cluster; else the tightest that takes the rest; else the largest. */
const fewestClusters: Scorer = {
  name: 'fewest-clusters',
  score(cluster, ctx) {
    if (ctx.plan.placedOn(cluster) > 0) return 1;
    const room = ctx.room(cluster);
    const remaining = ctx.plan.remaining;
    if (room >= remaining) return 1 / 3 + (1 / 3) * (remaining / room);
    return (1 / 3) * (room / remaining);
  },
};

function feasibleFor(checkers: ReturnType<typeof genericStack>['clusterFilters'], cluster: Cluster, ctx: SchedulingContext): boolean {
  return checkers.every((checker) => checker.feasible(cluster, ctx).feasible);
}

export function placeOneAtATime(workload: Workload, clusters: readonly Cluster[]): { placements: ClusterPlacement[]; unplaced: number } {
  const stack = genericStack(workload.spec.placement.strategy);
  const scorers = [workload.spec.placement.strategy === 'PACK' ? fewestClusters : capacityShare, ...stack.scorers];
  const ctx = createContext(workload, [], workload.spec.replicas);
  const candidates = clusters.filter((cluster) => feasibleFor(stack.clusterFilters, cluster, ctx));
  while (ctx.plan.remaining > 0) {
    let best: Cluster | undefined;
    let bestScore = -Infinity;
    for (const cluster of candidates) {
      if (!feasibleFor(stack.planFilters, cluster, ctx)) continue;
      const score = normalizedScore(scorers, cluster, ctx);
      if (!best || score > bestScore || (score === bestScore && cluster.metadata.name < best.metadata.name)) {
        best = cluster;
        bestScore = score;
      }
    }
    if (!best) break;
    ctx.plan.add(best);
  }
  const unplaced = ctx.plan.remaining;
  if (unplaced > 0 && workload.kind === 'Job') return { placements: [], unplaced: workload.spec.replicas };
  return { placements: ctx.plan.placements(), unplaced };
}

/** Held replicas charged as before: each one to the node with the most room, one at a time. */
export function chargeOneAtATime(cluster: Cluster, resources: Resources, replicas: number): Cluster {
  const nodes = cluster.status.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable } }));
  let allocatable = cluster.status.allocatable;
  for (let i = 0; i < replicas; i++) {
    let best: (typeof nodes)[number] | undefined;
    let bestRoom = 0;
    for (const node of nodes) {
      if (!nodeCanHost(node, resources)) continue;
      const room = replicasFitting(node.allocatable, resources);
      if (room > bestRoom) [best, bestRoom] = [node, room];
    }
    if (!best) break;
    best.allocatable = subtractReplicas(best.allocatable, resources);
    allocatable = subtractReplicas(allocatable, resources);
  }
  return { ...cluster, status: { ...cluster.status, nodes, allocatable } };
}
