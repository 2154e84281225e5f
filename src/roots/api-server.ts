/**
 * The API server process (`skym server`, and the API half of `skym up`): reads the token files,
 * opens the configured store, builds the app and listens; `stop()` undoes it in reverse order.
 */
import type { ApiServerConfig } from '../config/api-server.js';
import { readSkyletTokenFile } from '../domain/skylet-token.js';
import { buildApp } from '../server/app.js';
import { oidcSettingsOf, startJwtVerifier } from '../server/auth/oidc.js';
import { loadTokenFile, type TokenTable } from '../server/auth/token-file.js';
import { createLogger, type Logger } from '../server/logger.js';
import { openStore } from '../server/open-store.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import type { Registry } from 'prom-client';

export interface RunningApiServer {
  /** http://HOST:PORT/graphql, with the real port when configured as 0. */
  url: string;
  /** Logs why (the signal) and stops. */
  stop(reason?: string): Promise<void>;
}

export interface ApiServerDeps {
  /** Default: a logger at config.logLevel. */
  logger?: Logger;
  /**
   * The token file already read (skym up reads it to find its controllers' token); otherwise it
   * is read here from config.tokenAuthFile.
   */
  tokens?: TokenTable;
  /** The Skylet token (skym up makes one); otherwise read from config.skyletTokenFile. */
  skyletToken?: string;
  /** What /metrics serves (skym up shares one with its controllers); default this process's own, with process metrics. */
  metricsRegistry?: Registry;
}

/** A malformed token file or JWKS file fails before the store opens, naming the file (and line). */
export async function startApiServer(config: ApiServerConfig, deps: ApiServerDeps = {}): Promise<RunningApiServer> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  let { tokens, skyletToken } = deps;
  if (config.tokenAuthFile !== undefined) tokens ??= await loadTokenFile(config.tokenAuthFile);
  const oidc = oidcSettingsOf(config);
  // A JWKS file is read (and checked) here, so a bad one stops the start, naming the file.
  const jwt = oidc && (await startJwtVerifier(oidc, logger));
  if (config.skyletTokenFile !== undefined) skyletToken ??= await readSkyletTokenFile(config.skyletTokenFile);
  const store = await openStore(config, logger);
  const metricsRegistry = deps.metricsRegistry ?? createMetricsRegistry();
  const app = buildApp({ config, store, logger, tokens, jwt, skyletToken, metricsRegistry });
  try {
    await app.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    url: app.url,
    async stop(reason) {
      if (reason !== undefined) logger.info({ signal: reason }, 'stopping');
      await app.stop();
      await store.close();
    },
  };
}
