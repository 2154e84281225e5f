import { Args, Flags } from '@oclif/core';
import { AuthAPI, type AccessAnswer } from '../../../src/client/index.js';
import { ApiCommand } from '../../api-command.js';
import { allNamespaces, namespace } from '../../flags.js';

export default class AuthCanI extends ApiCommand {
  static override summary = 'Say whether you may do something: yes (exit 0) or no (exit 1), as kubectl auth can-i.';

  static override description =
    'VERB is get, list, watch, create, update, delete or use (clusters); RESOURCE a plural kind (jobs, clusters), jobs/status, jobs/log or *. Namespaced resources are asked about in -n (default: your namespace), or with -A in every namespace at once.';

  static override examples = [
    '<%= config.bin %> auth can-i create jobs -n team-a',
    '<%= config.bin %> auth can-i delete jobs nightly -n team-b',
    '<%= config.bin %> auth can-i use clusters cloud',
    '<%= config.bin %> auth can-i list jobs -A',
  ];

  static override enableJsonFlag = true;

  static override args = {
    verb: Args.string({ required: true, description: 'get, list, watch, create, update, delete or use.' }),
    resource: Args.string({ required: true, description: 'jobs, deployments, clusters, …, jobs/status, jobs/log, or *.' }),
    name: Args.string({ description: 'One object of that resource.' }),
  };

  static override flags = { namespace, 'all-namespaces': allNamespaces, quiet: Flags.boolean({ char: 'q', description: 'Print nothing; answer with the exit status only.' }) };

  async run(): Promise<AccessAnswer> {
    const { args, flags } = await this.parse(AuthCanI);
    const connection = await this.connect(flags);
    const answer = await new AuthAPI({ client: connection.client }).canI({
      verb: args.verb,
      resource: args.resource,
      namespace: flags['all-namespaces'] ? undefined : connection.namespace,
      name: args.name,
    });
    if (!flags.quiet) this.out.log(answer.allowed ? 'yes' : `no (${answer.reason})`);
    if (!answer.allowed) process.exitCode = 1;
    return answer;
  }
}
