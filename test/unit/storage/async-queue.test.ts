import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AsyncQueue, openOnFirstNext } from '../../../src/storage/async-queue.js';

describe('AsyncQueue', () => {
  it('delivers what was pushed, in order, then ends once drained and closes once', async () => {
    let closed = 0;
    const queue = new AsyncQueue<number>({ onClose: () => closed++ });
    queue.push(1);
    queue.push(2);
    queue.end();
    queue.push(3); // after end: dropped
    expect(await queue.next()).toEqual({ done: false, value: 1 });
    expect(await queue.next()).toEqual({ done: false, value: 2 });
    expect(closed).toBe(0);
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });

  it('closes when a waiting consumer is ended, failed, or returns', async () => {
    let closed = 0;
    const ended = new AsyncQueue<number>({ onClose: () => closed++ });
    const waiting = ended.next();
    ended.end();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);

    const failed = new AsyncQueue<number>({ onClose: () => closed++ });
    const failing = failed.next();
    failed.fail(new Error('gone'));
    await expect(failing).rejects.toThrow('gone');
    expect(closed).toBe(2);

    const returned = new AsyncQueue<number>({ onClose: () => closed++ });
    returned.push(1);
    await returned.return();
    expect(await returned.next()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(3);
  });
});

describe('AsyncQueue with a signal', () => {
  it('ends when the signal aborts, and stops listening once closed', async () => {
    const stop = new AbortController();
    let closed = 0;
    const queue = new AsyncQueue<number>({ signal: stop.signal, onClose: () => closed++ });
    queue.push(1);
    stop.abort();
    expect(await queue.next()).toEqual({ done: false, value: 1 });
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);

    // A long-lived signal (a server's) must not keep a listener per closed watch.
    const other = new AbortController();
    const returned = new AsyncQueue<number>({ signal: other.signal });
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    await returned.return();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
  });
});

describe('openOnFirstNext', () => {
  it('opens at the first next(), not before, and then reads the opened iterator', async () => {
    let opened = 0;
    const iterable = openOnFirstNext(() => {
      opened++;
      const queue = new AsyncQueue<string>();
      queue.push('a');
      queue.end();
      return queue;
    });
    const iterator = iterable[Symbol.asyncIterator]();
    expect(opened).toBe(0);
    expect(await iterator.next()).toEqual({ done: false, value: 'a' });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(opened).toBe(1);
  });

  it('rejects the first next() when opening fails', async () => {
    const iterator = openOnFirstNext<string>(async () => {
      throw new Error('too old');
    })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow('too old');
  });

  it('closes an iterator returned while it was still opening', async () => {
    let release!: () => void;
    let closed = 0;
    const iterator = openOnFirstNext<string>(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return new AsyncQueue<string>({ onClose: () => closed++ });
    })[Symbol.asyncIterator]();
    const first = iterator.next();
    const returning = iterator.return!();
    release();
    await returning;
    expect(await first).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });

  it('returns without opening when never read', async () => {
    let opened = 0;
    const iterator = openOnFirstNext(() => (opened++, new AsyncQueue<string>()))[Symbol.asyncIterator]();
    await iterator.return!();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(opened).toBe(0);
  });
});
