/**
 * PACK: as few clusters as possible. While no cluster can take every replica still to place, the
 * roomiest one is filled; then the rest goes to the tightest cluster that takes it all, so that
 * large clusters stay free for large workloads. Taking the largest clusters until the rest fits
 * in one is what minimizes the number of clusters. Ties go to the first name.
 */
import type { Divider } from './divider.js';

export const fewestClusters: Divider = {
  name: 'fewest-clusters',
  divide(replicas, open) {
    const shares = open.map(() => 0);
    // Roomiest first; open is in name order and the sort is stable, so ties keep it.
    const byRoom = open.map((o, i) => i).sort((a, b) => open[b].headroom - open[a].headroom || a - b);
    let left = replicas;
    for (let k = 0; k < byRoom.length && left > 0; k++) {
      const i = byRoom[k];
      if (open[i].headroom < left) {
        shares[i] = open[i].headroom;
        left -= shares[i];
        continue;
      }
      // Every cluster from k on that can take all of `left`: the tightest of them, first by name.
      let tightest = i;
      for (let j = k + 1; j < byRoom.length && open[byRoom[j]].headroom >= left; j++) {
        if (open[byRoom[j]].headroom < open[tightest].headroom) tightest = byRoom[j];
      }
      shares[tightest] = left;
      left = 0;
    }
    return shares;
  },
  // Every open cluster takes one replica whole: the tightest does.
  better: (room, than) => room < than,
};
