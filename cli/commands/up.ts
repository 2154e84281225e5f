/**
 * skym up: Sky Manager on its embedded defaults in one process (src/roots/up.ts: the API server,
 * the controller manager and a LOCAL cluster), so that on a fresh machine `skym up`, then `skym
 * create job hello --resources cpu 1 --run "echo Sky!"` runs real work. Stops everything on
 * SIGTERM or SIGINT; replicas that still run are adopted by the next `skym up`.
 */
import { ux } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { API_SERVER_CONFIG_KEYS } from '../../src/config/api-server.js';
import { loadUpConfig } from '../../src/config/up.js';
import { startUp, type Step } from '../../src/roots/up.js';
import { configValues, upFlags } from '../process-flags.js';
import { stopSignal } from '../stop-signal.js';

export default class Up extends BaseCommand {
  static override description =
    'Run Sky Manager on this machine: the API server, the controller manager and a local cluster, in one process.';

  static override enableJsonFlag = false;

  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up --port 8080 --data-dir /tmp/skym',
    '<%= config.bin %> up --no-local-cluster',
    '<%= config.bin %> up --host 0.0.0.0 --token-auth-file ~/.skym/tokens.csv',
  ];

  static override flags = upFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(Up);
    const config = this.configure(() =>
      loadUpConfig({ apiServer: configValues(flags, API_SERVER_CONFIG_KEYS), ...configValues(flags, ['localCluster', 'discover', 'slurmClusters']) }),
    );
    const up = await startUp(config, { step });
    this.log(`Sky Manager is up. API and GraphiQL: ${up.url}`);
    this.log(`Try: ${this.config.bin} create job hello --resources cpu 1 --run "echo Sky!"`);

    const stillRunning = await up.stop(await stopSignal());
    if (stillRunning.length > 0) {
      this.log(
        `The local cluster's replicas of ${stillRunning.join(', ')} keep running: they belong to the cluster, and the next ${this.config.bin} up adopts them. ` +
          `To stop them, delete their workloads first (${this.config.bin} delete job NAME -n NAMESPACE) while Sky Manager is up.`,
      );
    }
  }
}

/**
 * One start-up step behind a progress line. The line is ended on failure too: oclif holds back
 * what is printed while a progress line is open, so the error would otherwise never show.
 */
const step: Step = async (title, run, done = () => undefined) => {
  ux.action.start(title);
  try {
    const result = await run();
    ux.action.stop(done(result));
    return result;
  } catch (error) {
    ux.action.stop('failed');
    throw error;
  }
};
