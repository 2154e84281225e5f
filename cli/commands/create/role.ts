import { Args } from '@oclif/core';
import type { Role } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { label, namespace, toMap } from '../../flags.js';
import { ruleFlags, ruleSpec } from '../../rbac-flags.js';

export default class CreateRole extends ApiCommand {
  static override summary = 'Create a role: verbs allowed on resources within one namespace.';

  static override description = `A role grants nothing by itself: a rolebinding in its namespace gives it to users and groups. Grants add up; nothing denies. Creating one needs an admin.`;

  static override examples = [
    { description: 'Submit and follow jobs in team-a.', command: '<%= config.bin %> create role submitter -n team-a --verb get,list,watch,create,delete --resource jobs,jobs/log' },
  ];

  static override hiddenAliases = createAliases('Role');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new role (lower-case letters, digits and -).' }),
  };

  static override flags = {
    namespace,
    ...ruleFlags,
    label,
  };

  async run(): Promise<Role> {
    const { args, flags } = await this.parse(CreateRole);
    return createObject(await this.connect(flags), this.out, 'Role', {
      metadata: { name: args.name, namespace: flags.namespace, labels: toMap(flags.label, '--label') },
      spec: ruleSpec(flags),
    });
  }
}
