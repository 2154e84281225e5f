import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../../src/controllers/controller.js';
import { WorkQueue } from '../../../src/controllers/workqueue.js';

const logger = pino({ level: 'silent' });

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Controller', () => {
  it('reconciles each enqueued key and retries failures with backoff until they succeed', async () => {
    const calls: string[] = [];
    let failuresLeft = 2;
    const controller = new Controller({
      name: 'test',
      logger,
      workers: 2,
      queue: new WorkQueue({ baseDelayMs: 1 }),
      reconcile: async (key) => {
        calls.push(key);
        if (key === 'flaky' && failuresLeft-- > 0) throw new Error('transient');
      },
    });
    controller.start();
    controller.enqueue('a');
    controller.enqueue('flaky');
    await until(() => calls.filter((k) => k === 'flaky').length === 3);
    expect(calls.filter((k) => k === 'a')).toEqual(['a']);
    expect(controller.queue.numRequeues('flaky')).toBe(0); // forgotten after success
    await controller.stop();
  });

  it('requeues a key after requeueAfterMs and resyncs every listed key', async () => {
    const calls: string[] = [];
    const controller = new Controller({
      name: 'test',
      logger,
      resyncIntervalMs: 20,
      listKeys: () => ['r'],
      reconcile: async (key) => {
        calls.push(key);
        return key === 'later' && calls.filter((k) => k === 'later').length === 1 ? { requeueAfterMs: 10 } : undefined;
      },
    });
    controller.start();
    controller.enqueue('later');
    await until(() => calls.filter((k) => k === 'later').length === 2 && calls.filter((k) => k === 'r').length >= 2);
    await controller.stop();
  });
});
