/**
 * The next replica fits on one real node of the cluster, after the replicas this plan has already
 * put there. Per-node figures, not the cluster's sum: two nodes with 2 free cpu each cannot run a
 * 4-cpu replica.
 */
import { explainNoRoom } from '../node-fit.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const replicaFits: FeasibilityChecker = {
  name: 'replica-fits',
  feasible(cluster, ctx) {
    const placed = ctx.plan.placedOn(cluster);
    if (ctx.room(cluster) > placed) return FEASIBLE;
    if (placed > 0) return infeasible(`full after ${placed} replica${placed === 1 ? '' : 's'}`);
    return infeasible(explainNoRoom(cluster, ctx.request));
  },
};
