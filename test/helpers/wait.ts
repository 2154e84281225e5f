/** Waiting in tests of real processes, where state arrives when it arrives. */

export interface UntilOptions {
  /** Default 20 s. */
  timeoutMs?: number;
  /** More to show when it times out (the logs of the processes involved). */
  context?: () => string;
  /** Default 100 ms; benches that time what they wait for poll faster. */
  intervalMs?: number;
}

/**
 * Polls `probe` every 100 ms (intervalMs) until it returns something truthy, and returns that; a probe that
 * throws counts as not yet. Times out naming `what`, the probe's last error and the context.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, options: UntilOptions = {}): Promise<T> {
  const end = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\n${options.context?.() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
