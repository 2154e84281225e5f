/**
 * The chain every placement runs through, built in one place (Nomad's NewGenericStack). A new rule
 * is one checker, scorer or divider object and one line here.
 */
import type { PlacementStrategy } from '../domain/types.js';
import { fewestClusters } from './dividers/fewest-clusters.js';
import type { Divider } from './dividers/divider.js';
import { spreadByRoom } from './dividers/spread-by-room.js';
import { clusterReady } from './filters/cluster-ready.js';
import { clusterSelector } from './filters/cluster-selector.js';
import { clusterUse } from './filters/cluster-use.js';
import { costTier } from './filters/cost-tier.js';
import type { FeasibilityChecker, PlanFilter } from './filters/feasibility.js';
import { filterPolicies } from './filters/filter-policies.js';
import { managerSupportsKind } from './filters/manager-supports-kind.js';
import { notRecentlyEvicted } from './filters/not-recently-evicted.js';
import { replicaFits } from './filters/replica-fits.js';
import { preferences } from './scorers/preferences.js';
import type { Scorer } from './scorers/scorer.js';

export interface Stack {
  /** Checks whose answer does not change while replicas are added: run once per cluster and placement. */
  clusterFilters: readonly FeasibilityChecker[];
  /** Checks that look at the plan, and bound how many replicas each cluster takes. */
  planFilters: readonly PlanFilter[];
  /** Rank the feasible clusters; the best-ranked are served first. */
  scorers: readonly Scorer[];
  /** Splits replicas among equally ranked clusters. */
  divider: Divider;
}

export function genericStack(strategy: PlacementStrategy): Stack {
  return {
    clusterFilters: [
      // Phase first: a cluster that is not READY has no trustworthy capacity, and saying so is
      // the most useful reason to show.
      clusterReady,
      managerSupportsKind,
      // Access before governance: a cluster its creator may not use is out whatever a policy says.
      clusterUse,
      // Governance before the user's own wishes, so "excluded by FilterPolicy" is the reason shown.
      filterPolicies,
      clusterSelector,
      notRecentlyEvicted,
      // Last: the cheapest tier is the cheapest among the clusters every other check lets through.
      costTier,
    ],
    planFilters: [
      // Per-node fit after the replicas this plan already put on the cluster.
      replicaFits,
    ],
    scorers: [preferences],
    // Exactly one divider, chosen by the strategy.
    divider: strategy === 'PACK' ? fewestClusters : spreadByRoom,
  };
}
