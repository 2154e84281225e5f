/**
 * A Kubernetes-style informer (model: kubernetes-client/javascript src/cache.ts, ListWatch): it
 * lists the objects, then watches from the list's resourceVersion, keeps an in-memory cache that
 * controllers read instead of the API, and tells handlers what changed.
 *
 * - Handlers run after the cache has changed, so a reconcile triggered by one reads the new state.
 *   They should only enqueue keys (see src/controllers); objects handed out are the cache's own
 *   and must not be modified.
 * - An event that does not change an object's resourceVersion is dropped.
 * - When the watch's version has expired (GONE) the informer lists again and diffs the result
 *   against the cache: a delete for each object that vanished meanwhile, an add or update for the
 *   rest that changed, so handlers miss nothing.
 * - Other failures go to the `error` handlers, and the informer retries after an exponential
 *   backoff capped at 30 s: the list if it has none yet, else the watch from the last version.
 *   (Dropped connections never get here; the API's watch resumes those itself.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GoneError } from '../domain/errors.js';
import type { ObjectList, SkyObject, WatchEvent } from '../domain/types.js';
import type { ListOptions, WatchOptions } from './api.js';
import { cacheKey } from '../domain/object-ref.js';

/** What an informer needs from an API; every ResourceAPI (JobAPI, ...) is one. */
export interface ListWatch<T extends SkyObject> {
  list(options: ListOptions): Promise<ObjectList<T>>;
  watch(options: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

export interface ObjectCache<T extends SkyObject> {
  /** `namespace` is needed for namespaced kinds, as in kubernetes-client's ObjectCache. */
  get(name: string, namespace?: string): T | undefined;
  /** Every cached object, or those of one namespace. */
  list(namespace?: string): T[];
}

export interface InformerHandlers<T extends SkyObject> {
  add: (object: T) => void;
  update: (object: T, old: T) => void;
  /** The object's last known state. */
  delete: (object: T) => void;
  error: (error: unknown) => void;
}

export type InformerEvent = keyof InformerHandlers<SkyObject>;

export interface InformerOptions extends ListOptions {
  /** Waits between retries; tests inject one that does not sleep. Rejects when `signal` aborts. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export class Informer<T extends SkyObject> implements ObjectCache<T> {
  private objects = new Map<string, T>();
  private resourceVersion?: string;
  private synced = false;
  private stopper?: AbortController;
  private running?: Promise<void>;
  private markSynced: () => void = () => {};
  private readonly handlers: { [E in InformerEvent]: InformerHandlers<T>[E][] } = {
    add: [],
    update: [],
    delete: [],
    error: [],
  };
  private readonly scope: ListOptions;
  private readonly delay: NonNullable<InformerOptions['delay']>;

  constructor(
    private readonly source: ListWatch<T>,
    { delay, ...scope }: InformerOptions = {},
  ) {
    this.scope = scope;
    this.delay = delay ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  }

  on<E extends InformerEvent>(event: E, handler: InformerHandlers<T>[E]): this {
    this.handlers[event].push(handler);
    return this;
  }

  off<E extends InformerEvent>(event: E, handler: InformerHandlers<T>[E]): this {
    const list = this.handlers[event];
    const at = list.indexOf(handler);
    if (at >= 0) list.splice(at, 1);
    return this;
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (this.stopper) throw new Error('The informer has already been started.');
    const stopper = new AbortController();
    this.stopper = stopper;
    const synced = new Promise<void>((resolve, reject) => {
      this.markSynced = resolve;
      stopper.signal.addEventListener('abort', () => reject(new Error('The informer was stopped before its cache synced.')));
    });
    this.running = this.run(stopper.signal);
    return synced;
  }

  /** Stops watching; no handler runs after the returned promise resolves. */
  async stop(): Promise<void> {
    this.stopper?.abort();
    await this.running;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(namespace === undefined ? name : `${namespace}/${name}`);
  }

  /** By cacheKey(), as a work queue hands keys to a reconcile. */
  getByKey(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let mustList = true;
    // Failures since the watch last delivered an event. A relist does not reset it: a list whose
    // version is already GONE again would otherwise loop without pause.
    let failures = 0;
    while (!signal.aborted) {
      let failure: unknown;
      try {
        if (mustList) {
          const list = await this.source.list(this.scope);
          if (signal.aborted) return; // stop() promised that no handler runs any more
          this.replace(list);
          mustList = false;
        }
        const events = this.source.watch({ ...this.scope, resourceVersion: this.resourceVersion, signal });
        for await (const event of events) {
          failures = 0;
          this.apply(event);
        }
      } catch (error) {
        failure = error;
      }
      if (signal.aborted) return;
      const gone = failure instanceof GoneError;
      if (gone) mustList = true;
      else if (failure !== undefined) this.emit('error', failure);
      // An expired version is routine and relisted at once; anything else (a failure, or a watch
      // that ended by itself) waits, longer each time.
      const wait = gone && failures === 0 ? 0 : Math.min(BACKOFF_BASE_MS * 2 ** failures, BACKOFF_MAX_MS);
      failures++;
      try {
        if (wait > 0) await this.delay(wait, signal);
      } catch {
        return; // stopped while waiting
      }
    }
  }

  /** Replaces the cache with a fresh list and tells handlers the difference. */
  private replace(list: ObjectList<T>): void {
    const previous = this.objects;
    this.objects = new Map(list.items.map((o) => [cacheKey(o.metadata), o]));
    this.resourceVersion = list.resourceVersion;
    for (const [key, old] of previous) if (!this.objects.has(key)) this.emit('delete', old);
    for (const [key, object] of this.objects) this.changed(object, previous.get(key));
    if (!this.synced) {
      this.synced = true;
      this.markSynced();
    }
  }

  private apply(event: WatchEvent<T>): void {
    this.resourceVersion = event.resourceVersion;
    const { object } = event;
    if (event.type === 'BOOKMARK' || object === undefined) return;
    const key = cacheKey(object.metadata);
    if (event.type === 'DELETED') {
      // A label-selector watch may report the deletion of an object the cache never held.
      if (this.objects.delete(key)) this.emit('delete', object);
      return;
    }
    const old = this.objects.get(key);
    this.objects.set(key, object);
    this.changed(object, old);
  }

  private changed(object: T, old: T | undefined): void {
    if (old === undefined) this.emit('add', object);
    else if (old.metadata.resourceVersion !== object.metadata.resourceVersion) this.emit('update', object, old);
  }

  private emit<E extends InformerEvent>(event: E, ...args: Parameters<InformerHandlers<T>[E]>): void {
    for (const handler of [...this.handlers[event]]) {
      try {
        (handler as (...a: typeof args) => void)(...args);
      } catch (error) {
        // A failing handler must not stop the informer; error handlers' own failures go nowhere.
        if (event !== 'error') this.emit('error', error);
      }
    }
  }
}
