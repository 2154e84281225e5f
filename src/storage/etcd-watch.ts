/**
 * One etcd watch as an async iterable of StoreEvents. It rides on etcd3's Watcher, which puts
 * all watches of a client on one gRPC stream and re-creates them after a reconnect, and fixes
 * two things the etcd3 1.1.2 Watcher gets wrong for a store that promises "exactly once":
 *
 * - Where it resumes. After every response etcd3 sets the watch's start revision to the response
 *   header's revision + 1. But the header carries etcd's *current* revision, which runs ahead of
 *   the events sent so far: the create response arrives before any history, and history comes
 *   in batches of 1000 revisions about 100 ms apart, each stamped with the current revision.
 *   A reconnect in between would resume past events never delivered. We pin the start revision
 *   to the last delivered event + 1 after every response and before every reconnect.
 * - Compaction. etcd3 reports a compacted start revision as a bare "Watcher canceled: " error
 *   (the response's compact_revision is dropped). We ask etcd whether the revision we need has
 *   been compacted and, if so, fail with GoneError.
 */
import type { Etcd3, IKeyValue, IWatchResponse, Range, Watcher } from 'etcd3';
import { GoneError } from '../domain/errors.js';
import type { SkyObject } from '../domain/types.js';
import { AsyncQueue } from './async-queue.js';
import type { StoreEvent } from './store.js';

export interface EtcdWatchOptions {
  range: Range;
  /** Deliver events with a revision greater than this. */
  after: number;
  decode(kv: IKeyValue, resourceVersion: string): SkyObject;
  signal?: AbortSignal;
}

export class EtcdWatch {
  private readonly queue = new AsyncQueue<StoreEvent>();
  private readonly watcher: Watcher;
  /** The revision of the next event to deliver. */
  private next: number;
  private canceledByEtcd = false;
  private stopping?: Promise<void>;
  private readonly onAbort = () => this.queue.end();

  constructor(
    private readonly client: Etcd3,
    private readonly options: EtcdWatchOptions,
  ) {
    this.next = options.after + 1;
    // watcher() rather than create(): handlers must be in place before the first response, and
    // create() only hands the Watcher over after it has been emitted.
    this.watcher = client.watch().inRange(options.range).startRevision(String(this.next)).withPreviousKV().watcher();
    this.watcher.on('connected', () => this.pin());
    this.watcher.on('disconnected', () => this.pin());
    this.watcher.on('data', (response: IWatchResponse) => this.receive(response));
    this.watcher.on('error', (error: Error) => {
      this.canceledByEtcd = true;
      void this.explain(error).then((reason) => this.queue.fail(reason));
    });
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) this.queue.end();
  }

  async *events(): AsyncGenerator<StoreEvent> {
    try {
      yield* this.queue;
    } finally {
      await this.stop();
    }
  }

  /** Ends the stream and cancels the etcd watch (once: etcd ignores a second cancel, and etcd3 would wait forever for its answer). */
  stop(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.queue.end();
    this.stopping ??= this.canceledByEtcd ? Promise.resolve() : this.watcher.cancel();
    return this.stopping;
  }

  private pin(): void {
    this.watcher.request.start_revision = String(this.next);
  }

  private receive(response: IWatchResponse): void {
    // Runs inside etcd3's stream handler, which rethrows handler errors asynchronously (crashing
    // the process); failures must end this stream instead.
    try {
      for (const event of response.events) {
        const revision = Number(event.kv.mod_revision);
        if (revision < this.next) continue; // delivered before a reconnect
        this.queue.push(this.toStoreEvent(event.type, event.kv, event.prev_kv));
        this.next = revision + 1;
      }
    } catch (error) {
      this.queue.fail(error);
    }
    this.pin();
  }

  private toStoreEvent(type: 'Put' | 'Delete', kv: IKeyValue, previous: IKeyValue | undefined): StoreEvent {
    const resourceVersion = kv.mod_revision;
    if (type === 'Put') {
      return { type: kv.version === '1' ? 'ADDED' : 'MODIFIED', object: this.options.decode(kv, resourceVersion), resourceVersion };
    }
    // etcd omits the previous value when the revision before the delete has been compacted.
    if (!previous) throw new GoneError(String(this.next - 1), resourceVersion);
    return { type: 'DELETED', object: this.options.decode(previous, resourceVersion), resourceVersion };
  }

  /** Tells a compaction (GoneError) from any other reason etcd had to cancel the watch. */
  private async explain(error: Error): Promise<Error> {
    const key = this.options.range.start;
    try {
      await this.client.kv.range({ key, revision: this.next, count_only: true });
      return error;
    } catch (probe) {
      if (!isCompacted(probe)) return error;
    }
    try {
      // The oldest revision etcd still has lies between `next` (compacted) and now.
      let compacted = this.next;
      let retained = Number((await this.client.kv.range({ key, count_only: true })).header.revision);
      while (retained - compacted > 1) {
        const middle = Math.floor((compacted + retained) / 2);
        if (await this.isRetained(key, middle)) retained = middle;
        else compacted = middle;
      }
      return new GoneError(String(this.next - 1), String(retained));
    } catch (probeError) {
      return probeError as Error;
    }
  }

  private async isRetained(key: Buffer, revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key, revision, count_only: true });
      return true;
    } catch (error) {
      if (isCompacted(error)) return false;
      throw error;
    }
  }
}

function isCompacted(error: unknown): boolean {
  return error instanceof Error && error.message.includes('required revision has been compacted');
}
