/**
 * What every resolver function receives. The GraphQL context (src/schema/builder.ts) extends
 * this, so the same functions run under Yoga and in plain unit tests with a MemoryStore.
 */
import type { Store } from '../storage/store.js';

export interface ResolverContext {
  store: Store;
  /** Pace of BOOKMARK events on idle watches. */
  bookmarkIntervalMs: number;
  /** Clock for creationTimestamp and condition times; tests may pin it. */
  now?: () => Date;
}

export function nowIso(ctx: ResolverContext): string {
  return (ctx.now?.() ?? new Date()).toISOString();
}
