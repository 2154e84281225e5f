/**
 * Queue: a cluster-scoped share of the federation (nominal quota, cohort, fair-share weight).
 * Its spec is declared in src/domain/spec/queue-spec.ts; this file checks status writes, which
 * only the admission controller makes.
 */
import { BadUserInputError } from '../domain/errors.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { QUEUE_SPEC } from '../domain/spec/queue-spec.js';
import { QUEUE_PHASES, type Queue, type QueuePhase, type QueueSpec, type QueueStatus } from '../domain/types.js';
import type { ResolverContext } from './context.js';
import { costSums } from './cost-sums.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { checkQuotaUsage, type QuotaUsageInput } from './quota-usage.js';
import { checkConditions, checkNumber, type ConditionInput, type Maybe } from './validation.js';

export type QueueSpecInput = InputOf<typeof QUEUE_SPEC>;

export interface QueueStatusInput {
  phase: QueuePhase;
  conditions?: Maybe<ConditionInput[]>;
  usage?: Maybe<QuotaUsageInput>;
  borrowed?: Maybe<QuotaUsageInput>;
  pending?: Maybe<number>;
  admitted?: Maybe<number>;
  share?: Maybe<number>;
}

const zero = () => ({ cpu: 0, memory: 0, gpu: 0, accelerators: [] });

export const queueKind = defineKind({
  kind: 'Queue',

  spec: (input: Maybe<QueueSpecInput>, field): QueueSpec => parseInput(QUEUE_SPEC, input ?? {}, field),

  // Nothing admitted yet; the admission controller keeps the phase in step with spec.paused.
  initialStatus: (spec: QueueSpec): QueueStatus => ({
    phase: spec.paused ? 'PAUSED' : 'ACTIVE',
    conditions: [],
    usage: zero(),
    borrowed: zero(),
    pending: 0,
    admitted: 0,
    share: 0,
  }),

  status(input: QueueStatusInput, field): QueueStatus {
    if (!QUEUE_PHASES.includes(input.phase)) throw new BadUserInputError(`${field}.phase`, `must be one of ${QUEUE_PHASES.join(', ')}`);
    return {
      phase: input.phase,
      conditions: checkConditions(input.conditions, `${field}.conditions`),
      usage: input.usage == null ? zero() : checkQuotaUsage(input.usage, `${field}.usage`),
      borrowed: input.borrowed == null ? zero() : checkQuotaUsage(input.borrowed, `${field}.borrowed`),
      pending: checkNumber(input.pending ?? 0, `${field}.pending`, { integer: true }),
      admitted: checkNumber(input.admitted ?? 0, `${field}.admitted`, { integer: true }),
      share: checkNumber(input.share ?? 0, `${field}.share`),
    };
  },
});

export const queueResolvers = resourceResolvers(queueKind);

/** What the queue's workloads have cost so far (src/resolvers/cost-sums.ts). */
export async function queueCost(ctx: ResolverContext, queue: Queue, subscription = false): Promise<number> {
  return (await costSums(ctx, subscription)).byQueue.get(queue.metadata.name) ?? 0;
}
