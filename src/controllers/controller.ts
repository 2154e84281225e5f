/**
 * The controller pattern (kubernetes/sample-controller): event sources only enqueue keys; N
 * workers take keys from a WorkQueue and call `reconcile(key)`, which reads desired and observed
 * state and makes one step towards the desired one. Success forgets the key's backoff; a thrown
 * error re-queues it rate-limited; a returned `requeueAfterMs` schedules a later look (timeouts,
 * polling). A periodic resync re-enqueues every key so a missed event cannot hide a change.
 */
import type { Logger } from 'pino';
import { boundTo } from './log-fields.js';
import { WorkQueue } from './workqueue.js';

export interface ReconcileResult {
  /** Look at this key again after this long even if nothing changes. */
  requeueAfterMs?: number;
}

export interface ControllerOptions {
  name: string;
  reconcile: (key: string) => Promise<ReconcileResult | void>;
  /** Every key that currently exists, for the periodic resync. */
  listKeys?: () => string[];
  resyncIntervalMs?: number;
  workers?: number;
  logger: Logger;
  queue?: WorkQueue;
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly workers: Promise<void>[] = [];
  private resyncTimer?: NodeJS.Timeout;
  private running = false;
  /** Its lines say which controller, once (the scheduler's logger has `controller` bound already). */
  private readonly logger: Logger;

  constructor(private readonly options: ControllerOptions) {
    this.queue = options.queue ?? new WorkQueue();
    this.logger = boundTo(options.logger, { controller: options.name });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Starts the workers; call once the caches the reconcile reads have synced. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const count = this.options.workers ?? 2;
    for (let i = 0; i < count; i++) this.workers.push(this.runWorker());
    const { listKeys, resyncIntervalMs } = this.options;
    if (listKeys && resyncIntervalMs) {
      this.resyncTimer = setInterval(() => listKeys().forEach((k) => this.queue.add(k)), resyncIntervalMs);
      this.resyncTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.resyncTimer);
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processItem(key);
    }
  }

  private async processItem(key: string): Promise<void> {
    try {
      const result = await this.options.reconcile(key);
      this.queue.forget(key);
      if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      const retries = this.queue.numRequeues(key);
      this.logger.warn({ key, retries, err: errorMessage(error) }, `reconcile of ${key} failed; retrying`);
      this.queue.addRateLimited(key);
    } finally {
      this.queue.done(key);
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
