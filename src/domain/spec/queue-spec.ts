/**
 * A Queue's spec: which namespaces feed it, how much it may admit (its nominal quota), the cohort
 * it shares unused quota with, its fair-share weight, and how it orders its work. The one place a
 * Queue field is declared; types.ts, the resolver's checks and the GraphQL types derive from it.
 *
 * Quota figures follow Resources (cores, MiB, whole GPUs). A figure left out is not limited by
 * this queue; 0 admits nothing that asks for that resource.
 */
import type { z } from 'zod/v4';
import { MAX_CLUSTER_RESOURCES, MAX_LABEL_VALUE_LENGTH, MAX_PREEMPTIONS_PER_MINUTE, MAX_QUEUE_NAMESPACES, MAX_QUEUE_WEIGHT, MAX_QUOTA_ACCELERATORS, MAX_WAIT_TIMEOUT_SECONDS } from '../limits.js';
import { WAITING_POLICY_SPEC } from './waiting-policy-spec.js';
import { acceleratorProblem, flag, graphql, list, name, number, object, oneOf, optionalSelector, text } from './fields.js';

export const QUEUEING_STRATEGIES = ['STRICT_FIFO', 'BEST_EFFORT_FIFO'] as const;
export type QueueingStrategy = (typeof QUEUEING_STRATEGIES)[number];

/** Whom a queue's workloads may preempt in their own queue. */
export const WITHIN_QUEUE_PREEMPTION = ['NEVER', 'LOWER_PRIORITY'] as const;
/** Whose borrowed quota a queue's workloads may take back in their cohort. */
export const RECLAIM_PREEMPTION = ['NEVER', 'LOWER_PRIORITY', 'ANY'] as const;

const acceleratorQuota = object('AcceleratorQuota', {
  name: graphql(
    text({ maxLength: MAX_LABEL_VALUE_LENGTH }, (model) => (model === '' ? 'must name an accelerator model' : acceleratorProblem(model))),
    { description: 'An accelerator model ("A100").' },
  ),
  gpu: number({ integer: true, max: MAX_CLUSTER_RESOURCES.gpu }),
});

/** Figures over a whole federation: a cluster's bounds. */
const quota = (typeName: string) =>
  object(
    typeName,
    {
      cpu: number({ max: MAX_CLUSTER_RESOURCES.cpu }).optional(),
      memory: number({ max: MAX_CLUSTER_RESOURCES.memory }).optional(),
      gpu: number({ integer: true, max: MAX_CLUSTER_RESOURCES.gpu }).optional(),
      /** GPUs of one model, within `gpu`. */
      accelerators: list(acceleratorQuota, MAX_QUOTA_ACCELERATORS).default([]),
    },
    'Cores, MiB and GPUs (in all, and per accelerator model); a figure left out is not limited.',
  );

const preemption = object('QueuePreemption', {
  withinQueue: oneOf(WITHIN_QUEUE_PREEMPTION, 'WithinQueuePreemption').default('LOWER_PRIORITY'),
  reclaimWithinCohort: oneOf(RECLAIM_PREEMPTION, 'ReclaimPreemption').default('ANY'),
  maxPerMinute: graphql(number({ integer: true, min: 0, max: MAX_PREEMPTIONS_PER_MINUTE }).default(10), {
    description: 'Preemptions the queue may cause per minute, so fair share does not thrash.',
  }),
});

export const QUEUE_SPEC = object('QueueSpec', {
  /** Namespaces whose workloads this queue takes. */
  namespaces: list(name(), MAX_QUEUE_NAMESPACES).default([]),
  /** Namespaces (by their labels) whose workloads this queue takes, besides those listed. */
  namespaceSelector: optionalSelector(),
  quota: quota('ResourceQuota').prefault({}),
  /** Queues of one cohort lend each other their unused nominal quota. */
  cohort: name().optional(),
  /** At most this much beyond the nominal quota, borrowed from the cohort; left out: no limit. */
  borrowingLimit: quota('ResourceQuota').optional(),
  /** At most this much of the nominal quota is lent to the cohort; left out: all of it. */
  lendingLimit: quota('ResourceQuota').optional(),
  weight: graphql(number({ min: 0.001, max: MAX_QUEUE_WEIGHT }).default(1), {
    description: 'Fair-share weight within the cohort: weights 1:2 get shares 1:2 when both queues are busy.',
  }),
  queueingStrategy: oneOf(QUEUEING_STRATEGIES, 'QueueingStrategy').default('BEST_EFFORT_FIFO'),
  /** BEST_EFFORT_FIFO: seconds a head may wait before capacity is held for it. */
  starvationTimeout: graphql(number({ integer: true, min: 1, max: MAX_WAIT_TIMEOUT_SECONDS }).default(300), {
    description: 'BEST_EFFORT_FIFO: seconds a head that does not fit may wait before capacity is held for it.',
  }),
  paused: graphql(flag().default(false), { description: 'Admit nothing new; admitted work keeps running.' }),
  preemption: preemption.prefault({}),
  /** Left out: ZERO (work goes to a costlier cluster as soon as the cheaper ones are full). */
  waitingPolicy: graphql(WAITING_POLICY_SPEC.optional(), {
    description: 'How long its work waits for cheaper clusters before going to costlier ones; absent: ZERO (at once, cheaper first).',
  }),
});

export type QueueSpec = z.output<typeof QUEUE_SPEC>;
export type ResourceQuota = NonNullable<QueueSpec['borrowingLimit']>;
export type AcceleratorQuota = z.output<typeof acceleratorQuota>;
