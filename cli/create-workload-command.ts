/**
 * `skym create job` and `skym create deployment` take the same flags and build the same spec;
 * they differ only in the kind they create, which each subclass names.
 */
import { Args, Flags } from '@oclif/core';
import type { Manifest } from '../src/client/index.js';
import type { Deployment, Job, PlacementStrategy, RestartPolicy } from '../src/domain/types.js';
import { ApiCommand } from './api-command.js';
import { createObject } from './create.js';
import { UsageError } from './errors.js';
import { clusterSelector, env, label, namespace, parseResources, resources, toMap } from './flags.js';

const STRATEGIES = ['spread', 'pack'] as const;
const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const;

export abstract class CreateWorkloadCommand extends ApiCommand {
  static override args = {
    name: Args.string({ required: true, description: 'Name of the new object (lower-case letters, digits and -).' }),
  };

  static override flags = {
    namespace,
    resources,
    run: Flags.string({
      description: 'Shell command each replica runs, e.g. "echo Sky!; sleep 10" (required: clusters run it with sh -c, inside the --image container on Kubernetes).',
      helpValue: 'COMMAND',
    }),
    image: Flags.string({ description: 'Container image, for clusters that run containers (Kubernetes). Default: the server\'s.', helpValue: 'IMAGE' }),
    replicas: Flags.integer({ min: 0, description: 'How many replicas; the scheduler spreads them across clusters. Default: 1.' }),
    label,
    env,
    'cluster-selector': clusterSelector,
    strategy: Flags.option({ options: STRATEGIES, description: 'Spread replicas across clusters by free capacity (default), or pack them into as few as possible.' })(),
    'restart-policy': Flags.option({ options: RESTART_POLICIES, description: 'When a failed replica is restarted. Default: never for jobs, always for deployments.' })(),
    'wait-timeout': Flags.integer({ min: 1, description: 'Seconds a replica may wait in a cluster before it is evicted and placed elsewhere.', helpValue: 'SECONDS' }),
  };

  protected abstract readonly kind: 'Job' | 'Deployment';

  async run(): Promise<Job | Deployment> {
    // This class, not the subclass: oclif's parse spreads the class it is given, and a spread
    // drops the static `args` a subclass only inherits.
    const { args, flags } = await this.parse(CreateWorkloadCommand);
    if (flags.run === undefined || flags.run.trim() === '') throw new UsageError(missingRun(this.kind));
    const strategy = flags.strategy?.toUpperCase() as PlacementStrategy | undefined;
    const manifest: Manifest<'Job'> = {
      metadata: { name: args.name, namespace: flags.namespace, labels: toMap(flags.label, '--label') },
      spec: {
        image: flags.image,
        run: flags.run,
        envs: Object.entries(toMap(flags.env, '--env') ?? {}).map(([name, value]) => ({ name, value })),
        resources: parseResources(flags.resources),
        replicas: flags.replicas,
        restartPolicy: flags['restart-policy']?.toUpperCase().replace('-', '_') as RestartPolicy | undefined,
        placement: flags['cluster-selector'] || strategy ? { clusterSelector: flags['cluster-selector'], strategy } : undefined,
        waitTimeout: flags['wait-timeout'],
      },
    };
    return createObject(await this.connect(flags), this.out, this.kind, manifest as Manifest<typeof this.kind>);
  }
}

/**
 * Every cluster manager runs a replica as `sh -c RUN` (Kubernetes in the --image container, local
 * and Slurm as a process), so without --run there is nothing to run: a job would complete at once
 * and a deployment's replicas would exit and restart forever.
 */
export function missingRun(kind: 'Job' | 'Deployment'): string {
  const outcome = kind === 'Job' ? 'a job would complete having done nothing' : "a deployment's replicas would exit at once and restart forever";
  return `--run is required: the command each replica runs, e.g. --run "echo hi". Clusters run it with sh -c (inside the --image container on Kubernetes); without it ${outcome}.`;
}
