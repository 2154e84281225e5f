import { Args } from '@oclif/core';
import type { ClusterRole } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { label, toMap } from '../../flags.js';
import { ruleFlags, ruleSpec } from '../../rbac-flags.js';

export default class CreateClusterRole extends ApiCommand {
  static override summary = 'Create a cluster role: verbs allowed on resources, for every namespace or one.';

  static override description = `A clusterrolebinding gives it everywhere (cluster-scoped kinds too); a rolebinding gives it within its own namespace. The built-in ones are sky-admin, sky-controller, sky-edit and sky-view. Creating one needs an admin.`;

  static override examples = [
    { description: 'Who may have work placed on the costly cloud cluster.', command: '<%= config.bin %> create clusterrole use-cloud --verb use --resource clusters --resource-name cloud' },
  ];

  static override hiddenAliases = createAliases('ClusterRole');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new cluster role (lower-case letters, digits and -).' }),
  };

  static override flags = {
    ...ruleFlags,
    label,
  };

  async run(): Promise<ClusterRole> {
    const { args, flags } = await this.parse(CreateClusterRole);
    return createObject(await this.connect(flags), this.out, 'ClusterRole', {
      metadata: { name: args.name, labels: toMap(flags.label, '--label') },
      spec: ruleSpec(flags),
    });
  }
}
