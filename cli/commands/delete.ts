import { Args } from '@oclif/core';
import type { SkyObject } from '../../src/domain/types.js';
import { ApiCommand } from '../api-command.js';
import { namespace } from '../flags.js';
import { KIND_NAMES, objectPhrase, resolveKind } from '../kinds.js';

/** The deleted objects, each in its last state. */
export type DeleteResult = SkyObject[];

export default class Delete extends ApiCommand {
  static override summary = 'Delete objects by kind and name.';

  static override description = `KIND is one of ${KIND_NAMES.join(', ')} (singular and short names work too). Each NAME is deleted in turn; one that cannot be (not found, say) is reported and the rest are still deleted, and the command then exits 1.

Deleting a job or deployment stops its replicas in every cluster (the controllers clean up); deleting a cluster stops Sky Manager from using it.`;

  static override examples = [
    { description: 'Delete a job.', command: '<%= config.bin %> delete job hello' },
    { description: 'Delete several deployments of a namespace.', command: '<%= config.bin %> delete deployments web api -n team-a' },
    { description: 'Stop using a cluster.', command: '<%= config.bin %> delete cluster skycluster' },
  ];

  static override args = {
    kind: Args.string({ required: true, description: `Kind of object: ${KIND_NAMES.join(', ')}.` }),
    names: Args.string({ required: true, multiple: true, description: 'Names of the objects to delete.' }),
  };

  static override flags = { namespace };

  async run(): Promise<DeleteResult> {
    const { args, flags } = await this.parse(Delete);
    const kind = resolveKind(args.kind);
    const api = (await this.connect(flags)).api(kind);
    const deleted: SkyObject[] = [];
    for (const name of args.names) {
      try {
        const object = await api.delete(name);
        this.out.log(`Deleted ${objectPhrase(kind, name, object.metadata.namespace)}.`);
        deleted.push(object);
      } catch (error) {
        if (args.names.length === 1) throw error;
        this.report(error);
      }
    }
    return deleted;
  }
}
