/**
 * FilterPolicy: namespaced governance over where the namespace's workloads may run. The cluster
 * names it lists are checked as names (a typo'd name would otherwise silently match nothing).
 */
import { BadUserInputError } from '../domain/errors.js';
import { FILTER_POLICY_PHASES, type FilterPolicyPhase, type FilterPolicySpec, type FilterPolicyStatus, type StringMap } from '../domain/types.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { MAX_POLICY_CLUSTER_NAMES } from '../domain/limits.js';
import { checkConditions, checkCount, checkLabels, checkName, checkSelector, type ConditionInput, type Maybe } from './validation.js';

export interface FilterPolicySpecInput {
  clusterFilter?: Maybe<{ include?: Maybe<string[]>; exclude?: Maybe<string[]>; clusterSelector?: Maybe<string> }>;
  labelsSelector?: Maybe<StringMap>;
}

export interface FilterPolicyStatusInput {
  phase: FilterPolicyPhase;
  conditions?: Maybe<ConditionInput[]>;
}

const checkNames = (names: Maybe<string[]>, field: string) =>
  checkCount(names ?? [], field, MAX_POLICY_CLUSTER_NAMES).map((n, i) => checkName(n, `${field}[${i}]`));

export const filterPolicyKind = defineKind({
  kind: 'FilterPolicy',

  spec(input: Maybe<FilterPolicySpecInput>, field): FilterPolicySpec {
    const filter = input?.clusterFilter;
    const spec: FilterPolicySpec = {
      clusterFilter: {
        include: checkNames(filter?.include, `${field}.clusterFilter.include`),
        exclude: checkNames(filter?.exclude, `${field}.clusterFilter.exclude`),
      },
      labelsSelector: checkLabels(input?.labelsSelector, `${field}.labelsSelector`),
    };
    const clusterSelector = checkSelector(filter?.clusterSelector, `${field}.clusterFilter.clusterSelector`);
    if (clusterSelector !== undefined) spec.clusterFilter.clusterSelector = clusterSelector;
    return spec;
  },

  initialStatus: (): FilterPolicyStatus => ({ phase: 'ACTIVE', conditions: [] }),

  status(input: FilterPolicyStatusInput, field): FilterPolicyStatus {
    if (!FILTER_POLICY_PHASES.includes(input.phase)) {
      throw new BadUserInputError(`${field}.phase`, `must be one of ${FILTER_POLICY_PHASES.join(', ')}`);
    }
    return { phase: input.phase, conditions: checkConditions(input.conditions, `${field}.conditions`) };
  },
});

export const filterPolicyResolvers = resourceResolvers(filterPolicyKind);
