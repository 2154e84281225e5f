import { Args, Flags } from '@oclif/core';
import type { Queue } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createAliases, createObject } from '../../create.js';
import { UsageError } from '../../errors.js';
import { label, toMap } from '../../flags.js';
import { parseDuration } from '../../durations.js';
import { parseQuota, quotaFlag, waitingPolicyFlag } from '../../queue-flags.js';

export default class CreateQueue extends ApiCommand {
  static override summary = 'Create a queue: the share of the federation the workloads of some namespaces are admitted into.';

  static override description = `A workload is admitted by its queue (spec.queue, else the queue that takes its namespace) before it is placed, while the queue's --quota (plus what it may borrow from its --cohort) covers it. Queues of one cohort lend each other unused quota and share it by --weight. Quotas are the platform team's: creating a queue needs an admin.

Quota figures take the quantities of --resources: cpu in cores (or 500m), memory in MiB or with a unit (16Gi), gpu whole, gpu.MODEL for one accelerator model. A figure left out is not limited.`;

  static override examples = [
    { description: 'A team\'s queue in a cohort.', command: '<%= config.bin %> create queue team-a --quota cpu=8,memory=16Gi,gpu=2 --cohort research --weight 2 --namespaces team-a' },
    {
      description: 'Namespaces by label, strict order, and at most 4 cores borrowed.',
      command: "<%= config.bin %> create queue batch --namespace-selector 'team in (a,b)' --strategy strict-fifo --borrowing-limit cpu=4 --quota cpu=16,gpu.A100=1",
    },
    { description: 'Paused: admits nothing until resumed.', command: '<%= config.bin %> create queue later --paused' },
    {
      description: 'Work waits for free clusters, big jobs longest, before it may go to priced ones: on average a quarter of its runtime.',
      command: "<%= config.bin %> create queue research --namespaces research --waiting-policy 'COMPUTE budget=0.25'",
    },
  ];

  static override hiddenAliases = createAliases('Queue');

  static override args = {
    name: Args.string({ required: true, description: 'Name of the new queue (lower-case letters, digits and -).' }),
  };

  static override flags = {
    quota: quotaFlag('Nominal quota, e.g. cpu=8,memory=16Gi,gpu=2,gpu.A100=1. Default: nothing limited.'),
    cohort: Flags.string({ description: 'Cohort whose queues lend each other unused quota.', helpValue: 'COHORT' }),
    weight: Flags.string({ description: 'Fair-share weight in the cohort (weights 1:2 get shares 1:2). Default: 1.', helpValue: 'WEIGHT' }),
    namespaces: Flags.string({ multiple: true, delimiter: ',', multipleNonGreedy: true, description: 'Namespaces whose workloads it takes (comma-separated or repeated).', helpValue: 'NAMESPACES' }),
    'namespace-selector': Flags.string({ description: "Namespaces it takes by their labels, Kubernetes syntax: 'team in (a,b)'.", helpValue: 'SELECTOR' }),
    'borrowing-limit': quotaFlag('At most this much borrowed from the cohort beyond the quota. Default: no limit.'),
    'lending-limit': quotaFlag('At most this much of the quota lent to the cohort. Default: all of it.'),
    strategy: Flags.option({
      options: ['strict-fifo', 'best-effort-fifo'] as const,
      description: 'strict-fifo holds the queue behind a head that does not fit; best-effort-fifo (default) lets later work pass it.',
    })(),
    'starvation-timeout': Flags.string({ description: 'best-effort-fifo: how long a head may wait before capacity is held for it (300, 90s, 5m, 1h). Default: 5m.', helpValue: 'DURATION' }),
    paused: Flags.boolean({ description: 'Admit nothing new; admitted work keeps running.' }),
    'waiting-policy': Flags.string({
      description: 'How long its work waits for cheaper clusters before going to costlier ones: INFINITE, ZERO (default), or CONSTANT, RUNTIME, RESOURCE, COMPUTE with coefficient=C or budget=B.',
      helpValue: "'POLICY [coefficient=C|budget=B]'",
    }),
    label,
  };

  async run(): Promise<Queue> {
    const { args, flags } = await this.parse(CreateQueue);
    let weight: number | undefined;
    if (flags.weight !== undefined) {
      weight = Number(flags.weight);
      if (flags.weight.trim() === '' || !Number.isFinite(weight)) throw new UsageError(`--weight: "${flags.weight}" is not a number such as 1 or 2.5`);
    }
    return createObject(await this.connect(flags), this.out, 'Queue', {
      metadata: { name: args.name, labels: toMap(flags.label, '--label') },
      spec: {
        namespaces: flags.namespaces,
        namespaceSelector: flags['namespace-selector'],
        quota: parseQuota(flags.quota, '--quota'),
        cohort: flags.cohort,
        borrowingLimit: parseQuota(flags['borrowing-limit'], '--borrowing-limit'),
        lendingLimit: parseQuota(flags['lending-limit'], '--lending-limit'),
        weight,
        queueingStrategy: flags.strategy === undefined ? undefined : flags.strategy === 'strict-fifo' ? 'STRICT_FIFO' : 'BEST_EFFORT_FIFO',
        starvationTimeout: flags['starvation-timeout'] === undefined ? undefined : parseDuration(flags['starvation-timeout'], '--starvation-timeout'),
        paused: flags.paused || undefined,
        waitingPolicy: flags['waiting-policy'] === undefined ? undefined : waitingPolicyFlag(flags['waiting-policy']),
      },
    });
  }
}
