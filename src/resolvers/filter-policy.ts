/**
 * FilterPolicy: namespaced governance over where the namespace's workloads may run. Its spec is
 * declared in src/domain/spec/filter-policy-spec.ts; this file checks status writes.
 */
import { BadUserInputError } from '../domain/errors.js';
import { FILTER_POLICY_SPEC } from '../domain/spec/filter-policy-spec.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { FILTER_POLICY_PHASES, type FilterPolicyPhase, type FilterPolicySpec, type FilterPolicyStatus } from '../domain/types.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { checkConditions, type ConditionInput, type Maybe } from './validation.js';

export type FilterPolicySpecInput = InputOf<typeof FILTER_POLICY_SPEC>;

export interface FilterPolicyStatusInput {
  phase: FilterPolicyPhase;
  conditions?: Maybe<ConditionInput[]>;
}

export const filterPolicyKind = defineKind({
  kind: 'FilterPolicy',

  spec: (input: Maybe<FilterPolicySpecInput>, field): FilterPolicySpec => parseInput(FILTER_POLICY_SPEC, input ?? {}, field),

  initialStatus: (): FilterPolicyStatus => ({ phase: 'ACTIVE', conditions: [] }),

  status(input: FilterPolicyStatusInput, field): FilterPolicyStatus {
    if (!FILTER_POLICY_PHASES.includes(input.phase)) {
      throw new BadUserInputError(`${field}.phase`, `must be one of ${FILTER_POLICY_PHASES.join(', ')}`);
    }
    return { phase: input.phase, conditions: checkConditions(input.conditions, `${field}.conditions`) };
  },
});

export const filterPolicyResolvers = resourceResolvers(filterPolicyKind);
