/**
 * The chain every placement runs through, built in one place (Nomad's NewGenericStack). A new rule
 * is one checker or scorer object and one line here.
 */
import type { PlacementStrategy } from '../domain/types.js';
import { clusterReady } from './filters/cluster-ready.js';
import { clusterSelector } from './filters/cluster-selector.js';
import type { FeasibilityChecker } from './filters/feasibility.js';
import { filterPolicies } from './filters/filter-policies.js';
import { managerSupportsKind } from './filters/manager-supports-kind.js';
import { notRecentlyEvicted } from './filters/not-recently-evicted.js';
import { replicaFits } from './filters/replica-fits.js';
import { capacityShare } from './scorers/capacity-share.js';
import { fewestClusters } from './scorers/fewest-clusters.js';
import { preferences } from './scorers/preferences.js';
import type { Scorer } from './scorers/scorer.js';

export interface Stack {
  /** Checks whose answer does not change while replicas are added: run once per cluster and placement. */
  clusterFilters: readonly FeasibilityChecker[];
  /** Checks that look at the plan: run for every replica. */
  planFilters: readonly FeasibilityChecker[];
  scorers: readonly Scorer[];
}

export function genericStack(strategy: PlacementStrategy): Stack {
  return {
    clusterFilters: [
      // Phase first: a cluster that is not READY has no trustworthy capacity, and saying so is
      // the most useful reason to show.
      clusterReady,
      managerSupportsKind,
      // Governance before the user's own wishes, so "excluded by FilterPolicy" is the reason shown.
      filterPolicies,
      clusterSelector,
      notRecentlyEvicted,
    ],
    planFilters: [
      // Per-node fit after the replicas this plan already put on the cluster.
      replicaFits,
    ],
    scorers: [
      // Exactly one capacity scorer, chosen by the strategy.
      strategy === 'PACK' ? fewestClusters : capacityShare,
      preferences,
    ],
  };
}
