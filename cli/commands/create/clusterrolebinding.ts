import { Args, Flags } from '@oclif/core';
import type { ClusterRoleBinding } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { label, toMap } from '../../flags.js';
import { subjectFlags, subjectsOf } from '../../rbac-flags.js';

export default class CreateClusterRoleBinding extends ApiCommand {
  static override summary = 'Create a cluster role binding: give a cluster role to users and groups everywhere.';

  static override description = `Its role cannot change later (delete the binding and create it again); its users and groups can. Creating one needs an admin.`;

  static override examples = [
    { description: 'Alice may have her work placed on the cloud cluster.', command: '<%= config.bin %> create clusterrolebinding alice-cloud --clusterrole use-cloud --user alice' },
  ];

  static override hiddenAliases = createAliases('ClusterRoleBinding');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new cluster role binding (lower-case letters, digits and -).' }),
  };

  static override flags = {
    clusterrole: Flags.string({ description: 'The ClusterRole it gives, everywhere.', required: true, helpValue: 'CLUSTERROLE' }),
    ...subjectFlags,
    label,
  };

  async run(): Promise<ClusterRoleBinding> {
    const { args, flags } = await this.parse(CreateClusterRoleBinding);
    return createObject(await this.connect(flags), this.out, 'ClusterRoleBinding', {
      metadata: { name: args.name, labels: toMap(flags.label, '--label') },
      spec: { subjects: subjectsOf(flags), roleRef: { kind: 'ClusterRole', name: flags.clusterrole } },
    });
  }
}
