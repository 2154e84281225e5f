/** Periodic loops on fake timers: interval, poke, "sooner", backoff after failures, stop. */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Periodic, type PeriodicOptions } from '../../../src/controllers/periodic.js';

const logger = pino({ level: 'silent' });

/** A round that records when it ran and ends when the test says (or at once). */
function rounds(answer: () => number | undefined | void = () => undefined) {
  const started: number[] = [];
  let pending: Array<() => void> = [];
  let hold = false;
  let active = 0;
  let maxActive = 0;
  const round = async () => {
    started.push(Date.now());
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
      return answer();
    } finally {
      active--;
    }
  };
  return {
    round,
    started,
    holdRounds: (on: boolean) => (hold = on),
    release: () => {
      const [first, ...rest] = pending;
      pending = rest;
      first?.();
    },
    get maxActive() {
      return maxActive;
    },
  };
}

function loop(options: Partial<PeriodicOptions> & Pick<PeriodicOptions, 'round'>): Periodic {
  return new Periodic({ name: 'test', logger, intervalMs: 1_000, ...options });
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Periodic', () => {
  it('runs a round at start and then every interval', async () => {
    const r = rounds();
    const p = loop({ round: r.round });
    p.start();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(r.started).toEqual([0, 1_000, 2_000, 3_000]);
    await p.stop();
  });

  it('reads a function interval before each wait', async () => {
    const r = rounds();
    let interval = 1_000;
    const p = loop({ round: r.round, intervalMs: () => interval });
    p.start();
    await vi.advanceTimersByTimeAsync(500);
    interval = 200; // read after the round at 1000
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.started).toEqual([0, 1_000, 1_200, 1_400]);
    await p.stop();
  });

  it('never runs two rounds at once: the wait starts when a round ends', async () => {
    const r = rounds();
    r.holdRounds(true);
    const p = loop({ round: r.round, intervalMs: 100 });
    p.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.started).toEqual([0]);
    r.release();
    await vi.advanceTimersByTimeAsync(100);
    expect(r.started).toEqual([0, 1_100]);
    expect(r.maxActive).toBe(1);
    r.holdRounds(false);
    r.release();
    await p.stop();
  });

  it('runs at once when poked while waiting, and once more right after the round when poked during it', async () => {
    const r = rounds();
    const p = loop({ round: r.round });
    p.poke(); // before start: nothing
    p.start();
    await vi.advanceTimersByTimeAsync(300);
    p.poke();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.started).toEqual([0, 300]);

    r.holdRounds(true);
    p.poke();
    await vi.advanceTimersByTimeAsync(0);
    p.poke();
    p.poke();
    r.holdRounds(false);
    r.release();
    await vi.advanceTimersByTimeAsync(0);
    // One round for both pokes during it, then the interval again.
    expect(r.started).toEqual([0, 300, 300, 300]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.started).toEqual([0, 300, 300, 300, 1_300]);
    expect(r.maxActive).toBe(1);
    await p.stop();
  });

  it('comes back sooner when a round asks, never later than the interval', async () => {
    const answers = [250, 5_000, undefined];
    const r = rounds(() => answers.shift());
    const p = loop({ round: r.round });
    p.start();
    await vi.advanceTimersByTimeAsync(2_300);
    expect(r.started).toEqual([0, 250, 1_250, 2_250]);
    await p.stop();
  });

  it('retries a failing round after a doubling backoff, capped, and back to the interval after a success', async () => {
    const warn = vi.fn();
    let failuresLeft = 5;
    const started: number[] = [];
    const round = async () => {
      started.push(Date.now());
      if (failuresLeft-- > 0) throw new Error('API unreachable');
    };
    const p = new Periodic({ name: 'health', logger: { warn } as unknown as pino.Logger, round, intervalMs: 10_000, retryBaseMs: 100, retryMaxMs: 500 });
    p.start();
    await vi.advanceTimersByTimeAsync(12_000);
    expect(started).toEqual([0, 100, 300, 700, 1_200, 1_700, 11_700]);
    expect(warn).toHaveBeenCalledTimes(5);
    expect(warn.mock.calls[1]).toEqual([{ loop: 'health', retries: 1, err: 'API unreachable' }, 'health round failed; retrying']);
    await p.stop();
  });

  it('takes pokes after a round that throws at once', async () => {
    const started: number[] = [];
    const round = () => {
      started.push(Date.now());
      throw new Error('sync');
    };
    const p = loop({ round: round as unknown as PeriodicOptions['round'], retryBaseMs: 1_000, retryMaxMs: 1_000 });
    p.start();
    await vi.advanceTimersByTimeAsync(100);
    p.poke();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 100]);
    await p.stop();
  });

  it('stop cancels the wait and resolves once the running round has ended', async () => {
    const r = rounds();
    const p = loop({ round: r.round });
    p.start();
    await vi.advanceTimersByTimeAsync(1_000);
    r.holdRounds(true);
    p.poke();
    let stopped = false;
    const stopping = p.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    r.release();
    await stopping;
    await vi.advanceTimersByTimeAsync(10_000);
    p.poke();
    expect(r.started).toEqual([0, 1_000, 1_000]);
  });
});
