/**
 * skym up: Sky Manager on its embedded defaults in one process — the API server (lowdb under
 * ~/.skym), the controller manager, and a LOCAL cluster named `local` that runs replicas on this
 * machine — so that on a fresh machine `skym up`, then `skym create job hello --resources cpu 1
 * --run "echo Sky!"` runs real work. Stops everything on SIGTERM or SIGINT; replicas that still
 * run are adopted by the next `skym up`.
 *
 * With --token-auth-file the API requires tokens, and the controller manager inside `up` is a
 * client like any other: it uses the token of the file's first user in group sky:controllers
 * (and so does `up` when it registers the local cluster). The file must have one; `up` names the
 * file and stops if not. Taking it from the file, not from SKYM_TOKEN, keeps a user's own
 * (perhaps editor) token in their shell from silently becoming the controllers'.
 */
import path from 'node:path';
import { Flags, ux } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { ClusterAPI, DeploymentAPI, JobAPI } from '../../src/client/api.js';
import { SkyClient } from '../../src/client/connection.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { discoveryFlags, discoverySources } from '../discovery.js';
import { documentLimitConfig, documentLimitFlags } from '../document-limit-flags.js';
import { createControllerManager } from '../../src/controllers/manager.js';
import { AlreadyExistsError } from '../../src/domain/errors.js';
import { createLogger } from '../../src/server/logger.js';
import { GROUPS } from '../../src/server/auth/authorize.js';
import { loadTokenFile, type TokenTable } from '../../src/server/auth/token-file.js';
import { skyletTokenFile, TOKEN_AUTH_FILE_DESCRIPTION } from '../flags.js';
import { runApi } from '../../src/server/run-api.js';
import { newSkyletToken, readSkyletTokenFile } from '../../src/domain/skylet-token.js';
import { stopSignal } from '../stop-signal.js';
import { websocketLimitConfig, websocketLimitFlags } from '../websocket-limit-flags.js';

const LOCAL_CLUSTER = 'local';

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

  static override flags = {
    host: Flags.string({ description: 'Address the API listens on. Default: 127.0.0.1.' }),
    port: Flags.integer({ min: 0, max: 65_535, description: 'API port; 0 picks a free one. Default: 50051.' }),
    'data-dir': Flags.string({ description: 'Where the store and the local cluster keep their files. Default: ~/.skym.' }),
    'repair-data-dir': Flags.boolean({
      description:
        'Start even if the lowdb data directory has lost acknowledged writes (the server refuses otherwise, naming them): keep what is intact, log what is dropped, rewrite the directory. Default: $SKYM_REPAIR_DATA_DIR, else off.',
    }),
    'local-cluster': Flags.boolean({
      default: true,
      allowNo: true,
      description: `Register a LOCAL cluster named "${LOCAL_CLUSTER}" (this machine) if it does not exist.`,
    }),
    'token-auth-file': Flags.string({
      helpValue: 'FILE',
      description: `${TOKEN_AUTH_FILE_DESCRIPTION} The controllers use the token of the file's first user in group ${GROUPS.controllers}, which it must have.`,
    }),
    'skylet-token-file': skyletTokenFile,
    ...websocketLimitFlags,
    ...documentLimitFlags,
    ...discoveryFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Up);
    let config;
    try {
      config = loadConfig({
        host: flags.host,
        port: flags.port,
        dataDir: flags['data-dir'],
        repairDataDir: flags['repair-data-dir'],
        logLevel: flags['log-level'],
        tokenAuthFile: flags['token-auth-file'],
        skyletTokenFile: flags['skylet-token-file'],
        ...documentLimitConfig(flags),
        ...websocketLimitConfig(flags),
      });
    } catch (error) {
      if (error instanceof ConfigError) this.error(error.message, { exit: 2 });
      throw error;
    }
    const logger = createLogger(config.logLevel);
    const tokens = config.tokenAuthFile === undefined ? undefined : await loadTokenFile(config.tokenAuthFile);
    const apiToken = tokens && controllersToken(tokens, config.tokenAuthFile!);
    // Both ends of the Skylet endpoint run here: without a file they share a random token, so
    // the local endpoint answers only this API server.
    const skyletToken = config.skyletTokenFile === undefined ? newSkyletToken() : await readSkyletTokenFile(config.skyletTokenFile);

    const api = await step('Starting the API server', () => runApi(config, logger, { tokens, skyletToken }), (started) => started.url);
    const controllers = createControllerManager({
      apiUrl: api.url,
      apiToken,
      skyletToken,
      stateDir: path.join(config.dataDir, 'clusters'),
      logger,
      discovery: discoverySources(flags),
    });
    try {
      await step('Starting the controller manager', () => controllers.start());
      const client = new SkyClient({ url: api.url, token: apiToken });
      try {
        if (flags['local-cluster']) {
          await step(`Registering the local cluster "${LOCAL_CLUSTER}"`, () => ensureLocalCluster(new ClusterAPI({ client })), (created) =>
            created ? 'created' : 'already registered',
          );
        }
      } finally {
        await client.close();
      }
    } catch (error) {
      await controllers.stop().catch(() => undefined);
      await api.stop().catch(() => undefined);
      throw error;
    }

    this.log(`Sky Manager is up. API and GraphiQL: ${api.url}`);
    this.log(`Try: ${this.config.bin} create job hello --resources cpu 1 --run "echo Sky!"`);

    const signal = await stopSignal();
    logger.info({ signal }, 'stopping');
    const stillRunning = flags['local-cluster'] ? await localWorkloads(api.url, apiToken).catch(() => []) : [];
    await controllers.stop();
    await api.stop();
    if (stillRunning.length > 0) {
      this.log(
        `The local cluster's replicas of ${stillRunning.join(', ')} keep running: they belong to the cluster, and the next ${this.config.bin} up adopts them. ` +
          `To stop them, delete their workloads first (${this.config.bin} delete job NAME -n NAMESPACE) while Sky Manager is up.`,
      );
    }
  }
}

/**
 * Runs one start-up step behind a progress line. The line is ended on failure too: oclif holds
 * back what is printed while a progress line is open, so the error would otherwise never show.
 */
async function step<T>(title: string, run: () => Promise<T>, done: (result: T) => string | undefined = () => undefined): Promise<T> {
  ux.action.start(title);
  try {
    const result = await run();
    ux.action.stop(done(result));
    return result;
  } catch (error) {
    ux.action.stop('failed');
    throw error;
  }
}

/** `kind namespace/name` of each workload with replicas placed on the local cluster that may still run. */
async function localWorkloads(url: string, token: string | undefined): Promise<string[]> {
  const client = new SkyClient({ url, token });
  try {
    const lists = await Promise.all([new JobAPI({ client }).list({ allNamespaces: true }), new DeploymentAPI({ client }).list({ allNamespaces: true })]);
    return lists.flatMap((list) =>
      list.items
        .filter((o) => o.status.phase !== 'COMPLETED' && o.status.phase !== 'FAILED')
        .filter((o) => o.status.placements.some((p) => p.cluster === LOCAL_CLUSTER && p.replicas > 0))
        .map((o) => `${o.kind.toLowerCase()} ${o.metadata.namespace}/${o.metadata.name}`),
    );
  } finally {
    await client.close();
  }
}

/** The token of the file's first user in group sky:controllers, for the controllers `up` runs. */
function controllersToken(tokens: TokenTable, path: string): string {
  for (const [token, user] of tokens) if (user.groups.includes(GROUPS.controllers)) return token;
  throw new Error(
    `token file ${path} has no user in group ${GROUPS.controllers}; skym up runs the controllers and needs one for them, e.g. a line: <random token>,sky-controllers,sky-controllers,${GROUPS.controllers}`,
  );
}

/** Creates the `local` cluster unless it exists; true when it was created now. */
async function ensureLocalCluster(clusters: ClusterAPI): Promise<boolean> {
  try {
    await clusters.create({ metadata: { name: LOCAL_CLUSTER }, spec: { manager: 'LOCAL' } });
    return true;
  } catch (error) {
    if (error instanceof AlreadyExistsError) return false;
    throw error;
  }
}
