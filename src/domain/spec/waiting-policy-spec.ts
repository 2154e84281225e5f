/**
 * A waiting policy: how long work waits for the cheaper clusters before it may go to costlier
 * ones (Starburst's waiting functions). Declared once here; a Queue's spec.waitingPolicy and a
 * namespace's `sky.dev/waiting-policy` annotation both take it. The time w(j) it gives a workload
 * is computed in src/bursting/waiting-time.ts.
 */
import { z } from 'zod/v4';
import { MAX_WAITING_BUDGET, MAX_WAITING_COEFFICIENT } from '../limits.js';
import { graphql, number, oneOf } from './fields.js';

/**
 * INFINITE: never burst. ZERO: burst at once. The others wait w = c, c x expected runtime,
 * c x resources (GPUs, or cores when it asks for none) or c x resources x expected runtime.
 */
export const WAITING_POLICIES = ['INFINITE', 'ZERO', 'CONSTANT', 'RUNTIME', 'RESOURCE', 'COMPUTE'] as const;
export type WaitingPolicyName = (typeof WAITING_POLICIES)[number];

/** The policies whose wait is c x something: they need a coefficient or a budget. */
export const SCALED_POLICIES: readonly WaitingPolicyName[] = ['CONSTANT', 'RUNTIME', 'RESOURCE', 'COMPUTE'];

export const WAITING_POLICY_SPEC = graphql(
  z
    .object({
      policy: oneOf(WAITING_POLICIES, 'WaitingPolicyName'),
      coefficient: graphql(number({ min: 0, max: MAX_WAITING_COEFFICIENT }).optional(), {
        description: 'c in w = c x (1, runtime, resources or resources x runtime), in seconds per unit.',
      }),
      budget: graphql(number({ min: 0, max: MAX_WAITING_BUDGET }).optional(), {
        description: 'The mean wait as a fraction of the mean runtime of finished work; c follows from it.',
      }),
    })
    .superRefine((spec, ctx) => {
      const scaled = SCALED_POLICIES.includes(spec.policy);
      const given = [spec.coefficient !== undefined && 'coefficient', spec.budget !== undefined && 'budget'].filter(Boolean) as string[];
      if (scaled && given.length !== 1) {
        ctx.addIssue({ code: 'custom', path: given.length === 0 ? ['coefficient'] : ['budget'], message: `${spec.policy} takes either a coefficient or a budget (exactly one of them)` });
      }
      if (!scaled && given.length > 0) {
        ctx.addIssue({ code: 'custom', path: [given[0]], message: `${spec.policy} takes no ${given[0]}` });
      }
    }),
  {
    name: 'WaitingPolicy',
    typeDescription: 'How long work waits for cheaper clusters before it may go to costlier ones: w = c x (1, runtime, resources, resources x runtime), with c given or following from a budget.',
  },
);

export type WaitingPolicy = z.output<typeof WAITING_POLICY_SPEC>;
