/**
 * Starts the API server the way `skym server` and `skym up` both do: open the configured store,
 * build the app, listen; `stop()` undoes it in reverse order.
 */
import type { Config } from '../config.js';
import { buildApp } from './app.js';
import { loadTokenFile, type TokenTable } from './auth/token-file.js';
import type { Logger } from './logger.js';
import { openStore } from './open-store.js';

export interface RunningApi {
  /** http://HOST:PORT/graphql, with the real port when configured as 0. */
  url: string;
  stop(): Promise<void>;
}

/**
 * `tokens`: the token file already read (skym up reads it to find its controllers' token);
 * otherwise it is read here from config.tokenAuthFile. A malformed file fails before the store
 * opens, naming the file and line.
 */
export async function runApi(config: Config, logger: Logger, tokens?: TokenTable): Promise<RunningApi> {
  if (config.tokenAuthFile !== undefined) tokens ??= await loadTokenFile(config.tokenAuthFile);
  const store = await openStore(config, logger);
  const app = buildApp({ config, store, logger, tokens });
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
