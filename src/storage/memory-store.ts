/**
 * The reference Store: objects in a Map, a bounded history of events for watch resumption, and
 * live fan-out to watchers. The lowdb store is this plus durability (it overrides `persist`).
 *
 * Every write is applied to memory at once (so compare-and-swap and the counter are atomic in
 * Node's single thread), then `persist`ed, and only then published to watchers and acknowledged.
 * Watchers therefore never see a change that a crash could take back. Reads may see a write a
 * few milliseconds before it is durable; that write is then either acknowledged or the process
 * died, in which case no client was told it succeeded.
 */
import { AlreadyExistsError, BadUserInputError, ConflictError, GoneError, NotFoundError } from '../domain/errors.js';
import { describeKey, type ObjectKey } from '../domain/kinds.js';
import type { SkyObject } from '../domain/types.js';
import { inScope, keyOf, keyString, type ListResult, type ListScope, type Store, type StoreEvent, type WatchOptions } from './store.js';
import { AsyncQueue } from './async-queue.js';

export interface MemoryStoreOptions {
  /** Events kept for watch resumption; older versions get GONE. */
  historyLimit?: number;
}

interface Watcher {
  scope: ListScope;
  after: number;
  queue: AsyncQueue<StoreEvent>;
}

export class MemoryStore implements Store {
  protected readonly objects = new Map<string, SkyObject>();
  protected revision = 0;
  /** Retained events, oldest first; every event with a version > historyStart is in here. */
  protected history: StoreEvent[] = [];
  protected historyStart = 0;
  private readonly historyLimit: number;
  private readonly watchers = new Set<Watcher>();
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  async get(key: ObjectKey): Promise<SkyObject | undefined> {
    return clone(this.objects.get(keyString(key)));
  }

  async list(scope: ListScope): Promise<ListResult> {
    const items: SkyObject[] = [];
    for (const object of this.objects.values()) if (inScope(object, scope)) items.push(clone(object));
    items.sort((a, b) => keyString(keyOf(a)).localeCompare(keyString(keyOf(b))));
    return { items, resourceVersion: String(this.revision) };
  }

  async create(object: SkyObject): Promise<SkyObject> {
    const key = keyString(keyOf(object));
    if (this.objects.has(key)) throw new AlreadyExistsError(describeKey(keyOf(object)));
    return this.write('ADDED', key, object);
  }

  async update(object: SkyObject, expectedResourceVersion?: string): Promise<SkyObject> {
    const key = keyString(keyOf(object));
    this.check(keyOf(object), expectedResourceVersion);
    return this.write('MODIFIED', key, object);
  }

  async delete(objectKey: ObjectKey, expectedResourceVersion?: string): Promise<SkyObject> {
    const current = this.check(objectKey, expectedResourceVersion);
    return this.write('DELETED', keyString(objectKey), current);
  }

  async *watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.closed) return;
    const scope: ListScope = { kind: options.kind, namespace: options.namespace };
    const after = options.fromResourceVersion === undefined ? this.revision : parseVersion(options.fromResourceVersion);
    if (after < this.historyStart) throw new GoneError(String(after), String(this.historyStart));

    // Replay and registration happen in one synchronous step, so no event falls between them.
    const queue = new AsyncQueue<StoreEvent>();
    for (const event of this.history) {
      if (Number(event.resourceVersion) > after && inScope(event.object, scope)) queue.push(event);
    }
    const watcher: Watcher = { scope, after, queue };
    this.watchers.add(watcher);
    const onAbort = () => queue.end();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const event of queue) yield clone(event);
    } finally {
      this.watchers.delete(watcher);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async currentResourceVersion(): Promise<string> {
    return String(this.revision);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.queue.end();
    this.watchers.clear();
  }

  /** Makes a batch of events durable. The memory store keeps nothing, so it is instant. */
  protected async persist(_event: StoreEvent): Promise<void> {}

  /** Applies an already-durable event to memory without persisting it again (recovery). */
  protected apply(event: StoreEvent): void {
    const key = keyString(keyOf(event.object));
    if (event.type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, event.object);
    this.revision = Math.max(this.revision, Number(event.resourceVersion));
  }

  protected remember(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.historyStart = Number(dropped[dropped.length - 1].resourceVersion);
    }
  }

  private check(key: ObjectKey, expectedResourceVersion: string | undefined): SkyObject {
    const current = this.objects.get(keyString(key));
    if (!current) throw new NotFoundError(describeKey(key));
    if (expectedResourceVersion !== undefined && expectedResourceVersion !== current.metadata.resourceVersion) {
      throw new ConflictError(describeKey(key), expectedResourceVersion, current.metadata.resourceVersion);
    }
    return current;
  }

  private async write(type: StoreEvent['type'], key: string, object: SkyObject): Promise<SkyObject> {
    const resourceVersion = String(++this.revision);
    const stored = clone(object);
    stored.metadata.resourceVersion = resourceVersion;
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, stored);
    const event: StoreEvent = { type, object: stored, resourceVersion };
    await this.persist(event);
    this.remember(event);
    this.publish(event);
    return clone(stored);
  }

  private publish(event: StoreEvent): void {
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

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
