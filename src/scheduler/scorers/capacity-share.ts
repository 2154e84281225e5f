/**
 * SPREAD: the share of what the cluster could take that is still free after this replica. Picking
 * the highest share each time hands out replicas in proportion to each cluster's room, like the
 * original demo's {'mluo-cloud': 3, 'mluo-onprem': 1} for rooms of 3 and 1; measuring *after*
 * this replica sends a lone replica to the larger cluster rather than to the first name.
 */
import type { Scorer } from './scorer.js';

export const capacityShare: Scorer = {
  name: 'capacity-share',
  score(cluster, ctx) {
    const room = ctx.room(cluster);
    const placed = ctx.plan.placedOn(cluster);
    // A replica that asks for nothing fits anywhere without limit: spread those evenly.
    if (room === Infinity) return 1 / (placed + 1);
    return (room - placed - 1) / room;
  },
};
