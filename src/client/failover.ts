/**
 * When a client of several API servers may send a failed request to the next one. Pure, so the
 * rule is unit-tested on its own (test/unit/client/failover.test.ts); SkyClient applies it.
 *
 * The rule, and why:
 * - A query goes to the next server after any connection failure (refused, reset, DNS, timeout):
 *   reading twice changes nothing.
 * - A mutation goes to the next server only when it certainly never reached one: the failure
 *   happened while resolving the name or opening the connection (ECONNREFUSED, ENOTFOUND, a
 *   connect timeout, a reset during connect), so no byte of the request was written. When it may
 *   have been received (the connection was reset or closed after the request went out, or no
 *   answer came in time), the server may have applied it before it died, and resending would apply
 *   it twice: a create would fail with ALREADY_EXISTS for an object that was in fact created, or,
 *   for writes that are not compare-and-swap, be made twice. Such a failure is surfaced as a
 *   ConnectionError with `mayHaveBeenApplied`; the caller reads the object again and decides,
 *   which optimistic concurrency makes safe: an update carries the resourceVersion it was based
 *   on, so a retry of one that did apply fails with CONFLICT instead of applying twice.
 */
import { Kind, parse, type OperationTypeNode } from 'graphql';

export type OperationType = `${OperationTypeNode}`;

/** What to do after a request to one server failed to connect. */
export type FailoverDecision = 'next-server' | 'surface';

export function failoverDecision(operation: OperationType, failure: unknown): FailoverDecision {
  if (operation !== 'mutation') return 'next-server';
  return neverSent(failure) ? 'next-server' : 'surface';
}

/** Failures of name resolution or of the connect itself, by code, as Node and undici report them. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Socket calls that run before any request byte is written. */
const NOT_SENT_SYSCALLS = new Set(['connect', 'getaddrinfo']);

/**
 * Whether the request certainly never reached a server: somewhere in the error's cause chain (fetch
 * wraps the socket's error in `cause`, ws's ErrorEvent in `error`) is a failure to resolve or to
 * connect. Anything else (a reset while reading, "other side closed", a timeout waiting for the
 * answer, an unknown error) counts as maybe received.
 */
export function neverSent(failure: unknown): boolean {
  for (let error: unknown = failure, depth = 0; typeof error === 'object' && error !== null && depth < 8; depth++) {
    const { code, syscall, cause, error: inner } = error as { code?: unknown; syscall?: unknown; cause?: unknown; error?: unknown };
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    if (typeof syscall === 'string' && NOT_SENT_SYSCALLS.has(syscall)) return true;
    error = cause ?? inner;
  }
  return false;
}

// Documents are a handful of constants sent again and again; parse each once. The bound keeps a
// client fed endless distinct documents from growing without limit.
const OPERATION_CACHE_LIMIT = 1_000;
const operations = new Map<string, OperationType>();

/**
 * Whether `document` is a query, mutation or subscription: of its only operation (the client
 * sends no operationName). A document that does not parse counts as a query: the server will
 * refuse it without applying anything.
 */
export function operationType(document: string): OperationType {
  const known = operations.get(document);
  if (known) return known;
  let type: OperationType = 'query';
  try {
    const definition = parse(document, { noLocation: true }).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (definition?.kind === Kind.OPERATION_DEFINITION) type = definition.operation;
  } catch {
    // see above
  }
  if (operations.size >= OPERATION_CACHE_LIMIT) operations.clear();
  operations.set(document, type);
  return type;
}
