/**
 * PriorityClass: a cluster-scoped name for a priority, as Kubernetes' scheduling.k8s.io one. Its
 * spec is declared in src/domain/spec/priority-class-spec.ts; this file adds the rules a spec
 * alone cannot check: `value` never changes (as in Kubernetes: admitted work keeps the priority
 * it was admitted with, and a class meaning something else later would mislead), and at most
 * one class is the global default.
 */
import { BadUserInputError } from '../domain/errors.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { PRIORITY_CLASS_SPEC } from '../domain/spec/priority-class-spec.js';
import { PRIORITY_CLASS_PHASES, type PriorityClass, type PriorityClassPhase, type PriorityClassSpec, type PriorityClassStatus } from '../domain/types.js';
import type { ResolverContext } from './context.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { checkConditions, type ConditionInput, type Maybe } from './validation.js';

export type PriorityClassSpecInput = InputOf<typeof PRIORITY_CLASS_SPEC>;

export interface PriorityClassStatusInput {
  phase: PriorityClassPhase;
  conditions?: Maybe<ConditionInput[]>;
}

/**
 * Refuses making `next` a global default while another class is one. A lookup at write time:
 * two writes racing to make two classes the default can both pass it; resolvePriority
 * (src/domain/queueing.ts) then takes the lowest name of the two, so every reader still agrees.
 */
async function checkOneGlobalDefault(ctx: ResolverContext, next: PriorityClass, field: string): Promise<void> {
  if (!next.spec.globalDefault) return;
  const { items } = await ctx.store.list({ kind: 'PriorityClass' });
  const other = (items as PriorityClass[]).find((c) => c.spec.globalDefault && c.metadata.name !== next.metadata.name);
  if (other) {
    throw new BadUserInputError(`${field}.globalDefault`, `priority class ${other.metadata.name} is the global default already; at most one class may be (unset it there first)`);
  }
}

export const priorityClassKind = defineKind({
  kind: 'PriorityClass',

  spec(input: Maybe<PriorityClassSpecInput>, field): PriorityClassSpec {
    if (!input) throw new BadUserInputError(field, 'is required');
    return parseInput(PRIORITY_CLASS_SPEC, input, field);
  },

  initialStatus: (): PriorityClassStatus => ({ phase: 'ACTIVE', conditions: [] }),

  status(input: PriorityClassStatusInput, field): PriorityClassStatus {
    if (!PRIORITY_CLASS_PHASES.includes(input.phase)) {
      throw new BadUserInputError(`${field}.phase`, `must be one of ${PRIORITY_CLASS_PHASES.join(', ')}`);
    }
    return { phase: input.phase, conditions: checkConditions(input.conditions, `${field}.conditions`) };
  },

  async checkSpecWrite(ctx, next, current, field) {
    if (current && current.spec.value !== next.spec.value) {
      throw new BadUserInputError(`${field}.value`, `is immutable: it is ${current.spec.value}; create a new class for another value`);
    }
    await checkOneGlobalDefault(ctx, next, field);
  },
});

export const priorityClassResolvers = resourceResolvers(priorityClassKind);
