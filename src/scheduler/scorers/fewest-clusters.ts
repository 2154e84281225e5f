/**
 * PACK: use as few clusters as possible. Three bands, best first:
 *   1     a cluster this plan already uses (keep filling it);
 *   ≥ 1/3 a cluster that can take every replica still to place, the tightest fit highest so that
 *         large clusters stay free for large workloads;
 *   < 1/3 a cluster that can take only some, the largest highest.
 * Taking the largest clusters until the rest fits in one is what minimizes the number of clusters.
 */
import type { Scorer } from './scorer.js';

export const fewestClusters: Scorer = {
  name: 'fewest-clusters',
  score(cluster, ctx) {
    if (ctx.plan.placedOn(cluster) > 0) return 1;
    const room = ctx.room(cluster);
    const remaining = ctx.plan.remaining;
    if (room >= remaining) return 1 / 3 + (1 / 3) * (remaining / room);
    return (1 / 3) * (room / remaining);
  },
};
