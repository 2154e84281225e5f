/**
 * A PriorityClass's spec, as in Kubernetes' scheduling.k8s.io PriorityClass: the priority of the
 * workloads that name it, whether they may preempt lower-priority work, and whether it is the
 * default of workloads that name none (at most one class is). types.ts, the resolver's checks
 * and the GraphQL types derive from it.
 */
import type { z } from 'zod/v4';
import { MAX_DESCRIPTION_BYTES, MAX_PRIORITY_VALUE, MIN_PRIORITY_VALUE } from '../limits.js';
import { flag, graphql, number, object, oneOf, text } from './fields.js';

export const PREEMPTION_POLICIES = ['NEVER', 'PREEMPT_LOWER_PRIORITY'] as const;
export type PreemptionPolicy = (typeof PREEMPTION_POLICIES)[number];

export const PRIORITY_CLASS_SPEC = object('PriorityClassSpec', {
  value: graphql(number({ integer: true, min: MIN_PRIORITY_VALUE, max: MAX_PRIORITY_VALUE }), {
    description: 'Higher runs first; workloads that name no class have the global default, or 0.',
  }),
  preemptionPolicy: oneOf(PREEMPTION_POLICIES, 'PreemptionPolicy').default('PREEMPT_LOWER_PRIORITY'),
  description: text({ maxBytes: MAX_DESCRIPTION_BYTES }).default(''),
  globalDefault: graphql(flag().default(false), { description: 'The class of workloads that name none; at most one class is.' }),
});

export type PriorityClassSpec = z.output<typeof PRIORITY_CLASS_SPEC>;
