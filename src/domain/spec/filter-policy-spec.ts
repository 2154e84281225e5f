/**
 * A FilterPolicy's spec, with its limits and defaults: which clusters (by name and by labels) the
 * workloads it governs (by their labels) may run on. The cluster names it lists are checked as
 * names: a typo'd name would otherwise silently match nothing. types.ts, the resolver's checks
 * and the GraphQL types FilterPolicySpec and FilterPolicySpecInput derive from it.
 */
import type { z } from 'zod/v4';
import { MAX_POLICY_CLUSTER_NAMES } from '../limits.js';
import { graphql, labels, list, name, object, optionalSelector } from './fields.js';

const clusterFilter = object('ClusterFilter', {
  include: list(name(), MAX_POLICY_CLUSTER_NAMES).default([]),
  exclude: list(name(), MAX_POLICY_CLUSTER_NAMES).default([]),
  /** Label selector over cluster labels. */
  clusterSelector: optionalSelector(),
});

export const FILTER_POLICY_SPEC = object('FilterPolicySpec', {
  clusterFilter: clusterFilter.prefault({}),
  /** Which workloads (by their labels) the policy governs; empty governs all in the namespace. */
  labelsSelector: graphql(labels().default({}), { description: 'Workload labels it governs; empty governs all.' }),
});

export type FilterPolicySpec = z.output<typeof FILTER_POLICY_SPEC>;
export type ClusterFilter = z.output<typeof clusterFilter>;
