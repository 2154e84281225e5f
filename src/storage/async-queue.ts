/**
 * An unbounded push/pull queue that is also an AsyncIterable: producers `push`, one consumer
 * iterates. `end()` finishes the iteration once the queue drains; `fail(err)` rejects it.
 *
 * `signal` ends the queue when it aborts (a watch whose caller went away). `onClose` runs once,
 * when the consumer is done with the queue: it drained an ended or failed queue, or called
 * `return()`. Stores hand a watcher its queue directly and unregister it there, rather than
 * wrapping the queue in a generator (`yield* queue`): a generator costs several promise hops per
 * event, once per watcher, and a thousand watchers see every event.
 */
export interface AsyncQueueOptions {
  signal?: AbortSignal;
  onClose?: () => void;
}

export class AsyncQueue<T> implements AsyncIterable<T>, AsyncIterator<T> {
  private readonly items: T[] = [];
  private waiting?: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void };
  private done = false;
  private error: unknown;
  private closed = false;
  private readonly onAbort = () => this.end();

  constructor(private readonly options: AsyncQueueOptions = {}) {
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

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

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.done) {
      this.close();
      return this.error !== undefined ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    this.items.length = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options.onClose?.();
  }

  private settleWaiting(): void {
    if (!this.waiting) return;
    const w = this.waiting;
    this.waiting = undefined;
    this.close();
    if (this.error !== undefined) w.reject(this.error);
    else w.resolve({ value: undefined, done: true });
  }
}

/** A queue that yields nothing: a watch of a closed store, or one abandoned before it began. */
export function endedQueue<T>(): AsyncQueue<T> {
  const queue = new AsyncQueue<T>();
  queue.end();
  return queue;
}

/**
 * An AsyncIterable whose iterator comes from `open`, called at the first `next()` (as a
 * generator's body would run): nothing is registered for a watch nobody iterates, and `open`'s
 * failure (GONE) rejects that first `next()`. After that, every call goes straight to the
 * opened iterator, with no layer of its own per event.
 */
export function openOnFirstNext<T>(open: () => Promise<AsyncIterator<T>> | AsyncIterator<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let opening: Promise<AsyncIterator<T>> | undefined;
      let returned = false;
      const iterator: AsyncIterator<T> = {
        next: () => {
          if (returned) return Promise.resolve({ value: undefined, done: true });
          opening ??= (async () => open())();
          return opening.then((inner) => {
            iterator.next = () => inner.next();
            iterator.return = async () => (await inner.return?.()) ?? { value: undefined, done: true };
            // Returned while opening: return() below closes it.
            return returned ? { value: undefined, done: true } : inner.next();
          });
        },
        return: async () => {
          returned = true;
          if (opening) await opening.then((inner) => inner.return?.(), () => undefined);
          return { value: undefined, done: true };
        },
      };
      return iterator;
    },
  };
}
