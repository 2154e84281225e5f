/**
 * Cost tiers: while a workload's burst gate is closed (src/bursting/burst-gate.ts), only the
 * clusters of the cheapest price that could ever run all of it (with nothing else running there)
 * are candidates; costlier ones say what they cost and when the workload may go there. Placement
 * sets ctx.cheapestTier before the filters run (see place.ts); without prices it never applies.
 */
import { formatPrice } from '../../bursting/price.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const costTier: FeasibilityChecker = {
  name: 'cost-tier',
  appliesTo: (ctx) => ctx.burst !== undefined && !ctx.burst.open && ctx.cheapestTier !== undefined,
  feasible(cluster, ctx) {
    const price = ctx.price(cluster);
    const cheapest = ctx.cheapestTier!;
    if (price <= cheapest) return FEASIBLE;
    return infeasible(`costs ${formatPrice(price)} a replica, more than ${formatPrice(cheapest)}: ${ctx.burst!.reason}`);
  },
};
