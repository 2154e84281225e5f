/**
 * Subscriptions end when the client says so (graphql-ws `complete`, a closed socket): the
 * transport calls `return()` on the iterator. An async generator that is waiting for its next
 * store event cannot run `return()` until that event comes, which on a quiet kind may be never,
 * so the store watch would leak. `abortable` hands the producer an AbortSignal and aborts it
 * first thing in `return()`; the producer's store watch ends, and the generator finishes.
 *
 * (There is no in-process pubsub: the Store's watch is the event bus, so watchers see writes
 * from every API server replica sharing an etcd, not just this process's.)
 */
export function abortable<T>(start: (signal: AbortSignal) => AsyncIterable<T>): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const inner = start(controller.signal)[Symbol.asyncIterator]();
  return {
    next: () => inner.next(),
    async return(value?: unknown) {
      controller.abort();
      await inner.return?.(value);
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      controller.abort();
      if (inner.throw) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
