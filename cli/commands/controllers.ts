/**
 * skym controllers: runs the controller manager (scheduler + one Skylet per cluster) against an
 * API server until SIGTERM or SIGINT. It is a client of the API like any other, so it may run on
 * another machine than the server; cluster credentials (kubeconfigs, local state) stay here.
 */
import os from 'node:os';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { ApiCommand } from '../api-command.js';
import { loadSettings } from '../config.js';
import { loadConfig } from '../../src/config.js';
import { createControllerManager } from '../../src/controllers/manager.js';
import { createLogger } from '../../src/server/logger.js';
import { stopSignal } from '../stop-signal.js';
import { discoveryFlags, discoverySources } from '../discovery.js';
import { skyletTokenFile } from '../flags.js';
import { readSkyletTokenFile } from '../../src/domain/skylet-token.js';

export default class Controllers extends ApiCommand {
  static override description =
    'Run the controller manager: the scheduler, and a Skylet per cluster that submits, watches and cleans up replicas.';

  static override enableJsonFlag = false;

  static override examples = [
    '<%= config.bin %> controllers',
    '<%= config.bin %> controllers --api http://10.0.0.5:50051/graphql --state-dir /var/lib/skym/clusters',
    '<%= config.bin %> controllers --api http://10.0.0.5:50051/graphql --skylet-host 10.0.0.7 --skylet-port 10250',
  ];

  static override flags = {
    'state-dir': Flags.string({ description: 'Where cluster managers keep their files. Default: ~/.skym/clusters.' }),
    'probe-interval-ms': Flags.integer({ min: 50, description: 'How often each cluster reports health and capacity. Default: 2000.' }),
    'status-interval-ms': Flags.integer({ min: 50, description: "How often replica states are read back. Default: the cluster manager's own (1000). Kubernetes and local clusters also report each change as it happens, so for them this is a safety net." }),
    'skylet-host': Flags.string({
      description:
        'Address of the Skylet endpoint, through which the API server reads logs; it must reach it there. It has no authentication: bind it to a private address. Default: 127.0.0.1.',
    }),
    'skylet-port': Flags.integer({ min: 0, max: 65_535, description: 'Port of the Skylet endpoint; 0 picks a free one. Default: 0.' }),
    'failover-grace-ms': Flags.integer({
      min: 0,
      description: 'How long a cluster may stay in ERROR before its workloads are placed on other clusters. Default: 60000.',
    }),
    'skylet-token-file': skyletTokenFile,
    ...discoveryFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Controllers);
    const config = loadConfig({ logLevel: flags['log-level'], skyletTokenFile: flags['skylet-token-file'] });
    const logger = createLogger(config.logLevel);
    const skyletToken = config.skyletTokenFile === undefined ? undefined : await readSkyletTokenFile(config.skyletTokenFile);
    // The API address and token as every skym command resolves them: --api, $SKYM_API, the config
    // file, default; $SKYM_TOKEN, the config file (its user needs group sky:controllers).
    const { settings } = await loadSettings({ api: flags.api });
    const apiUrl = settings.api.value;
    const manager = createControllerManager({
      apiUrl,
      apiToken: settings.token.value || undefined,
      stateDir: flags['state-dir'] ?? path.join(os.homedir(), '.skym', 'clusters'),
      logger,
      probeIntervalMs: flags['probe-interval-ms'],
      statusIntervalMs: flags['status-interval-ms'],
      skyletHost: flags['skylet-host'],
      skyletPort: flags['skylet-port'],
      skyletToken,
      failoverGraceMs: flags['failover-grace-ms'],
      discovery: discoverySources(flags),
    });
    await manager.start();
    this.log(`Sky Manager controllers running against ${apiUrl}; Skylet endpoint ${manager.skyletEndpoint}`);
    const signal = await stopSignal();
    logger.info({ signal }, 'stopping');
    await manager.stop();
  }
}
