/**
 * skym server: runs the API server (src/roots/api-server.ts) until SIGTERM or SIGINT, then stops
 * gracefully (open subscriptions end, the store is closed). Prints one line to stdout once it
 * listens, with the real port when --port 0 asked for a free one:
 *
 *   Sky Manager API listening on http://127.0.0.1:50051/graphql
 */
import { BaseCommand } from '../base-command.js';
import { API_SERVER_CONFIG_KEYS, loadApiServerConfig } from '../../src/config/api-server.js';
import { startApiServer } from '../../src/roots/api-server.js';
import { configValues, serverFlags } from '../process-flags.js';
import { stopSignal } from '../stop-signal.js';

export default class Server extends BaseCommand {
  static override description = 'Run the Sky Manager API server: GraphQL over HTTP and WebSocket at /graphql (GraphiQL in a browser).';

  static override enableJsonFlag = false;

  static override examples = [
    '<%= config.bin %> server',
    '<%= config.bin %> server --port 8080 --data-dir /var/lib/skym',
    '<%= config.bin %> server --store etcd --etcd-endpoints http://10.0.0.1:2379,http://10.0.0.2:2379',
    '<%= config.bin %> server --host 0.0.0.0 --token-auth-file /etc/skym/tokens.csv',
    '<%= config.bin %> server --host 0.0.0.0 --oidc-issuer https://accounts.example.com --oidc-audience sky-manager --oidc-jwks https://accounts.example.com/.well-known/jwks.json',
  ];

  static override flags = serverFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(Server);
    const config = this.configure(() => loadApiServerConfig(configValues(flags, API_SERVER_CONFIG_KEYS)));
    const api = await startApiServer(config);
    this.log(`Sky Manager API listening on ${api.url}`);
    await api.stop(await stopSignal());
  }
}
