/**
 * The Skylet controller: one Skylet per Cluster object, started when the cluster appears,
 * restarted when its spec changes (a new generation: another kubeconfig context, other local
 * slots), stopped when the cluster is deleted.
 */
import type pino from 'pino';
import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import { Controller } from './controller.js';
import { Skylet, type SkyletOptions } from './skylet.js';

export class SkyletController {
  private readonly skylets = new Map<string, { skylet: Skylet; generation: number }>();
  private readonly controller: Controller;
  private readonly logger: pino.Logger;

  constructor(private readonly options: SkyletOptions) {
    const { caches } = options;
    this.logger = options.logger.child({ controller: 'skylet' });
    this.controller = new Controller({
      name: 'skylet',
      logger: this.logger,
      workers: 1,
      reconcile: (name) => this.reconcile(name),
      listKeys: () => caches.clusters.list().map((c) => c.metadata.name),
      resyncIntervalMs: CONTROLLER_DEFAULTS.resyncIntervalMs,
    });
    const enqueue = (c: { metadata: { name: string } }) => this.controller.enqueue(c.metadata.name);
    caches.clusters.on('add', enqueue).on('update', enqueue).on('delete', enqueue);
  }

  start(): void {
    this.logger.info('Executing Skylet controller - Manages launching and terminating Skylets for clusters.');
    for (const c of this.options.caches.clusters.list()) this.controller.enqueue(c.metadata.name);
    this.controller.start();
  }

  /** The running Skylet of a cluster, if any. */
  skylet(cluster: string): Skylet | undefined {
    return this.skylets.get(cluster)?.skylet;
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await Promise.all([...this.skylets.values()].map(({ skylet }) => skylet.stop()));
    this.skylets.clear();
  }

  private async reconcile(name: string): Promise<void> {
    const cluster = this.options.caches.clusters.get(name);
    const running = this.skylets.get(name);
    if (running && cluster && running.generation === cluster.metadata.generation) return;
    if (running) {
      this.skylets.delete(name);
      await running.skylet.stop();
    }
    if (!cluster) return;
    const skylet = new Skylet(cluster, this.options);
    this.skylets.set(name, { skylet, generation: cluster.metadata.generation });
    await skylet.start(cluster);
  }
}
