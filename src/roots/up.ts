/**
 * `skym up`: Sky Manager on its embedded defaults in one process — the API server (lowdb under
 * ~/.skym), the controller manager, and a LOCAL cluster named `local` that runs replicas on this
 * machine. Replicas that still run when it stops are adopted by the next start.
 *
 * With a token file the API requires tokens, and the controller manager inside is a client like
 * any other: it uses the token of the file's first user in group sky:controllers (and so does
 * registering the local cluster). The file must have one; the start names the file and stops if
 * not. Taking it from the file, not from SKYM_TOKEN, keeps a user's own (perhaps editor) token in
 * their shell from silently becoming the controllers'.
 */
import { ClusterAPI, DeploymentAPI, JobAPI } from '../client/api.js';
import { SkyClient } from '../client/connection.js';
import { UP_LOCAL_CLUSTER, type UpConfig } from '../config/up.js';
import { AlreadyExistsError } from '../domain/errors.js';
import { newSkyletToken, readSkyletTokenFile } from '../domain/skylet-token.js';
import { GROUPS } from '../server/auth/authorize.js';
import { OidcConfigError, oidcSettingsOf } from '../server/auth/oidc.js';
import { loadTokenFile, type TokenTable } from '../server/auth/token-file.js';
import { createLogger } from '../server/logger.js';
import { startApiServer } from './api-server.js';
import { startControllerManager } from './controller-manager.js';
import { createMetricsRegistry } from '../metrics/registry.js';

/** Runs one start-up step; the CLI shows each behind a progress line with what `done` says of its result. */
export type Step = <T>(title: string, run: () => Promise<T>, done?: (result: T) => string | undefined) => Promise<T>;

const unannounced: Step = (_title, run) => run();

export interface RunningUp {
  /** The API's GraphQL endpoint (GraphiQL in a browser). */
  url: string;
  /**
   * Logs why (the signal) and stops the controllers, then the API server. Returns `kind
   * namespace/name` of each workload whose replicas on the local cluster keep running.
   */
  stop(reason?: string): Promise<string[]>;
}

export async function startUp(config: UpConfig, { step = unannounced }: { step?: Step } = {}): Promise<RunningUp> {
  const logger = createLogger(config.apiServer.logLevel);
  const { tokenAuthFile, skyletTokenFile } = config.apiServer;
  // The controllers inside need a token the API accepts, and no OIDC issuer gives this process one.
  if (tokenAuthFile === undefined && oidcSettingsOf(config.apiServer)) {
    throw new OidcConfigError(`skym up with --oidc-issuer needs --token-auth-file too: its controllers use the token of the file's first user in group ${GROUPS.controllers}.`);
  }
  const tokens = tokenAuthFile === undefined ? undefined : await loadTokenFile(tokenAuthFile);
  const apiToken = tokens && controllersToken(tokens, tokenAuthFile!);
  // Both ends of the Skylet endpoint run here: without a file they share a random token, so the
  // local endpoint answers only this API server.
  const skyletToken = skyletTokenFile === undefined ? newSkyletToken() : await readSkyletTokenFile(skyletTokenFile);

  // One process, one /metrics: the API server's serves the controllers' too.
  const metricsRegistry = createMetricsRegistry();
  const api = await step('Starting the API server', () => startApiServer(config.apiServer, { logger, tokens, skyletToken, metricsRegistry }), (started) => started.url);
  let controllers;
  try {
    controllers = await step('Starting the controller manager', () =>
      startControllerManager({ ...config.controllers, apiUrls: [api.url], apiToken }, { logger, skyletToken, metricsRegistry }),
    );
  } catch (error) {
    await api.stop().catch(() => undefined);
    throw error;
  }
  try {
    if (config.localCluster) {
      await step(`Registering the local cluster "${UP_LOCAL_CLUSTER}"`, () => ensureLocalCluster(api.url, apiToken), (created) =>
        created ? 'created' : 'already registered',
      );
    }
  } catch (error) {
    await controllers.stop().catch(() => undefined);
    await api.stop().catch(() => undefined);
    throw error;
  }

  return {
    url: api.url,
    async stop(reason) {
      if (reason !== undefined) logger.info({ signal: reason }, 'stopping');
      const stillRunning = config.localCluster ? await localWorkloads(api.url, apiToken).catch(() => []) : [];
      await controllers.stop();
      await api.stop();
      return stillRunning;
    },
  };
}

/** The token of the file's first user in group sky:controllers, for the controllers `up` runs. */
function controllersToken(tokens: TokenTable, path: string): string {
  for (const [token, user] of tokens) if (user.groups.includes(GROUPS.controllers)) return token;
  throw new Error(
    `token file ${path} has no user in group ${GROUPS.controllers}; skym up runs the controllers and needs one for them, e.g. a line: <random token>,sky-controllers,sky-controllers,${GROUPS.controllers}`,
  );
}

/** Creates the `local` cluster unless it exists; true when it was created now. */
export async function ensureLocalCluster(url: string, token: string | undefined): Promise<boolean> {
  const client = new SkyClient({ url, token });
  try {
    await new ClusterAPI({ client }).create({ metadata: { name: UP_LOCAL_CLUSTER }, spec: { manager: 'LOCAL' } });
    return true;
  } catch (error) {
    if (error instanceof AlreadyExistsError) return false;
    throw error;
  } finally {
    await client.close();
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
        .filter((o) => o.status.placements.some((p) => p.cluster === UP_LOCAL_CLUSTER && p.replicas > 0))
        .map((o) => `${o.kind.toLowerCase()} ${o.metadata.namespace}/${o.metadata.name}`),
    );
  } finally {
    await client.close();
  }
}
