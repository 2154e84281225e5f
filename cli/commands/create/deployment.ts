import { createAliases } from '../../create.js';
import { CreateWorkloadCommand } from '../../create-workload-command.js';

export default class CreateDeployment extends CreateWorkloadCommand {
  static override summary = 'Create a deployment: long-running replicas kept alive, placed across clusters by the scheduler.';

  static override description = `Takes the same flags as \`skym create job\`, --run among them (the command is the replica: an image's own entrypoint does not run). The replicas are restarted when they exit and moved when their cluster is full or gone.`;

  static override examples = [
    { description: 'Three web servers spread across clusters.', command: '<%= config.bin %> create deployment web --replicas 3 --resources cpu 0.5 --resources memory 256Mi --image nginx --run "nginx -g \'daemon off;\'"' },
    { description: 'Packed into as few clusters as possible.', command: '<%= config.bin %> create deployment workers --replicas 8 --resources cpu=1 --run "./worker" --strategy pack' },
  ];

  static override hiddenAliases = createAliases('Deployment');

  protected readonly kind = 'Deployment';
}
