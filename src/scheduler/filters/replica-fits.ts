/**
 * The next replica fits on one real node of the cluster, after the replicas this plan has already
 * put there. Per-node figures, not the cluster's sum: two nodes with 2 free cpu each cannot run a
 * 4-cpu replica.
 */
import { explainNoRoom } from '../node-fit.js';
import { FEASIBLE, infeasible, type PlanFilter } from './feasibility.js';

export const replicaFits: PlanFilter = {
  name: 'replica-fits',
  headroom(cluster, ctx) {
    return Math.max(0, ctx.room(cluster) - ctx.plan.placedOn(cluster));
  },
  feasible(cluster, ctx) {
    if (this.headroom(cluster, ctx) > 0) return FEASIBLE;
    const placed = ctx.plan.placedOn(cluster);
    if (placed > 0) return infeasible(`full after ${placed} replica${placed === 1 ? '' : 's'}`);
    return infeasible(explainNoRoom(cluster, ctx.request));
  },
};
