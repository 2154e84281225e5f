/**
 * A cluster the workload's replicas were just evicted from is not a candidate for it until the
 * eviction backoff ends (see ../eviction.ts): it could not start them, and nothing says it can now.
 */
import { evictedUntil, lastEviction } from '../eviction.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const notRecentlyEvicted: FeasibilityChecker = {
  name: 'not-recently-evicted',
  appliesTo: (ctx) => (ctx.workload.status.evictions?.length ?? 0) > 0,
  feasible(cluster, ctx) {
    const until = evictedUntil(ctx.workload, cluster, ctx.now);
    if (until === undefined) return FEASIBLE;
    const eviction = lastEviction(ctx.workload, cluster.metadata.name);
    return infeasible(`replicas were evicted from here at ${eviction?.at}; not before ${new Date(until).toISOString()}`);
  },
};
