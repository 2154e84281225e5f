/**
 * The spec Jobs and Deployments share, with its limits and defaults: the one place a workload
 * field is declared. The domain types (types.ts), the resolvers' checks, the GraphQL types
 * WorkloadSpec and WorkloadSpecInput, and the CLI's flags (cli/workload-spec-flags.ts) derive
 * from it. The two kinds differ only in the smallest replica count (a Deployment may be scaled to
 * zero, a Job must run something) and the default restart policy (a Job's replicas finish, a
 * Deployment's are kept alive).
 */
import type { z } from 'zod/v4';
import {
  MAX_ENV_NAME_LENGTH,
  MAX_ENV_VALUE_BYTES,
  MAX_ENVS,
  MAX_EXPECTED_RUNTIME_SECONDS,
  MAX_IMAGE_LENGTH,
  MAX_PREFERENCES,
  MAX_REPLICAS,
  MAX_RUN_BYTES,
  MAX_WAIT_TIMEOUT_SECONDS,
} from '../limits.js';
import { quote } from './checks.js';
import { graphql, list, name, number, object, oneOf, optionalSelector, selector, text } from './fields.js';
import { resourcesSchema } from './resources.js';

export const RESTART_POLICIES = ['NEVER', 'ON_FAILURE', 'ALWAYS'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export const PLACEMENT_STRATEGIES = ['SPREAD', 'PACK'] as const;
export type PlacementStrategy = (typeof PLACEMENT_STRATEGIES)[number];

/** Where the two workload kinds' specs differ. */
export const WORKLOAD_RULES = {
  Job: { minReplicas: 1, defaultRestartPolicy: 'NEVER' },
  Deployment: { minReplicas: 0, defaultRestartPolicy: 'ALWAYS' },
} as const satisfies Record<string, { minReplicas: number; defaultRestartPolicy: RestartPolicy }>;

const envVar = object('EnvVar', {
  name: text({ maxLength: MAX_ENV_NAME_LENGTH }, (name) =>
    name === '' || name.includes('=') ? `${quote(name)} is not a valid environment variable name` : undefined,
  ),
  value: text({ maxBytes: MAX_ENV_VALUE_BYTES }),
});

const clusterPreference = object('ClusterPreference', {
  selector: graphql(selector(), { description: 'Label selector over cluster labels.' }),
  // Kubernetes' preferred-affinity range.
  weight: graphql(number({ integer: true, min: 1, max: 100 }).default(1), {
    description: '1..100, as in Kubernetes preferred affinity.',
    inputDescription: 'Defaults to 1.',
  }),
});

const placement = object('Placement', {
  /** Label selector over cluster labels that a cluster must match; left out when empty. */
  clusterSelector: optionalSelector(),
  preferences: list(clusterPreference, MAX_PREFERENCES).default([]),
  strategy: oneOf(PLACEMENT_STRATEGIES, 'PlacementStrategy').default('SPREAD'),
});

function workloadSpecOf(kind: keyof typeof WORKLOAD_RULES) {
  const { minReplicas, defaultRestartPolicy } = WORKLOAD_RULES[kind];
  return object('WorkloadSpec', {
    image: text({ maxLength: MAX_IMAGE_LENGTH }).default(''),
    run: text({ maxBytes: MAX_RUN_BYTES }).default(''),
    envs: list(envVar, MAX_ENVS).default([]),
    /** Per replica. */
    resources: graphql(resourcesSchema().prefault({}), { description: 'Per replica.' }),
    replicas: number({ integer: true, min: minReplicas, max: MAX_REPLICAS }).default(1),
    restartPolicy: oneOf(RESTART_POLICIES, 'RestartPolicy').default(defaultRestartPolicy),
    placement: placement.prefault({}),
    /** Seconds a replica may wait in a cluster before it is evicted and placed elsewhere. */
    /** The Queue that admits it; left out: the queue that takes its namespace, if any. */
    queue: graphql(name().optional(), { description: 'The Queue that admits it; left out: the queue that takes its namespace, if any.' }),
    priorityClassName: graphql(name().optional(), { description: 'Its PriorityClass; left out: the global default class, if any.' }),
    waitTimeout: graphql(number({ integer: true, min: 1, max: MAX_WAIT_TIMEOUT_SECONDS }).optional(), {
      description: 'Seconds a replica may wait in a cluster before it is placed elsewhere.',
    }),
    expectedRuntime: graphql(number({ integer: true, min: 1, max: MAX_EXPECTED_RUNTIME_SECONDS }).optional(), {
      description: "Seconds it is expected to run; left out: its queue's estimate from finished work. Waiting policies and start-time estimates use it.",
    }),
  });
}

/** Each kind's spec schema; both have the same fields (and so one GraphQL type). */
export const WORKLOAD_SPECS = { Job: workloadSpecOf('Job'), Deployment: workloadSpecOf('Deployment') };

export type WorkloadSpec = z.output<(typeof WORKLOAD_SPECS)['Job']>;
export type EnvVar = z.output<typeof envVar>;
export type ClusterPreference = z.output<typeof clusterPreference>;
export type Placement = z.output<typeof placement>;
