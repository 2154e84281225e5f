import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue, SerialQueue } from '../../../src/cluster-managers/serial-queue.js';

function recorder() {
  const events: string[] = [];
  const op = (name: string, ms: number, fail = false) => async () => {
    events.push(`${name} start`);
    await sleep(ms);
    events.push(`${name} end`);
    if (fail) throw new Error(name);
    return name;
  };
  return { events, op };
}

describe('SerialQueue', () => {
  it('runs one operation at a time, in order; a failure rejects only its caller', async () => {
    const queue = new SerialQueue();
    const { events, op } = recorder();
    const a = queue.run(op('a', 20));
    const b = queue.run(op('b', 1, true));
    const c = queue.run(op('c', 1));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('idle settles after everything queued so far, failures included', async () => {
    const queue = new SerialQueue();
    const { events, op } = recorder();
    void queue.run(op('a', 10, true)).catch(() => undefined);
    await queue.idle();
    expect(events).toEqual(['a start', 'a end']);
  });
});

describe('KeyedSerialQueue', () => {
  it('serialises operations of one key and lets other keys run alongside', async () => {
    const queue = new KeyedSerialQueue();
    const { events, op } = recorder();
    await Promise.all([queue.run('x', op('x1', 20)), queue.run('x', op('x2', 1)), queue.run('y', op('y1', 1))]);
    expect(events.indexOf('x1 end')).toBeLessThan(events.indexOf('x2 start'));
    expect(events.indexOf('y1 end')).toBeLessThan(events.indexOf('x1 end'));
  });

  it('goes on after a failure on the same key', async () => {
    const queue = new KeyedSerialQueue();
    const { op } = recorder();
    await expect(queue.run('x', op('bad', 1, true))).rejects.toThrow('bad');
    await expect(queue.run('x', op('good', 1))).resolves.toBe('good');
  });
});
