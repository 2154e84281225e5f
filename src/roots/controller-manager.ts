/**
 * The controller manager process (`skym controllers`, and the controller half of `skym up`):
 * reads the Skylet token file, builds the discovery sources and starts the controller manager
 * (src/controllers/manager.ts) against the configured API.
 */
import { hostname } from 'node:os';
import { leaderElectionTimings, type ControllerManagerConfig } from '../config/controller-manager.js';
import { createControllerManager } from '../controllers/manager.js';
import { readSkyletTokenFile } from '../domain/skylet-token.js';
import { createLogger, type Logger } from '../server/logger.js';
import { discoverySources } from './discovery.js';

export interface RunningControllerManager {
  /** `http://host:port` of the Skylet endpoint. */
  readonly skyletEndpoint: string;
  /** Logs why (the signal) and stops. */
  stop(reason?: string): Promise<void>;
}

export interface ControllerManagerDeps {
  /** Default: a logger at config.logLevel. */
  logger?: Logger;
  /** The Skylet token (skym up shares one with its API server); otherwise read from config.skyletTokenFile. */
  skyletToken?: string;
}

/** A start that fails stops what it started, then throws. */
export async function startControllerManager(config: ControllerManagerConfig, deps: ControllerManagerDeps = {}): Promise<RunningControllerManager> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const skyletToken = deps.skyletToken ?? (config.skyletTokenFile === undefined ? undefined : await readSkyletTokenFile(config.skyletTokenFile));
  const manager = createControllerManager({
    apiUrls: config.apiUrls,
    apiToken: config.apiToken,
    stateDir: config.stateDir,
    logger,
    probeIntervalMs: config.probeIntervalMs,
    statusIntervalMs: config.statusIntervalMs,
    skyletHost: config.skyletHost,
    skyletPort: config.skyletPort,
    skyletToken,
    failoverGraceMs: config.failoverGraceMs,
    discovery: discoverySources(config),
    leaderElection: config.leaderElect
      ? { identity: config.leaderElectIdentity ?? `${hostname()}_${process.pid}`, leaseName: config.leaderElectLeaseName, ...leaderElectionTimings(config) }
      : undefined,
  });
  try {
    await manager.start();
  } catch (error) {
    await manager.stop().catch(() => undefined);
    throw error;
  }
  return {
    skyletEndpoint: manager.skyletEndpoint,
    async stop(reason) {
      if (reason !== undefined) logger.info({ signal: reason }, 'stopping');
      await manager.stop();
    },
  };
}
