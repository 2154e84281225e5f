/**
 * Turns callbacks (graphql-ws sinks, socket events) into one AsyncIterable: producers `push`,
 * `end` or `fail`; the single consumer iterates. The first `end`/`fail` wins and later calls are
 * ignored, which is what lets several sources race to finish a subscription (server complete,
 * socket closed, caller aborted) without coordinating.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private finished?: { error?: unknown };
  private wake?: () => void;

  push(item: T): void {
    if (this.finished) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.finish({});
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  private finish(how: { error?: unknown }): void {
    if (this.finished) return;
    this.finished = how;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      // Items pushed before a failure are still delivered: they happened before it.
      while (this.items.length > 0) yield this.items.shift() as T;
      if (this.finished) {
        if ('error' in this.finished) throw this.finished.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
