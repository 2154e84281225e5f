/**
 * An unbounded push/pull queue that is also an AsyncIterable: producers `push`, one consumer
 * iterates. `end()` finishes the iteration once the queue drains; `fail(err)` rejects it.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting?: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void };
  private done = false;
  private error: unknown;

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  end(): void {
    this.done = true;
    this.settleWaiting();
  }

  fail(error: unknown): void {
    this.error = error;
    this.done = true;
    this.settleWaiting();
  }

  get size(): number {
    return this.items.length;
  }

  private settleWaiting(): void {
    if (!this.waiting) return;
    const w = this.waiting;
    this.waiting = undefined;
    if (this.error !== undefined) w.reject(this.error);
    else w.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.done) {
          return this.error !== undefined ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
      },
      return: () => {
        this.end();
        this.items.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
