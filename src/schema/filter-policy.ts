/**
 * FilterPolicy: which clusters a namespace's workloads (selected by labels) may run on.
 */
import { FILTER_POLICY_PHASES, type ClusterFilter, type FilterPolicy, type FilterPolicySpec, type FilterPolicyStatus } from '../domain/types.js';
import { filterPolicyResolvers, type FilterPolicySpecInput, type FilterPolicyStatusInput } from '../resolvers/filter-policy.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { StringMapScalar } from './string-map.js';

export const FilterPolicyPhaseEnum = builder.enumType('FilterPolicyPhase', { values: FILTER_POLICY_PHASES });

const ClusterFilterRef = builder.objectRef<ClusterFilter>('ClusterFilter').implement({
  fields: (t) => ({
    include: t.exposeStringList('include'),
    exclude: t.exposeStringList('exclude'),
    clusterSelector: t.exposeString('clusterSelector', { nullable: true }),
  }),
});

const FilterPolicySpecRef = builder.objectRef<FilterPolicySpec>('FilterPolicySpec').implement({
  fields: (t) => ({
    clusterFilter: t.expose('clusterFilter', { type: ClusterFilterRef }),
    labelsSelector: t.expose('labelsSelector', { type: StringMapScalar, description: 'Workload labels it governs; empty governs all.' }),
  }),
});

const FilterPolicyStatusRef = builder.objectRef<FilterPolicyStatus>('FilterPolicyStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: FilterPolicyPhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
  }),
});

export const FilterPolicyRef = builder.objectRef<FilterPolicy>('FilterPolicy').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: FilterPolicySpecRef }),
    status: t.expose('status', { type: FilterPolicyStatusRef }),
  }),
});

const ClusterFilterInput = builder.inputType('ClusterFilterInput', {
  fields: (t) => ({ include: t.stringList(), exclude: t.stringList(), clusterSelector: t.string() }),
});

const FilterPolicySpecInputRef = builder.inputRef<FilterPolicySpecInput>('FilterPolicySpecInput').implement({
  fields: (t) => ({
    clusterFilter: t.field({ type: ClusterFilterInput }),
    labelsSelector: t.field({ type: StringMapScalar }),
  }),
});

const FilterPolicyStatusInputRef = builder.inputRef<FilterPolicyStatusInput>('FilterPolicyStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: FilterPolicyPhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
  }),
});

defineResourceFields({
  kind: 'FilterPolicy',
  singular: 'filterPolicy',
  plural: 'filterPolicies',
  objectRef: FilterPolicyRef,
  specInput: FilterPolicySpecInputRef,
  statusInput: FilterPolicyStatusInputRef,
  resolvers: filterPolicyResolvers,
});
