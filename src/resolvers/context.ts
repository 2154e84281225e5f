/**
 * What every resolver function receives. The GraphQL context (src/schema/builder.ts) extends
 * this, so the same functions run under Yoga and in plain unit tests with a MemoryStore.
 */
import type { Warning } from '../domain/types.js';
import type { Store } from '../storage/store.js';

export interface ResolverContext {
  store: Store;
  /** Pace of BOOKMARK events on idle watches. */
  bookmarkIntervalMs: number;
  /** Clock for creationTimestamp and condition times; tests may pin it. */
  now?: () => Date;
  /**
   * Reports what a successful answer could not include (a cluster whose logs cannot be read);
   * the server sends it in the response's `extensions.warnings` (src/server/use-warnings.ts).
   * Absent where nobody listens (unit tests).
   */
  warn?: (warning: Warning) => void;
}

export function nowIso(ctx: ResolverContext): string {
  return (ctx.now?.() ?? new Date()).toISOString();
}
