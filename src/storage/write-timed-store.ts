/**
 * A Store that times every write of the store it wraps and tells `observe` (the API server's
 * store write latency, src/metrics/api-server-metrics.ts). Reads and watches pass straight
 * through, so the Store contract is the inner store's.
 */
import type { ObjectRef } from '../domain/object-ref.js';
import type { SkyObject } from '../domain/types.js';
import type { ListResult, ListScope, Store, StoreEvent, WatchOptions } from './store.js';

export type StoreWrite = 'create' | 'update' | 'delete';

/** `failed`: the write was refused or broke (a conflict, a missing object, a store down). */
export type WriteObserver = (write: StoreWrite, seconds: number, failed: boolean) => void;

export class WriteTimedStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly observe: WriteObserver,
  ) {}

  get(key: ObjectRef): Promise<SkyObject | undefined> {
    return this.inner.get(key);
  }

  list(scope: ListScope): Promise<ListResult> {
    return this.inner.list(scope);
  }

  create(object: SkyObject): Promise<SkyObject> {
    return this.timed('create', performance.now(), this.inner.create(object));
  }

  update(object: SkyObject, expectedResourceVersion?: string): Promise<SkyObject> {
    return this.timed('update', performance.now(), this.inner.update(object, expectedResourceVersion));
  }

  delete(key: ObjectRef, expectedResourceVersion?: string): Promise<SkyObject> {
    return this.timed('delete', performance.now(), this.inner.delete(key, expectedResourceVersion));
  }

  watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    return this.inner.watch(options);
  }

  currentResourceVersion(): Promise<string> {
    return this.inner.currentResourceVersion();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** `start` is read before the inner call, which does part of its work synchronously. */
  private timed(write: StoreWrite, start: number, pending: Promise<SkyObject>): Promise<SkyObject> {
    return pending.then(
      (object) => {
        this.observe(write, (performance.now() - start) / 1000, false);
        return object;
      },
      (error: unknown) => {
        this.observe(write, (performance.now() - start) / 1000, true);
        throw error;
      },
    );
  }
}
