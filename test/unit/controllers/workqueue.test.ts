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
    q.addRateLimited('a');
    q.addRateLimited('a');
    q.addRateLimited('a');
    q.addRateLimited('a');
    q.addRateLimited('b');
    expect(timers.map((t) => t.ms)).toEqual([5, 10, 20, 30, 5]);
    expect(q.numRequeues('a')).toBe(4);
    q.forget('a');
    q.addRateLimited('a');
    expect(timers.at(-1)!.ms).toBe(5);
    timers[0].fn();
    expect(q.length).toBe(1);
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
