/**
 * The one place that turns configuration into a Store backend.
 */
import type { ApiServerConfig } from '../config/api-server.js';
import { createStore } from '../storage/create-store.js';
import type { Store } from '../storage/store.js';
import type { Logger } from './logger.js';

export function openStore(config: ApiServerConfig, logger: Logger): Promise<Store> {
  return createStore({
    kind: config.store,
    dataDir: config.dataDir,
    etcdEndpoints: [...config.etcdEndpoints],
    historyLimit: config.historyLimit,
    onError: (error) => logger.warn({ err: error }, 'store background work failed; it will retry'),
    repair: config.repairDataDir,
    onWarning: (message) => logger.warn({ dataDir: config.dataDir }, message),
  });
}
