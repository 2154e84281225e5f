/**
 * `skym create job` and `skym create deployment` take the same flags and build the same spec
 * (from cli/workload-spec-flags.ts); they differ only in the kind they create, which each
 * subclass names.
 */
import { Args } from '@oclif/core';
import type { Manifest } from '../src/client/index.js';
import type { Deployment, Job } from '../src/domain/types.js';
import { ApiCommand } from './api-command.js';
import { createObject } from './create.js';
import { UsageError } from './errors.js';
import { label, namespace, toMap } from './flags.js';
import { specFromFlags, WORKLOAD_SPEC_FLAGS } from './workload-spec-flags.js';

const { resources, run, image, replicas, ...moreSpecFlags } = WORKLOAD_SPEC_FLAGS;

export abstract class CreateWorkloadCommand extends ApiCommand {
  static override args = {
    name: Args.string({ required: true, description: 'Name of the new object (lower-case letters, digits and -).' }),
  };

  // The spec's flags come from cli/workload-spec-flags.ts; namespace and label set metadata.
  // --label stands where the usage line has always shown it.
  static override flags = { namespace, resources, run, image, replicas, label, ...moreSpecFlags };

  protected abstract readonly kind: 'Job' | 'Deployment';

  async run(): Promise<Job | Deployment> {
    // This class, not the subclass: oclif's parse spreads the class it is given, and a spread
    // drops the static `args` a subclass only inherits.
    const { args, flags } = await this.parse(CreateWorkloadCommand);
    if (flags.run === undefined || flags.run.trim() === '') throw new UsageError(missingRun(this.kind));
    const manifest: Manifest<'Job'> = {
      metadata: { name: args.name, namespace: flags.namespace, labels: toMap(flags.label, '--label') },
      spec: specFromFlags(flags),
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
