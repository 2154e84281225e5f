/**
 * Lease: a cluster-scoped lock record, as Kubernetes' coordination.k8s.io one (the controller
 * manager's leader lease, each cluster's Skylet lease). Its spec is declared in
 * src/domain/spec/lease-spec.ts and needs no rule beyond it: holders take turns through the
 * compare-and-swap every update has. Nothing writes its status.
 */
import { BadUserInputError } from '../domain/errors.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { LEASE_SPEC } from '../domain/spec/lease-spec.js';
import { LEASE_PHASES, type LeasePhase, type LeaseSpec, type LeaseStatus } from '../domain/types.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { checkConditions, type ConditionInput, type Maybe } from './validation.js';

export type LeaseSpecInput = InputOf<typeof LEASE_SPEC>;

export interface LeaseStatusInput {
  phase: LeasePhase;
  conditions?: Maybe<ConditionInput[]>;
}

export const leaseKind = defineKind({
  kind: 'Lease',

  spec(input: Maybe<LeaseSpecInput>, field): LeaseSpec {
    if (!input) throw new BadUserInputError(field, 'is required');
    return parseInput(LEASE_SPEC, input, field);
  },

  initialStatus: (): LeaseStatus => ({ phase: 'ACTIVE', conditions: [] }),

  status(input: LeaseStatusInput, field): LeaseStatus {
    if (!LEASE_PHASES.includes(input.phase)) {
      throw new BadUserInputError(`${field}.phase`, `must be one of ${LEASE_PHASES.join(', ')}`);
    }
    return { phase: input.phase, conditions: checkConditions(input.conditions, `${field}.conditions`) };
  },
});

export const leaseResolvers = resourceResolvers(leaseKind);
