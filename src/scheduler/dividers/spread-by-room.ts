/**
 * SPREAD: replicas in proportion to each cluster's room, the number of this workload's replicas
 * its nodes can still take (its free capacity counted in the resource the workload runs out of
 * first). Rooms of 4, 1 and 1 take 4 replicas as 3/1/0; rooms of 3 and 1 as 3/1, the original
 * demo's {'mluo-cloud': 3, 'mluo-onprem': 1}; a lone replica goes to the roomiest cluster.
 * Whole replicas by largest remainder (see largest-remainder.ts), so the split is deterministic.
 *
 * No cluster gets more than its room: a share in proportion to room stays below it whenever
 * the replicas are fewer than the rooms add up to, and otherwise every cluster is simply filled.
 * Replicas that ask for nothing fit anywhere without limit: those are spread evenly.
 */
import { largestRemainder } from './largest-remainder.js';
import type { Divider } from './divider.js';

export const spreadByRoom: Divider = {
  name: 'spread-by-room',
  divide(replicas, open) {
    const unbounded = open.some((o) => o.headroom === Infinity);
    if (unbounded) return largestRemainder(replicas, open.map((o) => (o.headroom === Infinity ? 1 : 0)));
    const total = open.reduce((sum, o) => sum + o.headroom, 0);
    if (replicas >= total) return open.map((o) => o.headroom);
    return largestRemainder(replicas, open.map((o) => o.headroom));
  },
  // The largest remainder of one seat is the largest room.
  better: (room, than) => room > than,
};
