import type { Queue, SkyObject } from '../../src/domain/types.js';
import { ApiCommand, type Connection } from '../api-command.js';
import { renderDescription } from '../describe.js';
import { namespace } from '../flags.js';
import { KIND_NAMES } from '../kinds.js';
import { namedObjects, targetArgs } from '../targets.js';

/** The objects described, in full (the same objects `skym get -o json` prints). */
export type DescribeResult = SkyObject[];

export default class Describe extends ApiCommand {
  static override summary = 'Show everything about objects: metadata, spec, status, conditions and replicas per cluster.';

  static override description = `KIND is one of ${KIND_NAMES.join(', ')} (singular and short names work too). Objects may also be named as KIND/NAME, as kubectl takes them: \`skym describe job/hello cluster/local\`.

Conditions are printed as a table with their reasons and messages: a job the scheduler cannot place has a condition of type Scheduled with reason Unschedulable whose message says why each cluster was rejected. Jobs and deployments also get a table of their replicas per cluster (placed, pending, running, succeeded, failed), and a Queue section: the queue, the position in it (3rd of 12 in queue team-a), why the workload waits, its admission and the preemptions it suffered.`;

  static override examples = [
    { description: 'Why is this job still pending?', command: '<%= config.bin %> describe job sky-165c0f23' },
    { description: 'A cluster: its capacity, nodes and health conditions.', command: '<%= config.bin %> describe cluster mluo-cloud' },
    { description: 'Several filter policies of a namespace.', command: '<%= config.bin %> describe filterpolicies remove-mluo-cloud gpu-only -n team-a' },
    { description: 'A job and the cluster it runs on, named kubectl\'s way.', command: '<%= config.bin %> describe job/sky-165c0f23 cluster/mluo-cloud' },
  ];

  static override args = targetArgs({ names: 'Names of the objects (or more KIND/NAMEs).' });

  static override flags = { namespace };

  async run(): Promise<DescribeResult> {
    const { args, flags } = await this.parse(Describe);
    const objects = namedObjects(args.kind, args.names, 'describe');
    const connection = await this.connect(flags);
    let described = 0;
    return this.forEachReporting(objects, async ({ kind, name }) => {
      const object = await connection.api(kind).get(name);
      // A blank line between objects, as kubectl separates them.
      if (described++ > 0) this.out.log();
      this.out.log(renderDescription(object, new Date(), { queue: await queueOf(connection, object) }));
      return object;
    });
  }
}

/** The queue a workload stands in, for its pending count; undefined when it stands in none or the queue cannot be read. */
async function queueOf(connection: Connection, object: SkyObject): Promise<Queue | undefined> {
  if ((object.kind !== 'Job' && object.kind !== 'Deployment') || !object.status.queue) return undefined;
  try {
    return await connection.api('Queue').get(object.status.queue.name);
  } catch {
    return undefined;
  }
}
