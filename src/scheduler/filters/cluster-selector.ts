/** The workload's own placement.clusterSelector over cluster labels. */
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const clusterSelector: FeasibilityChecker = {
  name: 'cluster-selector',
  appliesTo: (ctx) => ctx.clusterSelector.requirements.length > 0,
  feasible(cluster, ctx) {
    if (ctx.clusterSelector.matches(cluster.metadata.labels)) return FEASIBLE;
    return infeasible(`labels do not match the ${ctx.workload.kind}'s clusterSelector "${ctx.clusterSelector}"`);
  },
};
