/**
 * The Store on etcd, for several API server replicas sharing one etcd cluster.
 *
 * Keys are `<prefix>/<Kind>/<namespace>/<name>` (namespace empty for global kinds), values the
 * object as JSON. resourceVersion *is* etcd's revision: an object's mod_revision, a list's header
 * revision, a deletion's revision. Every write is one transaction that checks its precondition
 * (absent for create; present, and at the expected mod_revision if given, for update/delete), so
 * replicas never overwrite each other. Watches are etcd watches (see etcd-watch.ts), so every
 * replica sees every replica's writes; a watch from a compacted revision fails with GoneError.
 */
import { Etcd3, Range, type IKeyValue, type ICompare, type IRequestOp, type ITxnResponse } from 'etcd3';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../domain/errors.js';

import type { SkyObject } from '../domain/types.js';
import { EtcdWatch } from './etcd-watch.js';
import { parseVersion } from './memory-store.js';
import { type ListResult, type ListScope, type Store, type StoreEvent, type WatchOptions } from './store.js';
import { type ObjectRef, refOf, refKey, describeRef } from '../domain/object-ref.js';

export interface EtcdStoreOptions {
  /** e.g. ['http://127.0.0.1:2379'] */
  endpoints: string[];
  /** Root of Sky Manager's keys; several installations can share an etcd with different prefixes. Default '/sky'. */
  prefix?: string;
}

/** Objects per range request when listing: keeps each response far below gRPC's 4 MiB limit. */
const LIST_PAGE_SIZE = 500;
/** Unary calls give up after this long instead of hanging on an unreachable etcd. */
const CALL_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;

export class EtcdStore implements Store {
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  private constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
  ) {}

  /** Connects and checks that etcd answers, so a wrong endpoint fails at start-up. */
  static async open(options: EtcdStoreOptions): Promise<EtcdStore> {
    const client = new Etcd3({
      hosts: options.endpoints,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
    });
    const store = new EtcdStore(client, (options.prefix ?? '/sky').replace(/\/+$/, ''));
    try {
      await store.currentResourceVersion();
    } catch (error) {
      client.close();
      throw new Error(`Cannot reach etcd at ${options.endpoints.join(', ')}: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  async get(key: ObjectRef): Promise<SkyObject | undefined> {
    const { kvs } = await this.client.kv.range({ key: this.etcdKey(key) });
    return kvs.length > 0 ? decode(kvs[0], kvs[0].mod_revision) : undefined;
  }

  async list(scope: ListScope): Promise<ListResult> {
    const { start, end } = Range.prefix(this.scopePrefix(scope));
    const items: SkyObject[] = [];
    let resourceVersion: string | undefined;
    let from = start;
    // Later pages are read at the first page's revision, so the list is one consistent snapshot.
    for (;;) {
      const page = await this.client.kv.range({ key: from, range_end: end, limit: LIST_PAGE_SIZE, revision: resourceVersion });
      resourceVersion ??= page.header.revision;
      for (const kv of page.kvs) items.push(decode(kv, kv.mod_revision));
      if (!page.more || page.kvs.length === 0) break;
      from = Buffer.concat([page.kvs[page.kvs.length - 1].key, Buffer.from([0])]);
    }
    return { items, resourceVersion };
  }

  async create(object: SkyObject): Promise<SkyObject> {
    const key = this.etcdKey(refOf(object));
    const value = encode(object);
    const response = await this.client.kv.txn({
      compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key, value } }],
    });
    if (!response.succeeded) throw new AlreadyExistsError(describeRef(refOf(object)));
    return decodeValue(key, value, response.header.revision);
  }

  async update(object: SkyObject, expectedResourceVersion?: string): Promise<SkyObject> {
    const ref = refOf(object);
    const key = this.etcdKey(ref);
    const value = encode(object);
    const response = await this.conditionally(ref, expectedResourceVersion, { request_put: { key, value } });
    return decodeValue(key, value, response.header.revision);
  }

  async delete(ref: ObjectRef, expectedResourceVersion?: string): Promise<SkyObject> {
    const key = this.etcdKey(ref);
    const response = await this.conditionally(ref, expectedResourceVersion, {
      request_delete_range: { key, prev_kv: true },
    });
    return decode(response.responses[0].response_delete_range.prev_kvs[0], response.header.revision);
  }

  async *watch(options: WatchOptions): AsyncIterable<StoreEvent> {
    if (this.closed || options.signal?.aborted) return;
    const after = parseVersion(options.fromResourceVersion ?? (await this.currentResourceVersion()));
    const watch = new EtcdWatch(this.client, {
      range: Range.prefix(this.scopePrefix(options)),
      after,
      decode,
      signal: options.signal,
    });
    this.watches.add(watch);
    try {
      // A set of namespaces has no one key prefix: the kind's prefix, filtered here.
      const { namespaces } = options;
      if (namespaces === undefined || options.namespace !== undefined) yield* watch.events();
      else for await (const event of watch.events()) if (namespaces.has(event.object.metadata.namespace!)) yield event;
    } finally {
      this.watches.delete(watch);
    }
  }

  async currentResourceVersion(): Promise<string> {
    const response = await this.client.kv.range({ key: Buffer.from(this.prefix), count_only: true });
    return response.header.revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Cancelling waits for etcd's answer; an etcd that stopped answering must not block shutdown
    // (closing the client drops the watch stream anyway).
    const stopped = Promise.all([...this.watches].map((watch) => watch.stop()));
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
    this.client.close();
  }

  /**
   * Runs `operation` if the object exists (at the expected version, when one is given). On
   * failure the same transaction has read the key, which tells NotFound from Conflict.
   */
  private async conditionally(ref: ObjectRef, expected: string | undefined, operation: IRequestOp): Promise<ITxnResponse> {
    const key = this.etcdKey(ref);
    const compare: ICompare[] = [{ key, target: 'Create', result: 'Greater', create_revision: 0 }];
    if (expected !== undefined) {
      // A version this store never issued can match nothing; mod_revision 0 is never stored.
      compare.push({ key, target: 'Mod', result: 'Equal', mod_revision: /^[1-9]\d*$/.test(expected) ? expected : 0 });
    }
    const response = await this.client.kv.txn({ compare, success: [operation], failure: [{ request_range: { key } }] });
    if (response.succeeded) return response;
    const current = response.responses[0].response_range.kvs[0];
    if (!current || expected === undefined) throw new NotFoundError(describeRef(ref));
    throw new ConflictError(describeRef(ref), expected, current.mod_revision);
  }

  private etcdKey(key: ObjectRef): Buffer {
    return Buffer.from(`${this.prefix}/${refKey(key)}`);
  }

  /** "/sky/Job/" for a kind, "/sky/Job/default/" for a kind in one namespace. */
  private scopePrefix(scope: ListScope): Buffer {
    return Buffer.from(`${this.prefix}/${scope.kind}/${scope.namespace === undefined ? '' : `${scope.namespace}/`}`);
  }
}

/** The stored value leaves resourceVersion empty: it is the key's mod_revision, known only after the write. */
function encode(object: SkyObject): Buffer {
  return Buffer.from(JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: '' } }));
}

function decode(kv: IKeyValue, resourceVersion: string): SkyObject {
  return decodeValue(kv.key, kv.value, resourceVersion);
}

function decodeValue(key: Buffer, value: Buffer, resourceVersion: string): SkyObject {
  let object: SkyObject;
  try {
    object = JSON.parse(value.toString('utf8')) as SkyObject;
  } catch (error) {
    throw new Error(`etcd key ${key.toString()} does not hold a Sky object: ${(error as Error).message}`, { cause: error });
  }
  object.metadata.resourceVersion = resourceVersion;
  return object;
}
