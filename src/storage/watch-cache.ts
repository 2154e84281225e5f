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
import { GoneError } from '../domain/errors.js';
import type { Kind } from '../domain/kinds.js';
import type { SkyObject } from '../domain/types.js';
import { AsyncQueue, endedQueue, openOnFirstNext } from './async-queue.js';
import { parseVersion } from './memory-store.js';
import { inScope, type ListResult, type ListScope, type Store, type StoreEvent, type WatchOptions, type WatchScope } from './store.js';
import { deepFreeze } from '../domain/deep-freeze.js';
import { notePublished } from './publish-times.js';
import type { ObjectRef } from '../domain/object-ref.js';

export interface WatchCacheOptions {
  /** Events kept per kind. */
  historyLimit?: number;
}

interface Subscriber {
  after: number;
  scope: WatchScope;
  queue: AsyncQueue<StoreEvent>;
}

function wants(after: number, scope: WatchScope, event: StoreEvent): boolean {
  return Number(event.resourceVersion) > after && inScope(event.object, scope);
}

/** One kind's inner watch, ring and subscribers. */
class KindCache {
  /** Every event of this kind with a version above `start` is in the ring. */
  private start = 0;
  private readonly ring: StoreEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly stopper = new AbortController();
  private ended = false;
  /** Where to reopen if the version the cache opened at is gone from the inner store. */
  private fallback?: number;

  constructor(
    private readonly inner: Store,
    private readonly kind: Kind,
    private readonly historyLimit: number,
    private readonly onEnd: () => void,
  ) {}

  /**
   * Opens the inner watch at `from`, the version the first subscriber asked for, when that is
   * older than the store's current one. Watchers resuming after a restart of this server ask for
   * versions a little in the past; a cache opened at the current version would cover none of
   * them, and each would get an inner watch of its own for the rest of its life (a thousand etcd
   * watches, seconds behind: bench/README.md). If the inner store no longer has `from` (GONE),
   * the cache opens at the current version instead and only the subscribers older than that get
   * the GONE.
   */
  async open(from?: number): Promise<void> {
    const current = Number(await this.inner.currentResourceVersion());
    this.start = from === undefined ? current : Math.min(from, current);
    this.fallback = this.start < current ? current : undefined;
    this.startPump();
  }

  covers(after: number): boolean {
    return after >= this.start;
  }

  subscribe(after: number, scope: WatchScope, signal?: AbortSignal): AsyncQueue<StoreEvent> {
    // Replay and registration in one synchronous step, so no event falls between them. Every
    // subscriber gets the same frozen event (see deepFreeze).
    const queue = new AsyncQueue<StoreEvent>({ signal, onClose: () => this.subscribers.delete(subscriber) });
    for (const event of this.ring) if (wants(after, scope, event)) queue.push(event);
    const subscriber: Subscriber = { after, scope, queue };
    // A cache whose inner watch has ended delivers nothing more; the caller's retry opens a new one.
    // A signal aborted while the caller was still opening the cache would never fire again.
    if (this.ended || signal?.aborted) queue.end();
    else this.subscribers.add(subscriber);
    return queue;
  }

  stop(): void {
    // At once, not when the pump notices: a subscribe racing with stop must not register.
    this.ended = true;
    this.stopper.abort();
    for (const s of this.subscribers) s.queue.end();
  }

  private startPump(): void {
    void this.pump(this.inner.watch({ kind: this.kind, fromResourceVersion: String(this.start), signal: this.stopper.signal }));
  }

  private async pump(events: AsyncIterable<StoreEvent>): Promise<void> {
    try {
      for await (const received of events) {
        this.fallback = undefined; // the inner watch is under way: its start was not gone
        const event = deepFreeze(received);
        // For etcd this is when its watch told us: the commit is etcd's, on another machine.
        notePublished(event);
        this.ring.push(event);
        if (this.ring.length > this.historyLimit) this.start = Number(this.ring.shift()!.resourceVersion);
        for (const s of this.subscribers) if (wants(s.after, s.scope, event)) s.queue.push(event);
      }
      for (const s of this.subscribers) s.queue.end();
    } catch (error) {
      if (error instanceof GoneError && this.fallback !== undefined && !this.ended) {
        this.reopenAtFallback(error);
        return;
      }
      // The inner watch broke (store closed, etcd unreachable too long): subscribers see the
      // error and resume (clients do), which opens a fresh cache for the kind.
      for (const s of this.subscribers) s.queue.fail(error);
    }
    this.ended = true;
    this.onEnd();
  }

  /** The version the cache opened at is gone: serve from the current one (see open). */
  private reopenAtFallback(error: GoneError): void {
    this.start = this.fallback!;
    this.fallback = undefined;
    for (const s of this.subscribers) if (!this.covers(s.after)) s.queue.fail(error);
    this.startPump();
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

  get(key: ObjectRef): Promise<SkyObject | undefined> {
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

  delete(key: ObjectRef, expectedResourceVersion?: string): Promise<SkyObject> {
    return this.inner.delete(key, expectedResourceVersion);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    return openOnFirstNext(() => this.openWatch(options));
  }

  private async openWatch(options: WatchOptions): Promise<AsyncIterator<StoreEvent>> {
    if (this.closed || options.signal?.aborted) return endedQueue();
    const after = parseVersion(options.fromResourceVersion ?? (await this.inner.currentResourceVersion()));
    const cache = await this.cacheFor(options.kind, after);
    // Closed or abandoned while the cache opened: nothing would end this watch later.
    if (this.closed || options.signal?.aborted) return endedQueue();
    if (!cache.covers(after)) return this.inner.watch(options)[Symbol.asyncIterator]();
    return cache.subscribe(after, { kind: options.kind, namespace: options.namespace, namespaces: options.namespaces }, options.signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cache of this.kinds.values()) (await cache).stop();
    this.kinds.clear();
    await this.inner.close();
  }

  /** The kind's cache; a new one opens at `after` (see KindCache.open). */
  private cacheFor(kind: Kind, after: number): Promise<KindCache> {
    let cache = this.kinds.get(kind);
    if (!cache) {
      const created = new KindCache(this.inner, kind, this.historyLimit, () => {
        if (this.kinds.get(kind) === opened) this.kinds.delete(kind);
      });
      const opened: Promise<KindCache> = created.open(after).then(() => created);
      // A failed open must not stay cached.
      opened.catch(() => this.kinds.get(kind) === opened && this.kinds.delete(kind));
      this.kinds.set(kind, opened);
      cache = opened;
    }
    return cache;
  }
}
