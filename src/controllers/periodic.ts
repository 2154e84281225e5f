/**
 * A periodic loop: runs a round, waits, runs the next, until stopped. Never two rounds at once.
 * - `poke()` runs the next round now, or right after the one running (nothing is lost, and a
 *   burst of pokes during a round is one more round);
 * - a round may ask for the next one sooner by resolving with a delay in ms;
 * - a round that throws is logged and retried after a backoff doubling from `retryBaseMs` up to
 *   `retryMaxMs` (reset by a round that succeeds), so a failing one neither hot-loops nor piles up;
 * - `stop()` cancels the wait and resolves once the running round, if any, has ended.
 */
import type { Logger } from 'pino';

export interface PeriodicOptions {
  /** Names the loop in its log lines ("health"). */
  name: string;
  logger: Logger;
  /** One round; may resolve with how long until the next, when that is sooner than the interval. */
  round: () => Promise<number | undefined | void>;
  /** The wait between rounds; a function is read before each wait. */
  intervalMs: number | (() => number);
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class Periodic {
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private pokedWhileRunning = false;
  private started = false;
  private stopped = false;
  private failures = 0;

  constructor(private readonly options: PeriodicOptions) {}

  /** Runs the first round now. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.runRound();
  }

  /** Runs a round now, or right after the one running. Before start() or after stop(): nothing. */
  poke(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.pokedWhileRunning = true;
      return;
    }
    clearTimeout(this.timer);
    this.runRound();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private runRound(): void {
    this.timer = undefined;
    // Started a microtask later, so `running` is set before the round can end (even one that
    // throws at once).
    this.running = Promise.resolve().then(() => this.round());
  }

  private async round(): Promise<void> {
    const { name, logger, retryBaseMs = 5, retryMaxMs = 1_000_000 } = this.options;
    let delayMs: number;
    try {
      const sooner = await this.options.round();
      this.failures = 0;
      delayMs = Math.min(this.intervalMs(), sooner ?? Infinity);
    } catch (error) {
      const retries = this.failures++;
      logger.warn({ loop: name, retries, err: error instanceof Error ? error.message : String(error) }, `${name} round failed; retrying`);
      delayMs = Math.min(retryBaseMs * 2 ** retries, retryMaxMs);
    }
    // Ended here, not in a later callback: a poke from now on must not wait for the timer.
    this.running = undefined;
    if (this.stopped) return;
    if (this.pokedWhileRunning) {
      this.pokedWhileRunning = false;
      delayMs = 0;
    }
    // A timer, even for 0 ms: the next round starts after this one has fully ended.
    this.timer = setTimeout(() => this.runRound(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private intervalMs(): number {
    const { intervalMs } = this.options;
    return typeof intervalMs === 'function' ? intervalMs() : intervalMs;
  }
}
