import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../src/controllers/workqueue.js';

function manualTimers() {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  return { timers, setTimer: (fn: () => void, ms: number) => timers.push({ fn, ms }) };
}

describe('WorkQueue', () => {
  it('deduplicates keys that are waiting', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands a key in progress to a second worker, and processes it again after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a'); // an event arrives while a worker reconciles 'a'
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(key!);
    await Promise.resolve();
    expect(second).toBe('a');
  });

  it('wakes a waiting worker on add', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.add('x');
    expect(await pending).toBe('x');
  });

  it('backs off exponentially per key until forgotten', () => {
    const { timers, setTimer } = manualTimers();
    const q = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 30, setTimer });
    // Each failure re-queues after the previous retry fired, as a controller's reconcile does.
    for (const expected of [5, 10, 20, 30]) {
      q.addRateLimited('a');
      expect(timers.at(-1)!.ms).toBe(expected);
      timers.at(-1)!.fn();
    }
    q.addRateLimited('b');
    expect(timers.at(-1)!.ms).toBe(5);
    expect(q.numRequeues('a')).toBe(4);
    q.forget('a');
    q.addRateLimited('a');
    expect(timers.at(-1)!.ms).toBe(5);
    expect(q.length).toBe(1); // 'a', added by its retries; 'b' still waits
  });

  it('keeps one delayed add per key, the earliest', () => {
    const { timers, setTimer } = manualTimers();
    const q = new WorkQueue({ setTimer });
    q.addAfter('a', 1000);
    q.addAfter('a', 5000); // later than what is set: no second timer
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    q.addAfter('a', 100); // earlier: replaces it
    expect(timers.map((t) => t.ms)).toEqual([1000, 100]);
    timers[0].fn(); // the superseded timer does nothing
    expect(q.length).toBe(0);
    timers[1].fn();
    expect(q.length).toBe(1);
    q.addAfter('a', 1000); // after it fired, a new one may be set
    expect(timers).toHaveLength(3);
  });

  it('returns undefined to workers after shutDown', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.shutDown();
    expect(await pending).toBeUndefined();
    q.add('a');
    expect(await q.get()).toBeUndefined();
  });
});
