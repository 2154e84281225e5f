/**
 * The namespace's governance: every FilterPolicy whose labelsSelector matches the workload applies,
 * and a cluster must pass all of them. Within one policy, an empty include list includes every
 * cluster, exclude wins over include, and clusterSelector is matched against the cluster's labels.
 */
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const filterPolicies: FeasibilityChecker = {
  name: 'filter-policies',
  appliesTo: (ctx) => ctx.policies.length > 0,
  feasible(cluster, ctx) {
    const { name, labels } = cluster.metadata;
    for (const policy of ctx.policies) {
      if (policy.exclude.has(name)) return infeasible(`excluded by FilterPolicy ${policy.name}`);
      if (policy.include.size > 0 && !policy.include.has(name)) {
        return infeasible(`not included by FilterPolicy ${policy.name}`);
      }
      if (!policy.clusterSelector.matches(labels)) {
        return infeasible(
          `labels do not match clusterSelector "${policy.clusterSelector}" of FilterPolicy ${policy.name}`,
        );
      }
    }
    return FEASIBLE;
  },
};
