/**
 * The reference Store: objects in a Map, a bounded history of events for watch resumption, and
 * live fan-out to watchers. The lowdb store is this plus durability (it overrides `persist`).
 *
 * Every write is checked and applied to `objects` at once (so compare-and-swap and the counter
 * are atomic in Node's single thread), then `persist`ed, and only then made visible to reads,
 * published to watchers and acknowledged. Nobody therefore sees a change that a crash could take
 * back: had reads seen it, a crash would let the restarted store hand out the same
 * resourceVersion again for a different change, and a client watching from a list's version
 * would silently skip that change.
 *
 * Reads are linearizable without waiting: every acknowledged write is already visible, and one
 * still waiting for its fsync has not been acknowledged to anyone. A `get` still waits for the
 * accepted writes *to its key* to become durable: otherwise a get-then-update retry loop would
 * read the old version, conflict with the accepted one, and spin on microtasks, starving the
 * very I/O it waits for. It does not wait for other keys' writes, so a create that reads its
 * namespace is not held up by every other client's group commit. Lists and
 * `currentResourceVersion` wait for all accepted writes, so a watch from a list's version sees
 * writes its caller already made (read-your-writes across keys).
 */
import { AlreadyExistsError, BadUserInputError, ConflictError, GoneError, NotFoundError } from '../domain/errors.js';

import type { SkyObject } from '../domain/types.js';
import { inScope, type ListResult, type ListScope, type Store, type StoreEvent, type WatchOptions, type WatchScope } from './store.js';
import { AsyncQueue, endedQueue, openOnFirstNext } from './async-queue.js';
import { deepFreeze } from '../domain/deep-freeze.js';
import { notePublished } from './publish-times.js';
import { cloneJson as clone } from '../domain/clone-json.js';
import { type ObjectRef, refOf, refKey, describeRef } from '../domain/object-ref.js';

export interface MemoryStoreOptions {
  /** Events kept for watch resumption; older versions get GONE. */
  historyLimit?: number;
}

interface Watcher {
  scope: WatchScope;
  after: number;
  queue: AsyncQueue<StoreEvent>;
}

export class MemoryStore implements Store {
  /** Every accepted write, durable or not: what writes are checked against. */
  protected readonly objects = new Map<string, SkyObject>();
  protected revision = 0;
  /** Durable writes only, in order: what reads, lists and watches see. */
  private readonly visible = new Map<string, SkyObject>();
  private visibleRevision = 0;
  /** Settles when the newest accepted write has been persisted (or failed to be). */
  private lastWrite: Promise<unknown> = Promise.resolve();
  /** Per key, the newest accepted write not yet settled; removed when it settles. */
  private readonly pendingWrites = new Map<string, Promise<unknown>>();
  /** Retained events, oldest first, from `historyHead` on; every event with a version > historyStart is there. */
  private history: StoreEvent[] = [];
  private historyHead = 0;
  protected historyStart = 0;
  private readonly historyLimit: number;
  private readonly watchers = new Set<Watcher>();
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  async get(key: ObjectRef): Promise<SkyObject | undefined> {
    const id = refKey(key);
    const pending = this.pendingWrites.get(id);
    if (pending) await pending.catch(() => undefined);
    return clone(this.visible.get(id));
  }

  async list(scope: ListScope): Promise<ListResult> {
    await this.writesSettled();
    const matching: [string, SkyObject][] = [];
    for (const entry of this.visible) if (inScope(entry[1], scope)) matching.push(entry);
    // Plain code-unit order of the keys: what etcd returns, and far cheaper than localeCompare.
    matching.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { items: matching.map(([, object]) => clone(object)), resourceVersion: String(this.visibleRevision) };
  }

  async create(object: SkyObject): Promise<SkyObject> {
    const key = refKey(refOf(object));
    if (this.objects.has(key)) throw new AlreadyExistsError(describeRef(refOf(object)));
    return this.write('ADDED', key, object);
  }

  async update(object: SkyObject, expectedResourceVersion?: string): Promise<SkyObject> {
    const key = refKey(refOf(object));
    this.check(refOf(object), expectedResourceVersion);
    return this.write('MODIFIED', key, object);
  }

  async delete(ref: ObjectRef, expectedResourceVersion?: string): Promise<SkyObject> {
    const current = this.check(ref, expectedResourceVersion);
    return this.write('DELETED', refKey(ref), current);
  }

  watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    return openOnFirstNext(() => this.openWatch(options));
  }

  private openWatch(options: WatchOptions): AsyncQueue<StoreEvent> {
    if (this.closed || options.signal?.aborted) return endedQueue();
    const scope: WatchScope = { kind: options.kind, namespace: options.namespace, namespaces: options.namespaces };
    const after = options.fromResourceVersion === undefined ? this.visibleRevision : parseVersion(options.fromResourceVersion);
    if (after < this.historyStart) throw new GoneError(String(after), String(this.historyStart));

    // Replay and registration happen in one synchronous step, so no event falls between them.
    // Every watcher gets the same frozen event (see deepFreeze).
    const queue = new AsyncQueue<StoreEvent>({ signal: options.signal, onClose: () => this.watchers.delete(watcher) });
    for (let i = this.historyHead; i < this.history.length; i++) {
      const event = this.history[i];
      if (Number(event.resourceVersion) > after && inScope(event.object, scope)) queue.push(event);
    }
    const watcher: Watcher = { scope, after, queue };
    this.watchers.add(watcher);
    return queue;
  }

  async currentResourceVersion(): Promise<string> {
    await this.writesSettled();
    return String(this.visibleRevision);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.queue.end();
    this.watchers.clear();
  }

  /** Makes one event durable; calls must settle in call order. The memory store keeps nothing. */
  protected async persist(_event: StoreEvent): Promise<void> {}

  /** Applies an already-durable event to memory without persisting it again (recovery). */
  protected apply(event: StoreEvent): void {
    const key = refKey(refOf(event.object));
    if (event.type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, event.object);
    this.revision = Math.max(this.revision, Number(event.resourceVersion));
    this.reveal(key, event);
  }

  /** Starts from a durable snapshot (recovery): its objects at its resourceVersion, no history before it. */
  protected restoreSnapshot(objects: Iterable<SkyObject>, resourceVersion: number): void {
    for (const object of objects) {
      const key = refKey(refOf(object));
      this.objects.set(key, object);
      this.visible.set(key, object);
    }
    this.revision = this.visibleRevision = this.historyStart = resourceVersion;
  }

  protected remember(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyHead > this.historyLimit) {
      this.historyStart = Number(this.history[this.historyHead].resourceVersion);
      this.historyHead++;
      // Dropped events are cut off in one go once they fill half the array: splicing the front
      // of a 10,000-event array on every write was a measurable share of a create's CPU.
      if (this.historyHead >= this.historyLimit) {
        this.history = this.history.slice(this.historyHead);
        this.historyHead = 0;
      }
    }
  }

  private check(key: ObjectRef, expectedResourceVersion: string | undefined): SkyObject {
    const current = this.objects.get(refKey(key));
    if (!current) throw new NotFoundError(describeRef(key));
    if (expectedResourceVersion !== undefined && expectedResourceVersion !== current.metadata.resourceVersion) {
      throw new ConflictError(describeRef(key), expectedResourceVersion, current.metadata.resourceVersion);
    }
    return current;
  }

  private async write(type: StoreEvent['type'], key: string, object: SkyObject): Promise<SkyObject> {
    const resourceVersion = String(++this.revision);
    const stored = clone(object);
    stored.metadata.resourceVersion = resourceVersion;
    // Shared, never copied again: reads clone it, watchers all get this very object (frozen).
    deepFreeze(stored);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, stored);
    const event: StoreEvent = deepFreeze({ type, object: stored, resourceVersion });
    const persisted = this.persist(event);
    this.lastWrite = persisted;
    this.pendingWrites.set(key, persisted);
    try {
      await persisted;
    } finally {
      if (this.pendingWrites.get(key) === persisted) this.pendingWrites.delete(key);
    }
    // `persist` resolves in call order, so events become visible in resourceVersion order.
    this.reveal(key, event);
    this.remember(event);
    this.publish(event);
    return clone(stored);
  }

  private async writesSettled(): Promise<void> {
    await this.lastWrite.catch(() => undefined);
  }

  private reveal(key: string, event: StoreEvent): void {
    if (event.type === 'DELETED') this.visible.delete(key);
    else this.visible.set(key, event.object);
    this.visibleRevision = Number(event.resourceVersion);
  }

  private publish(event: StoreEvent): void {
    notePublished(event);
    for (const w of this.watchers) {
      if (Number(event.resourceVersion) > w.after && inScope(event.object, w.scope)) w.queue.push(event);
    }
  }
}

export function parseVersion(resourceVersion: string): number {
  const n = Number(resourceVersion);
  if (resourceVersion.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
    throw new BadUserInputError('resourceVersion', `"${resourceVersion}" is not a resourceVersion this server issued`);
  }
  return n;
}
