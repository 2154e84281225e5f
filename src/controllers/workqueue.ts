/**
 * A work queue of keys in the style of client-go's rate-limited workqueue:
 * - a key is queued at most once, however many events name it (handlers only enqueue keys);
 * - a key being processed is never handed to a second worker; if it is added meanwhile it is
 *   processed again after `done`, so no change is lost;
 * - `addRateLimited` re-queues after a per-key exponential backoff (5 ms doubling to 1000 s,
 *   reset by `forget`), so a failing reconcile does not hot-loop;
 * - `addAfter` re-queues after a fixed delay (periodic resync, wait timeouts); a key waits on one
 *   timer at most, and the earlier wake-up wins (client-go's delaying queue). Otherwise every
 *   extra add of a self-requeueing key (a pushed status change) would start one more periodic
 *   chain of its own, for good.
 */
export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable for tests. */
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void } | unknown;
}

export class WorkQueue<K extends string = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  /** The one pending delayed add per key, by when it is due. */
  private readonly delayed = new Map<K, { readyAt: number }>();
  private readonly waiters: Array<(key: K | undefined) => void> = [];
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly setTimer: NonNullable<WorkQueueOptions['setTimer']>;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.setTimer =
      options.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-queued by done()
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const readyAt = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.readyAt <= readyAt) return; // an earlier wake-up is already set
    const entry = { readyAt };
    this.delayed.set(key, entry);
    this.setTimer(() => {
      if (this.delayed.get(key) !== entry) return; // superseded by an earlier one
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
  }

  addRateLimited(key: K): void {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    this.addAfter(key, this.backoff(failures));
  }

  /** The delay after `failures` earlier failures of one key. */
  private backoff(failures: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(failures, 40));
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  /** The next key to process, or undefined once the queue shuts down. Pair with `done(key)`. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  get length(): number {
    return this.queue.length;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
