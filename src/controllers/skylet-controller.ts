/**
 * The Skylet controller: one Skylet per Cluster object, started when the cluster appears,
 * restarted when its spec changes (a new generation: another kubeconfig context, other local
 * slots), stopped when the cluster is deleted or (sharded over replicas) is no longer this one's.
 */
import type pino from 'pino';
import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import { Controller } from './controller.js';
import type { Cluster } from '../domain/types.js';
import { Skylet, type SkyletOptions } from './skylet.js';

/** What the controller needs of a Skylet; tests hand in their own. */
export type SkyletLike = Pick<Skylet, 'name' | 'start' | 'stop' | 'logs'>;

export interface SkyletControllerOptions extends SkyletOptions {
  /** Makes the Skylet of a cluster; default a real one. */
  createSkylet?: (cluster: Cluster, options: SkyletOptions) => SkyletLike;
  /**
   * Whether this replica runs the cluster's Skylet (skylet-shards.ts); default every cluster. Call
   * enqueue(cluster) when the answer changes.
   */
  owns?: (cluster: string) => boolean;
}

export class SkyletController {
  private readonly skylets = new Map<string, { skylet: SkyletLike; generation: number }>();
  /** Clusters whose Skylet is being stopped. */
  private readonly stopping = new Set<string>();
  private readonly controller: Controller;
  private readonly logger: pino.Logger;

  constructor(private readonly options: SkyletControllerOptions) {
    const { listers } = options;
    this.logger = options.logger.child({ controller: 'skylet' });
    this.controller = new Controller({
      name: 'skylet',
      logger: this.logger,
      workers: 1,
      reconcile: (name) => this.reconcile(name),
      listKeys: () => listers.clusters.list().map((c) => c.metadata.name),
      resyncIntervalMs: CONTROLLER_DEFAULTS.resyncIntervalMs,
    });
    const enqueue = (c: { metadata: { name: string } }) => this.controller.enqueue(c.metadata.name);
    listers.clusters.on('add', enqueue).on('update', enqueue).on('delete', enqueue);
  }

  start(): void {
    this.logger.info('Executing Skylet controller - Manages launching and terminating Skylets for clusters.');
    for (const c of this.options.listers.clusters.list()) this.controller.enqueue(c.metadata.name);
    this.controller.start();
  }

  /** Looks at the cluster again (its owner may have changed). */
  enqueue(cluster: string): void {
    this.controller.enqueue(cluster);
  }

  /** Whether a Skylet of the cluster runs here, stopping included. */
  runs(cluster: string): boolean {
    return this.skylets.has(cluster) || this.stopping.has(cluster);
  }

  /** The running Skylet of a cluster, if any. */
  skylet(cluster: string): SkyletLike | undefined {
    return this.skylets.get(cluster)?.skylet;
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await Promise.all([...this.skylets.values()].map(({ skylet }) => skylet.stop()));
    this.skylets.clear();
  }

  private async reconcile(name: string): Promise<void> {
    const found = this.options.listers.clusters.get(name);
    const cluster = found && (this.options.owns?.(name) ?? true) ? found : undefined;
    const running = this.skylets.get(name);
    if (running && cluster && running.generation === cluster.metadata.generation) return;
    if (running) {
      this.skylets.delete(name);
      this.stopping.add(name);
      try {
        await running.skylet.stop();
      } finally {
        this.stopping.delete(name);
      }
    }
    if (!cluster) return;
    const { createSkylet = (c, options) => new Skylet(c, options) } = this.options;
    const skylet = createSkylet(cluster, this.options);
    this.skylets.set(name, { skylet, generation: cluster.metadata.generation });
    await skylet.start(cluster);
  }
}
