import { CreateWorkloadCommand } from '../../create-workload-command.js';

export default class CreateJob extends CreateWorkloadCommand {
  static override summary = 'Create a job: replicas that run a command to completion, placed across clusters by the scheduler.';

  static override description = `The scheduler picks the clusters (by free capacity, filter policies and --cluster-selector) and divides the replicas among them; \`skym get job NAME\` then shows one row per cluster.

--resources takes the original demo's two-token form (--resources cpu 1 --resources memory 512) as well as key=value (--resources cpu=1,memory=2Gi).`;

  static override examples = [
    { description: 'The demo\'s job: one cpu, a shell command.', command: '<%= config.bin %> create job sky-165c0f23 --resources cpu 1 --run "echo Sky!; sleep 10"' },
    {
      description: 'Four replicas with memory and a GPU each, on clusters labelled env=prod.',
      command: '<%= config.bin %> create job train --replicas 4 --resources cpu 2 --resources memory 8Gi --resources gpu 1 --run "python train.py" --image pytorch/pytorch --cluster-selector env=prod',
    },
    { description: 'In another namespace, with labels and environment variables.', command: '<%= config.bin %> create job hello -n team-a --label app=hello --env GREETING=hi --run "echo $GREETING"' },
  ];

  protected readonly kind = 'Job';
}
