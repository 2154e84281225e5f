/**
 * Starts the API server the way `skym server` and `skym up` both do: open the configured store,
 * build the app, listen; `stop()` undoes it in reverse order.
 */
import type { Config } from '../config.js';
import { buildApp } from './app.js';
import { loadTokenFile, type TokenTable } from './auth/token-file.js';
import type { Logger } from './logger.js';
import { openStore } from './open-store.js';
import { readSkyletTokenFile } from '../domain/skylet-token.js';

export interface RunningApi {
  /** http://HOST:PORT/graphql, with the real port when configured as 0. */
  url: string;
  stop(): Promise<void>;
}

export interface RunApiOptions {
  /**
   * The token file already read (skym up reads it to find its controllers' token); otherwise it
   * is read here from config.tokenAuthFile.
   */
  tokens?: TokenTable;
  /** The Skylet token (skym up makes one); otherwise read from config.skyletTokenFile. */
  skyletToken?: string;
}

/** A malformed token file fails before the store opens, naming the file (and line). */
export async function runApi(config: Config, logger: Logger, options: RunApiOptions = {}): Promise<RunningApi> {
  let { tokens, skyletToken } = options;
  if (config.tokenAuthFile !== undefined) tokens ??= await loadTokenFile(config.tokenAuthFile);
  if (config.skyletTokenFile !== undefined) skyletToken ??= await readSkyletTokenFile(config.skyletTokenFile);
  const store = await openStore(config, logger);
  const app = buildApp({ config, store, logger, tokens, skyletToken });
  try {
    await app.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    url: app.url,
    async stop() {
      await app.stop();
      await store.close();
    },
  };
}
