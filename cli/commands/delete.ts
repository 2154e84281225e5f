import type { SkyObject } from '../../src/domain/types.js';
import { ApiCommand } from '../api-command.js';
import { namespace } from '../flags.js';
import { KIND_NAMES, objectPhrase } from '../kinds.js';
import { namedObjects, targetArgs } from '../targets.js';

/** The deleted objects, each in its last state. */
export type DeleteResult = SkyObject[];

export default class Delete extends ApiCommand {
  static override summary = 'Delete objects by kind and name.';

  static override description = `KIND is one of ${KIND_NAMES.join(', ')} (singular and short names work too); objects may also be named as KIND/NAME, as kubectl takes them (\`skym delete job/a deploy/b\`). Each NAME is deleted in turn; one that cannot be (not found, say) is reported and the rest are still deleted, and the command then exits 1.

Deleting a job or deployment stops its replicas in every cluster (the controllers clean up); deleting a cluster stops Sky Manager from using it.`;

  static override examples = [
    { description: 'Delete a job.', command: '<%= config.bin %> delete job hello' },
    { description: 'Delete several deployments of a namespace.', command: '<%= config.bin %> delete deployments web api -n team-a' },
    { description: 'Delete a job and a deployment, named kubectl\'s way.', command: '<%= config.bin %> delete job/hello deployment/web' },
    { description: 'Stop using a cluster.', command: '<%= config.bin %> delete cluster skycluster' },
  ];

  static override args = targetArgs({ names: 'Names of the objects to delete (or more KIND/NAMEs).' });

  static override flags = { namespace };

  async run(): Promise<DeleteResult> {
    const { args, flags } = await this.parse(Delete);
    const objects = namedObjects(args.kind, args.names, 'delete');
    const connection = await this.connect(flags);
    return this.forEachReporting(objects, async ({ kind, name }) => {
      const object = await connection.api(kind).delete(name);
      this.out.log(`Deleted ${objectPhrase(kind, name, object.metadata.namespace)}.`);
      return object;
    });
  }
}
