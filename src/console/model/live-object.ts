/**
 * LiveObject: one object, kept current: read it, then watch its namespace from the version read
 * and keep only its own events (the watch sends changes only, not the namespace's objects). After
 * GONE or a failed watch it reads the object again and goes on from there.
 */
import type { ResourceAPI } from '../../client/api.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Kind } from '../../domain/kinds.js';
import type { SkyObject } from '../../domain/types.js';

export interface LiveObjectState<T> {
  object?: T;
  deleted: boolean;
  error?: string;
}

const RETRY_MS = 1_000;

export class LiveObject<T extends SkyObject> {
  private state: LiveObjectState<T> = { deleted: false };
  private readonly listeners = new Set<() => void>();
  private readonly stopper = new AbortController();
  private started = false;

  constructor(
    private readonly api: Pick<ResourceAPI<Kind>, 'get' | 'watch'>,
    private readonly name: string,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return () => this.listeners.delete(listener);
  };

  snapshot = (): LiveObjectState<T> => this.state;

  stop(): void {
    this.stopper.abort();
  }

  private set(state: LiveObjectState<T>): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private async run(): Promise<void> {
    const { signal } = this.stopper;
    while (!signal.aborted) {
      try {
        const object = (await this.api.get(this.name)) as T;
        if (signal.aborted) return;
        this.set({ object, deleted: false });
        let version = object.metadata.resourceVersion;
        for await (const event of this.api.watch({ resourceVersion: version, signal })) {
          if (event.type === 'BOOKMARK' || event.object?.metadata.name !== this.name) continue;
          version = event.resourceVersion;
          if (event.type === 'DELETED') this.set({ object: event.object as T, deleted: true });
          else this.set({ object: event.object as T, deleted: false });
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof NotFoundError) this.set({ object: this.state.object, deleted: true });
        else this.set({ ...this.state, error: (error as Error).message });
      }
      await this.wait(RETRY_MS);
    }
  }
}
