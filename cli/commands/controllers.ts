/**
 * skym controllers: runs the controller manager (src/roots/controller-manager.ts: the scheduler
 * and one Skylet per cluster) against an API server until SIGTERM or SIGINT. It is a client of the
 * API like any other, so it may run on another machine than the server; cluster credentials
 * (kubeconfigs, local state) stay here.
 */
import { ApiCommand } from '../api-command.js';
import { loadSettings } from '../config.js';
import { durationMsOf } from '../durations.js';
import { CONTROLLER_FLAG_KEYS, loadControllerManagerConfig } from '../../src/config/controller-manager.js';
import { startControllerManager } from '../../src/roots/controller-manager.js';
import { configValues, controllerFlags } from '../process-flags.js';
import { stopSignal } from '../stop-signal.js';

export default class Controllers extends ApiCommand {
  static override description =
    'Run the controller manager: the scheduler, and a Skylet per cluster that submits, watches and cleans up replicas.';

  static override enableJsonFlag = false;

  static override examples = [
    '<%= config.bin %> controllers',
    '<%= config.bin %> controllers --api http://10.0.0.5:50051/graphql --state-dir /var/lib/skym/clusters',
    '<%= config.bin %> controllers --api http://10.0.0.5:50051/graphql --skylet-host 10.0.0.7 --skylet-port 10250',
    '<%= config.bin %> controllers --api http://10.0.0.5:50051,http://10.0.0.6:50051',
    '<%= config.bin %> controllers --api http://10.0.0.5:50051/graphql --leader-elect-identity cm-2 --lease-duration 15s --renew-deadline 10s --retry-period 2s',
  ];

  static override flags = controllerFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(Controllers);
    // The API address and token as every skym command resolves them: --api, $SKYM_API, the config
    // file, default; $SKYM_TOKEN, the config file (its user needs group sky:controllers).
    const { settings } = await loadSettings({ api: flags.api });
    const config = this.configure(() =>
      loadControllerManagerConfig({
        ...configValues(flags, CONTROLLER_FLAG_KEYS),
        leaderElectLeaseDurationMs: durationMsOf(flags, 'lease-duration'),
        leaderElectRenewDeadlineMs: durationMsOf(flags, 'renew-deadline'),
        leaderElectRetryPeriodMs: durationMsOf(flags, 'retry-period'),
        apiUrls: settings.api.value,
        apiToken: settings.token.value || undefined,
      }),
    );
    const manager = await startControllerManager(config);
    this.log(`Sky Manager controllers running against ${config.apiUrls.join(', ')}; Skylet endpoint ${manager.skyletEndpoint}; metrics ${manager.metricsUrl}`);
    await manager.stop(await stopSignal());
  }
}
