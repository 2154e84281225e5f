/**
 * The one storage interface of the API server (and only the API server imports it).
 *
 * A Store keeps whole Sky objects by key and owns one thing: `metadata.resourceVersion`, a single
 * store-wide counter that increases with every write (for etcd it *is* the etcd revision). All
 * other metadata (uid, generation, timestamps) is the caller's business.
 *
 * Contract, tested against every implementation in test/integration/store-contract.test.ts:
 * - create fails with AlreadyExistsError if the key exists;
 * - update/delete with `expectedResourceVersion` fail with ConflictError when it differs from the
 *   stored one, NotFoundError when the key is absent;
 * - a write is durable before its promise resolves;
 * - watch(fromResourceVersion) yields every change with a greater resourceVersion, in order,
 *   exactly once, then live changes; older than the retained history → GoneError (thrown by the
 *   iterator's first next()).
 */
import type { Kind } from '../domain/kinds.js';
import type { SkyObject } from '../domain/types.js';
import type { ObjectRef } from '../domain/object-ref.js';

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** For DELETED, the object as it was, with the resourceVersion of the deletion. */
  object: SkyObject;
  resourceVersion: string;
}

export interface ListScope {
  kind: Kind;
  /** Undefined lists every namespace (or a global kind). */
  namespace?: string;
}

export interface ListResult {
  items: SkyObject[];
  /** The store's resourceVersion at the time of the list; watch from it to miss nothing. */
  resourceVersion: string;
}

/** What a watch delivers: a list scope, or for a namespaced kind over all namespaces, a set of them. */
export interface WatchScope extends ListScope {
  /**
   * With `namespace` undefined: only objects of these namespaces. A caller who may see some
   * namespaces but not all watches through it, so other namespaces' events wake none of its watches.
   */
  namespaces?: ReadonlySet<string>;
}

export interface WatchOptions extends WatchScope {
  /** Deliver changes after this version. Undefined: only changes from now on. */
  fromResourceVersion?: string;
  signal?: AbortSignal;
}

export interface Store {
  get(key: ObjectRef): Promise<SkyObject | undefined>;
  list(scope: ListScope): Promise<ListResult>;
  /** Stores a new object; returns it with its resourceVersion set. */
  create(object: SkyObject): Promise<SkyObject>;
  /** Replaces the object at the object's key; optimistic when expectedResourceVersion is given. */
  update(object: SkyObject, expectedResourceVersion?: string): Promise<SkyObject>;
  /** Removes and returns the object (with the deletion's resourceVersion). */
  delete(key: ObjectRef, expectedResourceVersion?: string): Promise<SkyObject>;
  /** Changes in scope, in resourceVersion order. Ends when the signal aborts or the store closes. */
  watch(options: WatchOptions): AsyncIterable<StoreEvent>;
  /** The newest resourceVersion written. */
  currentResourceVersion(): Promise<string>;
  close(): Promise<void>;
}

export function inScope(object: SkyObject, scope: WatchScope): boolean {
  if (object.kind !== scope.kind) return false;
  if (scope.namespace !== undefined) return object.metadata.namespace === scope.namespace;
  return scope.namespaces === undefined || scope.namespaces.has(object.metadata.namespace!);
}
