/**
 * Operations run one at a time, in the order they were queued, so that a poll loop and API calls
 * acting on the same state never interleave. A failure rejects only its own caller; the queue
 * goes on with the next operation.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Settles once every operation queued so far has run. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/** One serial queue per key: operations on one key never interleave, other keys do not wait. */
export class KeyedSerialQueue {
  /** Only keys with work queued: a key's tail is forgotten once it has run. */
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(operation);
    const settled = result.catch(() => undefined);
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }
}
