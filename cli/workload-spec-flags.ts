/**
 * The workload spec on the command line: for each field of src/domain/spec/workload-spec.ts, the
 * flags of `skym create job|deployment` that set it and, where `skym get` shows it, its column.
 * The table is typed by the spec's fields, so a field added to the spec does not compile until
 * it has an entry here (test/unit/cli/workload-spec-flags.test.ts checks the same at run time).
 */
import { Flags, type Interfaces } from '@oclif/core';
import type { Manifest } from '../src/client/index.js';
import type { Workload, WorkloadSpec } from '../src/domain/types.js';
import type { Column } from './format.js';
import { clusterSelector, env, parseResources, resources, toMap } from './flags.js';
import { workloadResources } from './resource-cells.js';

/** The flags that set spec fields, as `skym create job` and `create deployment` take them. */
export const WORKLOAD_SPEC_FLAGS = {
  resources,
  run: Flags.string({
    description: 'Shell command each replica runs, e.g. "echo Sky!; sleep 10" (required: clusters run it with sh -c, inside the --image container on Kubernetes).',
    helpValue: 'COMMAND',
  }),
  image: Flags.string({ description: "Container image, for clusters that run containers (Kubernetes). Default: the server's.", helpValue: 'IMAGE' }),
  replicas: Flags.integer({ min: 0, description: 'How many replicas; the scheduler spreads them across clusters. Default: 1.' }),
  env,
  'cluster-selector': clusterSelector,
  strategy: Flags.option({ options: ['spread', 'pack'] as const, description: 'Spread replicas across clusters by free capacity (default), or pack them into as few as possible.' })(),
  'restart-policy': Flags.option({
    options: ['never', 'on-failure', 'always'] as const,
    description: 'When a failed replica is restarted. Default: never for jobs, always for deployments.',
  })(),
  'wait-timeout': Flags.integer({ min: 1, description: 'Seconds a replica may wait in a cluster before it is evicted and placed elsewhere.', helpValue: 'SECONDS' }),
  queue: Flags.string({ description: 'The queue that admits it. Default: the queue that takes its namespace (none: admitted without quota).', helpValue: 'QUEUE' }),
  'priority-class': Flags.string({ description: 'Its priority class (skym get priorityclasses). Default: the global default class, else priority 0.', helpValue: 'CLASS' }),
  'expected-runtime': Flags.integer({
    min: 1,
    description: "Seconds it is expected to run (waiting policies and start estimates use it). Default: its queue's mean from finished work.",
    helpValue: 'SECONDS',
  }),
};

/** The spec flags as parsed; each may be absent. */
type SpecFlags = Partial<Pick<Interfaces.InferredFlags<typeof WORKLOAD_SPEC_FLAGS>, keyof typeof WORKLOAD_SPEC_FLAGS>>;
type SpecManifest = Manifest<'Job'>['spec'];

/** `on-failure` → `ON_FAILURE`: the API's enum values from the CLI's spelling. */
const enumValue = <T extends string>(text: string | undefined) => text?.toUpperCase().replace('-', '_') as T | undefined;

export interface SpecFieldEntry<F extends keyof WorkloadSpec> {
  /** The flags that set the field; none for a field only a manifest (`skym apply`) sets. */
  flags: readonly (keyof typeof WORKLOAD_SPEC_FLAGS)[];
  /** The field as the flags give it; undefined leaves it to the server's default. */
  value(flags: SpecFlags): SpecManifest[F] | undefined;
  /** The field's column in `skym get` (placed by cli/kinds.ts). */
  column?: Column<{ object: Workload }>;
}

export const WORKLOAD_SPEC_FIELDS: { [F in keyof WorkloadSpec]-?: SpecFieldEntry<F> } = {
  image: {
    flags: ['image'],
    value: (flags) => flags.image,
    column: { header: 'Image', value: (r) => r.object.spec.image },
  },
  run: { flags: ['run'], value: (flags) => flags.run },
  envs: {
    flags: ['env'],
    value: (flags) => Object.entries(toMap(flags.env, '--env') ?? {}).map(([name, value]) => ({ name, value })),
  },
  resources: {
    flags: ['resources'],
    value: (flags) => parseResources(flags.resources),
    column: { header: 'Resources', value: (r) => workloadResources(r.object.spec.resources) },
  },
  replicas: {
    flags: ['replicas'],
    value: (flags) => flags.replicas,
    column: { header: 'Desired', value: (r) => String(r.object.spec.replicas), align: 'right' },
  },
  restartPolicy: { flags: ['restart-policy'], value: (flags) => enumValue(flags['restart-policy']) },
  placement: {
    flags: ['cluster-selector', 'strategy'],
    value: (flags) => {
      const strategy = enumValue<'SPREAD' | 'PACK'>(flags.strategy);
      return flags['cluster-selector'] || strategy ? { clusterSelector: flags['cluster-selector'], strategy } : undefined;
    },
  },
  waitTimeout: { flags: ['wait-timeout'], value: (flags) => flags['wait-timeout'] },
  queue: {
    flags: ['queue'],
    value: (flags) => flags.queue,
    column: { header: 'Queue', value: (r) => r.object.status.queue?.name ?? r.object.status.admission?.queue ?? r.object.spec.queue ?? '' },
  },
  priorityClassName: { flags: ['priority-class'], value: (flags) => flags['priority-class'] },
  expectedRuntime: { flags: ['expected-runtime'], value: (flags) => flags['expected-runtime'] },
};

/** The spec a `skym create job|deployment` command line asks for. */
export function specFromFlags(flags: SpecFlags): SpecManifest {
  return Object.fromEntries(
    Object.entries(WORKLOAD_SPEC_FIELDS).map(([field, entry]) => [field, (entry as SpecFieldEntry<keyof WorkloadSpec>).value(flags)]),
  ) as SpecManifest;
}

/** The column of a spec field, for the workload views of cli/kinds.ts. */
export function specColumn(field: keyof WorkloadSpec): Column<{ object: Workload }> {
  const { column } = WORKLOAD_SPEC_FIELDS[field];
  if (!column) throw new Error(`spec field ${field} has no column`);
  return column;
}

/** The columns of the spec fields not named in `placed`: shown with `-o wide`, after the others. */
export function otherSpecColumns(placed: readonly (keyof WorkloadSpec)[]): Column<{ object: Workload }>[] {
  return Object.entries(WORKLOAD_SPEC_FIELDS).flatMap(([field, entry]) =>
    entry.column && !placed.includes(field as keyof WorkloadSpec) ? [entry.column] : [],
  );
}
