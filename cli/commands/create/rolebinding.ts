import { Args, Flags } from '@oclif/core';
import type { RoleBinding } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { label, namespace, toMap } from '../../flags.js';
import { subjectFlags, subjectsOf } from '../../rbac-flags.js';

export default class CreateRoleBinding extends ApiCommand {
  static override summary = 'Create a role binding: give a role, or a cluster role, to users and groups within one namespace.';

  static override description = `Its role cannot change later (delete the binding and create it again); its users and groups can. Creating one needs an admin.`;

  static override examples = [
    { description: 'Team a submits in its namespace.', command: '<%= config.bin %> create rolebinding team-a-submit -n team-a --role submitter --group team-a' },
    { description: 'A CI system may read everything in team-b.', command: '<%= config.bin %> create rolebinding ci-view -n team-b --clusterrole sky-view --user ci' },
  ];

  static override hiddenAliases = createAliases('RoleBinding');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new role binding (lower-case letters, digits and -).' }),
  };

  static override flags = {
    namespace,
    role: Flags.string({ description: 'The Role of this namespace it gives.', exactlyOne: ['role', 'clusterrole'], helpValue: 'ROLE' }),
    clusterrole: Flags.string({ description: 'The ClusterRole it gives, within this namespace only.', exactlyOne: ['role', 'clusterrole'], helpValue: 'CLUSTERROLE' }),
    ...subjectFlags,
    label,
  };

  async run(): Promise<RoleBinding> {
    const { args, flags } = await this.parse(CreateRoleBinding);
    return createObject(await this.connect(flags), this.out, 'RoleBinding', {
      metadata: { name: args.name, namespace: flags.namespace, labels: toMap(flags.label, '--label') },
      spec: { subjects: subjectsOf(flags), roleRef: flags.role !== undefined ? { kind: 'Role', name: flags.role } : { kind: 'ClusterRole', name: flags.clusterrole! } },
    });
  }
}
