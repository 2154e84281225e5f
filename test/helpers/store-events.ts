/** Reading a Store's watches and results in tests: events with a timeout, and short descriptions to compare. */
import { expect } from 'vitest';
import { ConflictError, type DomainError } from '../../src/domain/errors.js';
import type { ObjectRef } from '../../src/domain/object-ref.js';
import type { SkyObject } from '../../src/domain/types.js';
import type { Store, StoreEvent, WatchOptions } from '../../src/storage/store.js';

const EVENT_TIMEOUT_MS = 10_000;

export const jobKey = (name: string, namespace = 'default'): ObjectRef => ({ kind: 'Job', namespace, name });

export type Events = AsyncIterator<StoreEvent>;

export function watch(store: Store, options: WatchOptions): Events {
  return store.watch(options)[Symbol.asyncIterator]();
}

export async function next(events: Events): Promise<StoreEvent> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no watch event within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([events.next(), timeout]);
    if (result.done) throw new Error('the watch ended');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

export async function take(events: Events, count: number): Promise<StoreEvent[]> {
  const taken: StoreEvent[] = [];
  for (let i = 0; i < count; i++) taken.push(await next(events));
  return taken;
}

/** "ADDED a/x" */
export function describeEvent(event: StoreEvent): string {
  const { namespace, name } = event.object.metadata;
  return `${event.type} ${namespace ? `${namespace}/` : ''}${name}`;
}

export function names(objects: SkyObject[]): string[] {
  return objects.map((o) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name));
}

/** Each event carries its object's version, and the versions rise. */
export function expectOrdered(events: StoreEvent[]): void {
  for (const [i, event] of events.entries()) {
    expect(event.object.metadata.resourceVersion).toBe(event.resourceVersion);
    if (i > 0) expect(Number(event.resourceVersion)).toBeGreaterThan(Number(events[i - 1].resourceVersion));
  }
}

export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

/** Sets the `count` annotation with compare-and-swap, re-reading on every conflict; resolves with the attempts it took. */
export async function increment(store: Store, key: ObjectRef): Promise<number> {
  for (let attempts = 1; ; attempts++) {
    const current = (await store.get(key))!;
    current.metadata.annotations.count = String(Number(current.metadata.annotations.count) + 1);
    try {
      await store.update(current, current.metadata.resourceVersion);
      return attempts;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
