/**
 * A monotonic clock whose time moves only when a test says so, with sleeps that wake when it
 * passes their deadline (or their signal aborts): for loops timed by leases and retry periods.
 */
import { setImmediate as turn } from 'node:timers/promises';

interface Sleeper {
  at: number;
  wake: () => void;
}

export class FakeClock {
  private time = 0;
  private sleepers: Sleeper[] = [];

  now = (): number => this.time;

  sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.time + ms,
        wake: () => {
          signal.removeEventListener('abort', sleeper.wake);
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      signal.addEventListener('abort', sleeper.wake, { once: true });
      this.sleepers.push(sleeper);
    });

  /** Moves time on by `ms`, waking each sleeper at its deadline in turn and letting it run. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const next = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      next.wake();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

/** Lets every promise chain already started run as far as it can. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await turn();
}
