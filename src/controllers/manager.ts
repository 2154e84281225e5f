/**
 * The controller manager: a client of the API like any other (it never touches the store), so it
 * runs inside `skym up` or as its own process (`skym controllers --api URL`). It wires the shared
 * caches, the scheduler controller and the Skylet controller, and starts the controllers only
 * once every cache has synced, so no reconcile acts on a half-listed world.
 */
import pino from 'pino';
import { SkyClient } from '../client/connection.js';
import { SharedCaches } from './caches.js';
import { SchedulerController } from './scheduler-controller.js';
import { SkyletController } from './skylet-controller.js';

export interface ControllerManagerOptions {
  apiUrl: string;
  /** Where cluster managers keep their files (local replicas' state and logs). */
  stateDir: string;
  logger: pino.Logger;
  probeIntervalMs?: number;
  statusIntervalMs?: number;
}

export interface ControllerManager {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createControllerManager(options: ControllerManagerOptions): ControllerManager {
  const { apiUrl, stateDir, logger } = options;
  const client = new SkyClient({ url: apiUrl });
  const caches = new SharedCaches(client, logger);
  const scheduler = new SchedulerController({ caches, logger });
  const skylets = new SkyletController({
    caches,
    stateDir,
    logger,
    probeIntervalMs: options.probeIntervalMs,
    statusIntervalMs: options.statusIntervalMs,
  });
  return {
    async start() {
      await caches.start();
      scheduler.start();
      skylets.start();
    },
    async stop() {
      await skylets.stop();
      await scheduler.stop();
      await caches.stop();
      await client.close();
    },
  };
}
