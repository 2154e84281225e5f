/**
 * FilterPolicy: which clusters a namespace's workloads (selected by labels) may run on. The spec
 * types derive from src/domain/spec/filter-policy-spec.ts.
 */
import { FILTER_POLICY_SPEC } from '../domain/spec/filter-policy-spec.js';
import { FILTER_POLICY_PHASES, type FilterPolicy, type FilterPolicyStatus } from '../domain/types.js';
import { filterPolicyResolvers, type FilterPolicyStatusInput } from '../resolvers/filter-policy.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';

export const FilterPolicyPhaseEnum = builder.enumType('FilterPolicyPhase', { values: FILTER_POLICY_PHASES });

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
    spec: t.expose('spec', { type: objectTypeOf(FILTER_POLICY_SPEC) }),
    status: t.expose('status', { type: FilterPolicyStatusRef }),
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
  specInput: inputTypeOf(FILTER_POLICY_SPEC),
  statusInput: FilterPolicyStatusInputRef,
  resolvers: filterPolicyResolvers,
});
