import { AuthAPI, type UserInfo } from '../../../src/client/index.js';
import { ApiCommand } from '../../api-command.js';

export default class AuthWhoami extends ApiCommand {
  static override summary = 'Print who the API server takes you for: your user name and groups.';

  static override description = 'From the token skym sends ($SKYM_TOKEN, else `token` in the config file): a token file user or an OIDC identity.';

  static override examples = ['<%= config.bin %> auth whoami', '<%= config.bin %> auth whoami --json'];

  static override enableJsonFlag = true;

  async run(): Promise<UserInfo> {
    const { flags } = await this.parse(AuthWhoami);
    const { client } = await this.connect(flags);
    const me = await new AuthAPI({ client }).whoAmI();
    if (!me.authenticated) this.out.log(`The server at ${client.url} does not authenticate: everyone may do everything.`);
    else this.out.log(`User: ${me.username}\nGroups: ${me.groups.length > 0 ? me.groups.join(', ') : '(none)'}`);
    return me;
  }
}
