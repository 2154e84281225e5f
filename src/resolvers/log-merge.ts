/**
 * How the logs of several clusters become one answer: a query returns each cluster's lines
 * together, replica by replica (groupByReplica); a subscription passes lines on as they arrive
 * from any cluster (interleave).
 */

/**
 * The lines with replica 0's first, then replica 1's, …, each replica's in the order read (the
 * sort is stable). Skylets already send them so; the API does not rely on it.
 */
export function groupByReplica<T extends { replica: number }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) => a.replica - b.replica);
}

/**
 * The items of every source in the order they arrive; ends when every source has ended. A source
 * that throws makes the whole merge throw, so callers that want the others to go on catch inside
 * each source. Leaving early asks each unfinished source to return without waiting for it: a
 * source blocked on its next item ends only when its own abort signal ends it.
 */
export async function* interleave<T>(sources: readonly AsyncIterable<T>[]): AsyncGenerator<T> {
  type Settled = { index: number; result: IteratorResult<T> };
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<Settled>>();
  const pull = (index: number) => pending.set(index, iterators[index].next().then((result) => ({ index, result })));
  iterators.forEach((_, index) => pull(index));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    for (const [index, next] of pending) {
      next.catch(() => undefined); // nobody awaits it any more
      iterators[index].return?.().catch(() => undefined);
    }
  }
}
