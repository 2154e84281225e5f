/**
 * The API server's watch cache (kube-apiserver's "cacher"), for stores whose watches are
 * expensive: with etcd every subscription would otherwise be its own etcd watcher, decoding every
 * event once per subscriber (bench/README.md: 1,000 subscribers fell seconds behind).
 *
 * It opens ONE watch of the inner store per kind, at the first subscription to that kind; keeps
 * a bounded ring of the kind's recent events; and fans them out in memory. A watch from a
 * version the ring covers is served from the ring and then live. An older one goes to the inner
 * store, which replays from its own history or answers GONE. So the Store contract holds
 * unchanged, and reads and writes pass straight through.
 */
import type { Kind, ObjectKey } from '../domain/kinds.js';
import type { SkyObject } from '../domain/types.js';
import { AsyncQueue } from './async-queue.js';
import { parseVersion } from './memory-store.js';
import type { ListResult, ListScope, Store, StoreEvent, WatchOptions } from './store.js';
import { deepFreeze } from '../domain/deep-freeze.js';

export interface WatchCacheOptions {
  /** Events kept per kind. */
  historyLimit?: number;
}

interface Subscriber {
  after: number;
  namespace?: string;
  queue: AsyncQueue<StoreEvent>;
}

/** One kind's inner watch, ring and subscribers. */
class KindCache {
  /** Every event of this kind with a version above `start` is in the ring. */
  private start = 0;
  private readonly ring: StoreEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly stopper = new AbortController();
  private ended = false;

  constructor(
    private readonly inner: Store,
    private readonly kind: Kind,
    private readonly historyLimit: number,
    private readonly onEnd: () => void,
  ) {}

  async open(): Promise<void> {
    this.start = Number(await this.inner.currentResourceVersion());
    const events = this.inner.watch({ kind: this.kind, fromResourceVersion: String(this.start), signal: this.stopper.signal });
    void this.pump(events);
  }

  covers(after: number): boolean {
    return after >= this.start;
  }

  async *subscribe(after: number, namespace: string | undefined, signal?: AbortSignal): AsyncIterable<StoreEvent> {
    // Replay and registration in one synchronous step, so no event falls between them.
    const queue = new AsyncQueue<StoreEvent>();
    for (const event of this.ring) if (this.wants(after, namespace, event)) queue.push(event);
    const subscriber: Subscriber = { after, namespace, queue };
    // A cache whose inner watch has ended delivers nothing more; the caller's retry opens a new one.
    // A signal aborted while the caller was still opening the cache would never fire again.
    if (this.ended || signal?.aborted) queue.end();
    else this.subscribers.add(subscriber);
    const onAbort = () => queue.end();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // One frozen event for every subscriber (see deepFreeze).
      yield* queue;
    } finally {
      this.subscribers.delete(subscriber);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  stop(): void {
    // At once, not when the pump notices: a subscribe racing with stop must not register.
    this.ended = true;
    this.stopper.abort();
    for (const s of this.subscribers) s.queue.end();
  }

  private wants(after: number, namespace: string | undefined, event: StoreEvent): boolean {
    return Number(event.resourceVersion) > after && (namespace === undefined || event.object.metadata.namespace === namespace);
  }

  private async pump(events: AsyncIterable<StoreEvent>): Promise<void> {
    try {
      for await (const received of events) {
        const event = deepFreeze(received);
        this.ring.push(event);
        if (this.ring.length > this.historyLimit) this.start = Number(this.ring.shift()!.resourceVersion);
        for (const s of this.subscribers) if (this.wants(s.after, s.namespace, event)) s.queue.push(event);
      }
      for (const s of this.subscribers) s.queue.end();
    } catch (error) {
      // The inner watch broke (store closed, etcd unreachable too long): subscribers see the
      // error and resume (clients do), which opens a fresh cache for the kind.
      for (const s of this.subscribers) s.queue.fail(error);
    } finally {
      this.ended = true;
      this.onEnd();
    }
  }
}

export class WatchCache implements Store {
  private readonly kinds = new Map<Kind, Promise<KindCache>>();
  private readonly historyLimit: number;
  private closed = false;

  constructor(
    private readonly inner: Store,
    options: WatchCacheOptions = {},
  ) {
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  get(key: ObjectKey): Promise<SkyObject | undefined> {
    return this.inner.get(key);
  }

  list(scope: ListScope): Promise<ListResult> {
    return this.inner.list(scope);
  }

  create(object: SkyObject): Promise<SkyObject> {
    return this.inner.create(object);
  }

  update(object: SkyObject, expectedResourceVersion?: string): Promise<SkyObject> {
    return this.inner.update(object, expectedResourceVersion);
  }

  delete(key: ObjectKey, expectedResourceVersion?: string): Promise<SkyObject> {
    return this.inner.delete(key, expectedResourceVersion);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  async *watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.closed || options.signal?.aborted) return;
    const after = parseVersion(options.fromResourceVersion ?? (await this.inner.currentResourceVersion()));
    const cache = await this.cacheFor(options.kind);
    // Closed or abandoned while the cache opened: nothing would end this watch later.
    if (this.closed || options.signal?.aborted) return;
    if (!cache.covers(after)) {
      yield* this.inner.watch(options);
      return;
    }
    yield* cache.subscribe(after, options.namespace, options.signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cache of this.kinds.values()) (await cache).stop();
    this.kinds.clear();
    await this.inner.close();
  }

  private cacheFor(kind: Kind): Promise<KindCache> {
    let cache = this.kinds.get(kind);
    if (!cache) {
      const created = new KindCache(this.inner, kind, this.historyLimit, () => {
        if (this.kinds.get(kind) === opened) this.kinds.delete(kind);
      });
      const opened: Promise<KindCache> = created.open().then(() => created);
      // A failed open must not stay cached.
      opened.catch(() => this.kinds.get(kind) === opened && this.kinds.delete(kind));
      this.kinds.set(kind, opened);
      cache = opened;
    }
    return cache;
  }
}
