/**
 * One list+watch cache of one kind of member object (client-go's Reflector and Store, cut down):
 * list once, then follow a watch from the list's resourceVersion; resume a watch that ended from
 * the last resourceVersion seen, list again when the server says it is too old (410 Gone), and
 * retry failures with a capped exponential back-off until stopped.
 *
 * Why not client-node's ListWatch: it gives no sign that its list has landed or that its watch is
 * up, so a fresh cache cannot be told from a stale one; it stops for good on any error but 410;
 * and a stop() while its list is in flight still opens a watch afterwards, which would outlive
 * close(). The transport (list request, watch stream) is a ListWatchSource, so the logic here is
 * unit-tested with fakes (source.ts has the real one).
 */

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface ListResult<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export interface WatchHandle {
  abort(): void;
}

/** Watch event types as the API server sends them. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;

export interface ListWatchSource<T> {
  list(): Promise<ListResult<T>>;
  /**
   * Opens a watch from `resourceVersion`. Resolves once the server accepted it (events then flow
   * to `onEvent`); rejects when it did not (an error with `statusCode` 410 when the version is too
   * old). After it resolved, `done` is called once when the stream ends: null for a clean end (the
   * server's timeout), else the error.
   */
  watch(resourceVersion: string, onEvent: (type: WatchEventType, object: T) => void, done: (error: unknown) => void): Promise<WatchHandle>;
}

export interface InformerOptions {
  /** First retry delay after a failure (default 250 ms); doubles per failure in a row. */
  minBackoffMs?: number;
  /** Longest retry delay (default 5 s): a cluster that comes back is followed again this soon. */
  maxBackoffMs?: number;
  /**
   * How long the contents may still be served after the watch broke (default 3 s): a blip is
   * bridged, while an API server that stays away makes fresh() false, so callers ask the cluster
   * directly and fail the way they always did.
   */
  staleAfterMs?: number;
  /**
   * A watch open longer than this is ended and opened again (default 40 s; the source asks the
   * server to end it after 30 s). A hung API server never ends a stream by itself, but the new watch
   * fails to connect, and then the cache turns stale.
   */
  maxWatchMs?: number;
  /** Called after every change of the contents (a hook for pushing status sooner). */
  onChange?: () => void;
  /** Called with every failure, for logging. */
  onError?: (error: unknown) => void;
  now?: () => number;
}

const namespacedName = (object: KubeObject) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

/** 410 Gone: the resourceVersion is older than the server keeps; only a new list helps. */
export function isGone(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: number } | undefined;
  return e?.statusCode === 410 || e?.code === 410;
}

export class Informer<T extends KubeObject> {
  private objects = new Map<string, T>();
  private resourceVersion = '';
  private synced = false;
  /** Since when (ms) the watch has been down after a failure; undefined while it is up. */
  private brokenSince: number | undefined;
  private running = false;
  private stopped = false;
  /** Ends the watch in progress (clean end). */
  private endWatch: (() => void) | undefined;
  /** Cuts a back-off sleep short. */
  private wake: (() => void) | undefined;
  private readonly now: () => number;

  constructor(
    private readonly source: ListWatchSource<T>,
    private readonly options: InformerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Starts listing and watching in the background; calling it again does nothing. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.run().finally(() => (this.running = false));
  }

  /** Ends the watch and every retry for good. */
  stop(): void {
    this.stopped = true;
    this.endWatch?.();
    this.wake?.();
  }

  get started(): boolean {
    return this.running || this.stopped;
  }

  /** True when the contents have been listed and the watch is up, or has been down only briefly. */
  fresh(): boolean {
    if (!this.synced || this.stopped) return false;
    return this.brokenSince === undefined || this.now() - this.brokenSince <= (this.options.staleAfterMs ?? 3000);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        if (this.stopped) break;
        const openFor = await this.watchOnce();
        // A server that ends every watch at once is not hammered: short watches wait like failures.
        if (openFor >= 1000) failures = 0;
        else if (!this.stopped) await this.sleep(this.backoff(++failures));
      } catch (error) {
        if (this.stopped) break;
        if (isGone(error)) {
          // Not a failure: the watch fell too far behind; the next round lists again.
          this.resourceVersion = '';
          continue;
        }
        this.brokenSince ??= this.now();
        this.options.onError?.(error);
        await this.sleep(this.backoff(++failures));
      }
    }
  }

  /** Delay before the next attempt after `failures` failures in a row. */
  private backoff(failures: number): number {
    const { minBackoffMs = 250, maxBackoffMs = 5000 } = this.options;
    return Math.min(maxBackoffMs, minBackoffMs * 2 ** (failures - 1));
  }

  private async relist(): Promise<void> {
    const list = await this.source.list();
    if (this.stopped) return;
    // Replaced whole: whatever was deleted while the watch was down is gone from the list too.
    this.objects = new Map(list.items.map((item) => [namespacedName(item), item]));
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.synced = true;
    this.options.onChange?.();
  }

  /** Follows one watch; resolves with how long it was open (ms) when it ends cleanly, rejects when it fails. */
  private watchOnce(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let finished = false;
      let openedAt: number | undefined;
      let handle: WatchHandle | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        this.endWatch = undefined;
        clearTimeout(timer);
        handle?.abort();
        if (error) reject(error);
        else resolve(openedAt === undefined ? 0 : this.now() - openedAt);
      };
      this.endWatch = () => finish();
      const onEvent = (type: WatchEventType, object: T) => {
        if (!finished) this.apply(type, object, finish);
      };
      this.source.watch(this.resourceVersion, onEvent, (error) => finish(error ?? undefined)).then(
        (opened) => {
          handle = opened;
          if (finished) {
            opened.abort();
            return;
          }
          // Up again: the contents follow the cluster from here on.
          this.brokenSince = undefined;
          openedAt = this.now();
          timer = setTimeout(() => finish(), this.options.maxWatchMs ?? 40_000);
          timer.unref?.();
        },
        (error: unknown) => finish(error ?? new Error('the watch could not be opened')),
      );
    });
  }

  private apply(type: WatchEventType, object: T, finish: (error?: unknown) => void): void {
    if (type === 'ERROR') {
      // A Status in the stream: 410 means list again; anything else is a failure to retry.
      const status = object as { code?: number; message?: string };
      if (status.code === 410) {
        this.resourceVersion = '';
        finish();
      } else {
        finish(Object.assign(new Error(`watch error: ${status.message ?? 'unknown'}`), { statusCode: status.code }));
      }
      return;
    }
    const version = object.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (type === 'ADDED' || type === 'MODIFIED') this.objects.set(namespacedName(object), object);
    else if (type === 'DELETED') this.objects.delete(namespacedName(object));
    else return; // BOOKMARK: only the version moves on
    this.options.onChange?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
