/**
 * skym server: runs the API server until SIGTERM or SIGINT, then stops gracefully (open
 * subscriptions end, the store is closed). Prints one line to stdout once it listens, with the
 * real port when --port 0 asked for a free one:
 *
 *   Sky Manager API listening on http://127.0.0.1:50051/graphql
 */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { ConfigError, loadConfig, STORE_KINDS } from '../../src/config.js';
import { createLogger } from '../../src/server/logger.js';
import { runApi } from '../../src/server/run-api.js';
import { skyletTokenFile, tokenAuthFile } from '../flags.js';
import { stopSignal } from '../stop-signal.js';
import { documentLimitConfig, documentLimitFlags } from '../document-limit-flags.js';
import { websocketLimitConfig, websocketLimitFlags } from '../websocket-limit-flags.js';

export default class Server extends BaseCommand {
  static override description = 'Run the Sky Manager API server: GraphQL over HTTP and WebSocket at /graphql (GraphiQL in a browser).';

  static override enableJsonFlag = false;

  static override examples = [
    '<%= config.bin %> server',
    '<%= config.bin %> server --port 8080 --data-dir /var/lib/skym',
    '<%= config.bin %> server --store etcd --etcd-endpoints http://10.0.0.1:2379,http://10.0.0.2:2379',
    '<%= config.bin %> server --host 0.0.0.0 --token-auth-file /etc/skym/tokens.csv',
  ];

  static override flags = {
    host: Flags.string({ description: 'Address to listen on. Default: 127.0.0.1.' }),
    port: Flags.integer({ min: 0, max: 65_535, description: 'Port to listen on; 0 picks a free one. Default: 50051.' }),
    'data-dir': Flags.string({ description: 'Where the lowdb store keeps its files. Default: ~/.skym.' }),
    'repair-data-dir': Flags.boolean({
      description:
        'Start even if the lowdb data directory has lost acknowledged writes (the server refuses otherwise, naming them): keep what is intact, log what is dropped, rewrite the directory. Default: $SKYM_REPAIR_DATA_DIR, else off.',
    }),
    store: Flags.option({ options: STORE_KINDS, description: 'Store backend. Default: lowdb.' })(),
    'etcd-endpoints': Flags.string({ description: 'Comma-separated etcd URLs, for --store etcd. Default: http://127.0.0.1:2379.' }),
    'history-limit': Flags.integer({ min: 1, description: 'Events kept for watch resumption (lowdb, memory). Default: 10000.' }),
    'bookmark-interval-ms': Flags.integer({ min: 10, description: 'How often idle watches get a BOOKMARK. Default: 5000.' }),
    ...documentLimitFlags,
    ...websocketLimitFlags,
    'token-auth-file': tokenAuthFile,
    'skylet-token-file': skyletTokenFile,
    'skylet-allow-link-local': Flags.boolean({
      description: 'Read logs from Skylet endpoints at link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, …) too. Default: refused.',
    }),
    'cors-allowed-origins': Flags.string({
      description:
        'Comma-separated origins whose web pages may call the API from a browser (CORS), e.g. https://tools.example.com; * for any. Default: $SKYM_CORS_ALLOWED_ORIGINS, else none.',
      helpValue: 'ORIGINS',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Server);
    let config;
    try {
      config = loadConfig({
        host: flags.host,
        port: flags.port,
        dataDir: flags['data-dir'],
        repairDataDir: flags['repair-data-dir'],
        store: flags.store,
        etcdEndpoints: flags['etcd-endpoints'],
        historyLimit: flags['history-limit'],
        bookmarkIntervalMs: flags['bookmark-interval-ms'],
        ...documentLimitConfig(flags),
        ...websocketLimitConfig(flags),
        logLevel: flags['log-level'],
        tokenAuthFile: flags['token-auth-file'],
        skyletTokenFile: flags['skylet-token-file'],
        skyletAllowLinkLocal: flags['skylet-allow-link-local'] || undefined,
        corsAllowedOrigins: flags['cors-allowed-origins'],
      });
    } catch (error) {
      if (error instanceof ConfigError) this.error(error.message, { exit: 2 });
      throw error;
    }

    const logger = createLogger(config.logLevel);
    const api = await runApi(config, logger);
    this.log(`Sky Manager API listening on ${api.url}`);

    const signal = await stopSignal();
    logger.info({ signal }, 'stopping');
    await api.stop();
  }
}
