/**
 * Who may have work placed where: a cluster the workload's creator may not `use` (no Role or
 * ClusterRole bound to them allows `use` on it, src/domain/rbac) is not for this workload, and
 * the pending reason says so. Work no authenticated user created (a server without
 * authentication) may use every cluster.
 */
import { creatorOf } from '../../domain/creator.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const clusterUse: FeasibilityChecker = {
  name: 'cluster-use',
  appliesTo: (ctx) => ctx.mayUse !== undefined,
  feasible(cluster, ctx) {
    if (ctx.mayUse!(cluster.metadata.name)) return FEASIBLE;
    const who = creatorOf(ctx.workload.metadata.annotations)?.name ?? 'its creator';
    return infeasible(`user ${who} may not use cluster ${cluster.metadata.name} (no role bound to them allows use on clusters "${cluster.metadata.name}")`);
  },
};
