import { Args, Flags } from '@oclif/core';
import type { FilterPolicy } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { clusterSelector, label, labelsSelector, namespace, toMap } from '../../flags.js';

export default class CreateFilterPolicy extends ApiCommand {
  static override summary = 'Create a filter policy: which clusters the workloads it governs may run on.';

  static override description = `A policy governs the jobs and deployments of its namespace whose labels match --labels-selector (all of them when omitted). Such a workload may only be placed on clusters that are in --include (when given), not in --exclude, and match --cluster-selector (when given).`;

  static override examples = [
    {
      description: 'The demo\'s policy: workloads labelled my_app=testing stay off mluo-cloud.',
      command: '<%= config.bin %> create filterpolicy remove-mluo-cloud --include mluo-onprem,mluo-cloud,cloud-2 --exclude mluo-cloud --labels-selector my_app=testing',
    },
    { description: 'GPU workloads of team-a only on clusters labelled gpu=true.', command: '<%= config.bin %> create filterpolicy gpu-only -n team-a --labels-selector kind=gpu --cluster-selector gpu=true' },
  ];

  static override hiddenAliases = createAliases('FilterPolicy');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new policy (lower-case letters, digits and -).' }),
  };

  static override flags = {
    namespace,
    include: Flags.string({ multiple: true, delimiter: ',', multipleNonGreedy: true, description: 'Clusters allowed (comma-separated or repeated); all when omitted.', helpValue: 'CLUSTERS' }),
    exclude: Flags.string({ multiple: true, delimiter: ',', multipleNonGreedy: true, description: 'Clusters never allowed (comma-separated or repeated).', helpValue: 'CLUSTERS' }),
    'labels-selector': labelsSelector,
    'cluster-selector': clusterSelector,
    label,
  };

  async run(): Promise<FilterPolicy> {
    const { args, flags } = await this.parse(CreateFilterPolicy);
    return createObject(await this.connect(flags), this.out, 'FilterPolicy', {
      metadata: { name: args.name, namespace: flags.namespace, labels: toMap(flags.label, '--label') },
      spec: {
        clusterFilter: { include: flags.include, exclude: flags.exclude, clusterSelector: flags['cluster-selector'] },
        labelsSelector: toMap(flags['labels-selector'], '--labels-selector'),
      },
    });
  }
}
