/**
 * Queue: its object type, status types, inputs, enums and root fields. The spec types derive
 * from src/domain/spec/queue-spec.ts.
 */
import { QUEUE_SPEC } from '../domain/spec/queue-spec.js';
import { QUEUE_PHASES, type Queue, type QueueStatus } from '../domain/types.js';
import { queueCost, queueResolvers, type QueueStatusInput } from '../resolvers/queue.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { QuotaUsageInput, QuotaUsageRef } from './quota-usage.js';
import { defineResourceFields } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';

export const QueuePhaseEnum = builder.enumType('QueuePhase', { values: QUEUE_PHASES });

const QueueStatusRef = builder.objectRef<QueueStatus>('QueueStatus').implement({
  description: 'Written by the admission controller only.',
  fields: (t) => ({
    phase: t.expose('phase', { type: QueuePhaseEnum, description: 'PAUSED while spec.paused: nothing new is admitted.' }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
    usage: t.expose('usage', { type: QuotaUsageRef, description: 'Sum of the admissions of its admitted, unfinished workloads.' }),
    borrowed: t.expose('borrowed', { type: QuotaUsageRef, description: 'The part of usage beyond the nominal quota, borrowed from the cohort.' }),
    pending: t.exposeInt('pending', { description: 'Workloads waiting to be admitted.' }),
    admitted: t.exposeInt('admitted', { description: 'Workloads admitted and unfinished.' }),
    share: t.exposeFloat('share', { description: 'Weighted dominant-resource share in its cohort.' }),
  }),
});

export const QueueRef = builder.objectRef<Queue>('Queue').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: objectTypeOf(QUEUE_SPEC) }),
    status: t.expose('status', { type: QueueStatusRef }),
    cost: t.float({
      description:
        "What its workloads (admitted by it, else waiting in it; finished ones included) have cost so far, in the currency of the clusters' spec.cost. Derived when read (in a watch, up to 30 s old), never stored, so not part of status: no controller writes it.",
      // A watch's events reuse the sums longer (src/resolvers/cost-sums.ts).
      resolve: (queue, _args, ctx, info) => queueCost(ctx, queue, info.operation.operation === 'subscription'),
    }),
  }),
});

const QueueStatusInputRef = builder.inputRef<QueueStatusInput>('QueueStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: QueuePhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
    usage: t.field({ type: QuotaUsageInput }),
    borrowed: t.field({ type: QuotaUsageInput }),
    pending: t.int(),
    admitted: t.int(),
    share: t.float(),
  }),
});

defineResourceFields({
  kind: 'Queue',
  singular: 'queue',
  plural: 'queues',
  objectRef: QueueRef,
  specInput: inputTypeOf(QUEUE_SPEC),
  statusInput: QueueStatusInputRef,
  resolvers: queueResolvers,
});
