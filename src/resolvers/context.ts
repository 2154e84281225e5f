/**
 * What every resolver function receives. The GraphQL context (src/schema/builder.ts) extends
 * this, so the same functions run under Yoga and in plain unit tests with a MemoryStore.
 */
import type { Kind } from '../domain/kinds.js';
import type { AccessRequest } from '../domain/rbac/authorizer.js';
import type { Warning } from '../domain/types.js';
import type { Store } from '../storage/store.js';

/** The caller, as the API server's token file names them (src/server/auth/token-file.ts). */
export interface AuthenticatedUser {
  name: string;
  uid: string;
  groups: readonly string[];
}

/** What of the namespaces a caller may see: per object, and the namespaces granted when the view was taken. */
export interface NamespaceView {
  visible(namespace: string): boolean;
  readonly namespaces: ReadonlySet<string>;
}

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
  /**
   * Who called, when the server authenticates (a token file is configured; see
   * src/server/auth/use-auth.ts); absent when it does not. Authorization happens before any
   * resolver runs, so no resolver needs to read this to decide what to answer.
   */
  user?: AuthenticatedUser;
  /**
   * With authorization, for a list or watch of a namespaced kind over all namespaces: which
   * namespaces' objects the caller may see (asked per object, as roles may change during a
   * watch), or undefined when they may see every namespace's. Absent: everything.
   */
  mayView?: (verb: 'list' | 'watch', kind: Kind) => NamespaceView | undefined;
  /** With authorization: whether the caller may do this (for accessReview). */
  can?: (request: AccessRequest) => boolean;
  /** Sent to the Skylet endpoints this server reads logs from (src/domain/skylet-token.ts). */
  skyletToken?: string;
  /** Read logs from Skylet endpoints at link-local and metadata addresses too (off by default). */
  skyletAllowLinkLocal?: boolean;
}

export function nowIso(ctx: ResolverContext): string {
  return (ctx.now?.() ?? new Date()).toISOString();
}
