/**
 * LiveList: the objects of one kind (and scope) as the page shows them, kept current by an
 * informer of the typed client (list, then watch from the list's version, resumed after a dropped
 * connection, re-listed after GONE). Changes are gathered and handed to the page at most once per
 * frame: a table of 10,000 jobs receiving a hundred updates a second renders sixty times a second,
 * not a hundred.
 */
import { Informer, type ListWatch } from '../../client/informer.js';
import type { ListOptions } from '../../client/api.js';
import type { SkyObject } from '../../domain/types.js';

export interface LiveSnapshot<T> {
  items: readonly T[];
  /** False until the first list has arrived. */
  synced: boolean;
  /** The newest failure, cleared by the next change that arrives. */
  error?: string;
}

/** Runs `flush` once, soon: the page passes the browser's next frame, tests one that runs at once. */
export type Schedule = (flush: () => void) => void;

export class LiveList<T extends SkyObject> {
  private readonly informer: Informer<T>;
  private readonly listeners = new Set<() => void>();
  private current: LiveSnapshot<T> = { items: [], synced: false };
  private scheduled = false;
  private error?: string;
  private started = false;

  constructor(
    source: ListWatch<T>,
    scope: ListOptions = {},
    private readonly schedule: Schedule,
    /** Default: by namespace, then name. */
    private readonly order: (a: T, b: T) => number = byNamespaceAndName,
  ) {
    this.informer = new Informer(source, scope);
    const changed = () => {
      this.error = undefined;
      this.changed();
    };
    this.informer.on('add', changed).on('update', changed).on('delete', changed);
    this.informer.on('error', (error) => {
      this.error = error instanceof Error ? error.message : String(error);
      this.changed();
    });
  }

  /** For React's useSyncExternalStore: the first subscriber starts the informer. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      this.informer.start().then(
        () => this.changed(),
        () => undefined, // stopped before it synced, or its error went to the handler
      );
    }
    return () => this.listeners.delete(listener);
  };

  snapshot = (): LiveSnapshot<T> => this.current;

  stop(): Promise<void> {
    return this.informer.stop();
  }

  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const items = this.informer.list().sort(this.order);
      this.current = { items, synced: this.informer.hasSynced(), error: this.error };
      for (const listener of this.listeners) listener();
    });
  }
}

/** Code-unit order, not localeCompare: sorting 10,000 rows each frame must take a few ms. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function byNamespaceAndName(a: SkyObject, b: SkyObject): number {
  return compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name, b.metadata.name);
}
