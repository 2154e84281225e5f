/**
 * BookmarkClock: one timer and one read of the store's version per interval, shared by every
 * watch of a store for its BOOKMARKs (src/resolvers/watch.ts), rather than a read per watcher
 * per interval (a thousand watchers' reads stall the writes queued behind them on etcd).
 *
 * Safety: a watcher may announce version V only once every write numbered up to V has had time
 * to reach it. V is read at one tick and handed out at the next, one interval later, and only to
 * watchers that were registered before that read began, so their store watch was open when the
 * writes up to V were published.
 */
import type { Store } from '../storage/store.js';

export interface BookmarkTicks {
  /** Whether a tick came since the last `take()`; stays raised while the watcher is busy. */
  readonly ticked: boolean;
  /** Lowers the tick; returns the version this watcher may announce now, if there is one. */
  take(): bigint | undefined;
  /** Unregisters; the clock stops with its last watcher. */
  close(): void;
}

interface Reading {
  /** The tick at which the read began. */
  tick: number;
  version: bigint;
}

const clocks = new WeakMap<Store, Map<number, BookmarkClock>>();

export class BookmarkClock {
  private tick = 0;
  private timer?: NodeJS.Timeout;
  private readonly watchers = new Set<() => void>();
  /** The newest completed read, and the one handed out since the last tick. */
  private latest?: Reading;
  private safe?: Reading;

  private constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
    private readonly onIdle: () => void,
  ) {}

  /** The clock shared by the watches of this store at this interval. */
  static for(store: Store, intervalMs: number): BookmarkClock {
    let byInterval = clocks.get(store);
    if (!byInterval) clocks.set(store, (byInterval = new Map()));
    let clock = byInterval.get(intervalMs);
    if (!clock) {
      const forStore = byInterval;
      clock = new BookmarkClock(store, intervalMs, () => forStore.delete(intervalMs));
      byInterval.set(intervalMs, clock);
    }
    return clock;
  }

  /** `onTick` is called at every tick until `close()`. */
  register(onTick: () => void): BookmarkTicks {
    const registeredAt = this.tick;
    let seen = this.tick;
    const clock = this;
    this.watchers.add(onTick);
    this.timer ??= setInterval(() => this.onTimer(), this.intervalMs);
    return {
      get ticked() {
        return clock.tick > seen;
      },
      take() {
        seen = clock.tick;
        const safe = clock.safe;
        return safe !== undefined && safe.tick > registeredAt ? safe.version : undefined;
      },
      close() {
        clock.watchers.delete(onTick);
        if (clock.watchers.size > 0) return;
        clearInterval(clock.timer);
        clock.timer = undefined;
        clock.onIdle();
      },
    };
  }

  private onTimer(): void {
    this.tick++;
    // What was read at an earlier tick has had at least one interval to be published.
    this.safe = this.latest;
    const tick = this.tick;
    this.store.currentResourceVersion().then(
      (version) => {
        if (this.latest === undefined || tick > this.latest.tick) this.latest = { tick, version: BigInt(version) };
      },
      // An unreachable store: no new reading, so bookmarks stay at what is known to be safe.
      () => undefined,
    );
    for (const onTick of this.watchers) onTick();
  }
}
