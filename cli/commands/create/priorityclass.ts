import { Args, Flags } from '@oclif/core';
import type { PriorityClass } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { label, toMap } from '../../flags.js';

export default class CreatePriorityClass extends ApiCommand {
  static override summary = 'Create a priority class: a named priority that jobs and deployments take with --priority-class.';

  static override description = `Higher values are admitted first within a queue and, with --preemption-policy preempt-lower-priority (the default), may preempt lower-priority work when there is no room. The value cannot change later; at most one class is --global-default, the class of workloads that name none (without one they have priority 0). Creating a class needs an admin.`;

  static override examples = [
    { description: 'An urgent class.', command: '<%= config.bin %> create priorityclass urgent --value 1000 --description "on-call work"' },
    { description: 'The default, which never preempts.', command: '<%= config.bin %> create priorityclass normal --value 0 --global-default --preemption-policy never' },
  ];

  static override hiddenAliases = createAliases('PriorityClass');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new class (lower-case letters, digits and -).' }),
  };

  static override flags = {
    value: Flags.integer({ required: true, description: 'The priority: higher runs first.', helpValue: 'N' }),
    'preemption-policy': Flags.option({
      options: ['never', 'preempt-lower-priority'] as const,
      description: 'Whether its workloads may preempt lower-priority ones. Default: preempt-lower-priority.',
    })(),
    description: Flags.string({ description: 'What the class is for.', helpValue: 'TEXT' }),
    'global-default': Flags.boolean({ description: 'The class of workloads that name none (at most one class is).' }),
    label,
  };

  async run(): Promise<PriorityClass> {
    const { args, flags } = await this.parse(CreatePriorityClass);
    const policy = flags['preemption-policy'];
    return createObject(await this.connect(flags), this.out, 'PriorityClass', {
      metadata: { name: args.name, labels: toMap(flags.label, '--label') },
      spec: {
        value: flags.value,
        preemptionPolicy: policy === undefined ? undefined : policy === 'never' ? 'NEVER' : 'PREEMPT_LOWER_PRIORITY',
        description: flags.description,
        globalDefault: flags['global-default'] || undefined,
      },
    });
  }
}
