/**
 * The controller manager process (`skym controllers`, and the controller half of `skym up`):
 * reads the Skylet token file, builds the discovery sources and starts the controller manager
 * (src/controllers/manager.ts) against the configured API, and its /metrics on their own port
 * (src/metrics/metrics-server.ts) unless the caller serves them (skym up: on the API server's).
 */
import { hostname } from 'node:os';
import { leaderElectionTimings, type ControllerManagerConfig } from '../config/controller-manager.js';
import { createControllerManager } from '../controllers/manager.js';
import { readSkyletTokenFile } from '../domain/skylet-token.js';
import { createLogger, type Logger } from '../server/logger.js';
import { discoverySources } from './discovery.js';
import type { Registry } from 'prom-client';
import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { createMetricsServer } from '../metrics/metrics-server.js';

export interface RunningControllerManager {
  /** `http://host:port` of the Skylet endpoint. */
  readonly skyletEndpoint: string;
  /** `http://host:port/metrics`; undefined when the caller serves the metrics (deps.metricsRegistry). */
  readonly metricsUrl?: string;
  /** Logs why (the signal) and stops. */
  stop(reason?: string): Promise<void>;
}

export interface ControllerManagerDeps {
  /** Default: a logger at config.logLevel. */
  logger?: Logger;
  /** The Skylet token (skym up shares one with its API server); otherwise read from config.skyletTokenFile. */
  skyletToken?: string;
  /** A registry the caller serves (skym up: its API server's /metrics); then no metrics server starts here. */
  metricsRegistry?: Registry;
}

/** The metrics endpoint is optional in the config: skym up has none (its API server serves them). */
export type ControllerManagerStartConfig = Omit<ControllerManagerConfig, 'metricsHost' | 'metricsPort'> & Partial<Pick<ControllerManagerConfig, 'metricsHost' | 'metricsPort'>>;

/** A start that fails stops what it started, then throws. */
export async function startControllerManager(config: ControllerManagerStartConfig, deps: ControllerManagerDeps = {}): Promise<RunningControllerManager> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const skyletToken = deps.skyletToken ?? (config.skyletTokenFile === undefined ? undefined : await readSkyletTokenFile(config.skyletTokenFile));
  const metricsRegistry = deps.metricsRegistry ?? createMetricsRegistry();
  const metricsServer =
    deps.metricsRegistry === undefined
      ? createMetricsServer({
          registry: metricsRegistry,
          host: config.metricsHost ?? CONTROLLER_DEFAULTS.metricsHost,
          port: config.metricsPort ?? CONTROLLER_DEFAULTS.metricsPort,
          logger: logger.child({ component: 'metrics' }),
        })
      : undefined;
  const manager = createControllerManager({
    metricsRegistry,
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
    // First, so a port in use fails the start before any controller acts.
    await metricsServer?.start();
    await manager.start();
  } catch (error) {
    await manager.stop().catch(() => undefined);
    await metricsServer?.stop().catch(() => undefined);
    throw error;
  }
  return {
    skyletEndpoint: manager.skyletEndpoint,
    metricsUrl: metricsServer?.url,
    async stop(reason) {
      if (reason !== undefined) logger.info({ signal: reason }, 'stopping');
      await manager.stop();
      await metricsServer?.stop();
    },
  };
}
