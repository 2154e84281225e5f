/**
 * `skym up`'s configuration: an API server, the controller manager as its client, and whether to
 * register the LOCAL cluster. The controllers keep their files under the API server's data
 * directory, so one --data-dir holds everything `up` writes.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadApiServerConfig, type ApiServerConfig, type ApiServerConfigKey } from './api-server.js';
import { CONTROLLER_MANAGER_ENV_KEYS, EmbeddedControllersSchema, type EmbeddedControllersConfig } from './controller-manager.js';
import { CLUSTERS_DIR } from './defaults.js';
import { loadConfig, type ConfigValues } from './load.js';

export interface UpConfig {
  readonly apiServer: ApiServerConfig;
  readonly controllers: EmbeddedControllersConfig;
  /** Register a LOCAL cluster named UP_LOCAL_CLUSTER unless it exists. */
  readonly localCluster: boolean;
}

export const UP_LOCAL_CLUSTER = 'local';

export type UpConfigValues = ConfigValues<'localCluster' | 'discover' | 'slurmClusters'> & { apiServer: ConfigValues<ApiServerConfigKey> };

export function loadUpConfig(values: UpConfigValues, env: NodeJS.ProcessEnv = process.env): UpConfig {
  const apiServer = loadApiServerConfig(values.apiServer, env);
  const controllers = loadConfig(
    EmbeddedControllersSchema,
    CONTROLLER_MANAGER_ENV_KEYS,
    {
      stateDir: join(apiServer.dataDir, CLUSTERS_DIR),
      logLevel: apiServer.logLevel,
      skyletTokenFile: apiServer.skyletTokenFile,
      discover: values.discover,
      slurmClusters: values.slurmClusters,
    },
    env,
  );
  return Object.freeze({ apiServer, controllers, localCluster: z.boolean().default(true).parse(values.localCluster) });
}
