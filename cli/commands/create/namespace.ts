import { Args } from '@oclif/core';
import type { Namespace } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { label, toMap } from '../../flags.js';

export default class CreateNamespace extends ApiCommand {
  static override summary = 'Create a namespace for jobs, deployments and filter policies.';

  static override description = 'Namespaces are federated: the controllers create them in the member clusters that run their workloads.';

  static override examples = [
    { description: 'A namespace for a team.', command: '<%= config.bin %> create namespace team-a' },
    { description: 'With labels.', command: '<%= config.bin %> create namespace team-b --label owner=alice' },
  ];

  static override hiddenAliases = createAliases('Namespace');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new namespace (lower-case letters, digits and -).' }),
  };

  static override flags = { label };

  async run(): Promise<Namespace> {
    const { args, flags } = await this.parse(CreateNamespace);
    return createObject(await this.connect(flags), this.out, 'Namespace', { metadata: { name: args.name, labels: toMap(flags.label, '--label') } });
  }
}
