/**
 * Expected failures of the API. Each carries the `extensions.code` clients branch on; the server
 * turns them into GraphQLErrors in one place (src/server/use-domain-errors.ts) and masks anything
 * else. Clients (src/client) rebuild the same classes from the code, so `instanceof` works on
 * both sides of the wire.
 */
export const ERROR_CODES = [
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'BAD_USER_INPUT',
  'GONE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable details, sent as `extensions` beside `code`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `Object '${what}' not found.`, { object: what });
  }
}

export class AlreadyExistsError extends DomainError {
  constructor(what: string) {
    super('ALREADY_EXISTS', `Object '${what}' already exists.`, { object: what });
  }
}

export class ConflictError extends DomainError {
  constructor(what: string, expected: string, actual: string) {
    super(
      'CONFLICT',
      `Object '${what}' has been modified: resourceVersion ${expected} is stale (now ${actual}); read it again and retry.`,
      { object: what, expectedResourceVersion: expected, actualResourceVersion: actual },
    );
  }
}

/**
 * CONFLICT for a field-scoped write whose writer decided from a view that is no longer true (the
 * spec or the placements changed since). Unlike a resourceVersion race it is not retried by the
 * server: only the writer can decide again. Clients see a ConflictError.
 */
export class PreconditionFailedError extends DomainError {
  constructor(what: string, reason: string) {
    super('CONFLICT', `Object '${what}' has changed: ${reason}; read it again and decide again.`, { object: what });
  }
}

/** Bad input, naming the offending field with a dotted path such as `spec.resources.cpu`. */
export class BadUserInputError extends DomainError {
  constructor(
    readonly field: string,
    /** What is wrong with it, without the field: the message is `field: reason`. */
    readonly reason: string,
  ) {
    super('BAD_USER_INPUT', `${field}: ${reason}`, { field });
  }
}

/** A watch asked to resume from a resourceVersion older than the retained history. */
export class GoneError extends DomainError {
  constructor(resourceVersion: string, oldest: string) {
    super(
      'GONE',
      `resourceVersion ${resourceVersion} is too old (oldest retained is ${oldest}); list again and watch from the list's resourceVersion.`,
      { resourceVersion, oldestResourceVersion: oldest },
    );
  }
}

/**
 * A watch asked to resume from a resourceVersion the store has not reached, even after waiting:
 * it comes from another store, or from one since replaced (a wiped data directory). GONE, as
 * for a version too old, since the remedy is the same: list again and watch from the list's
 * resourceVersion (kube-apiserver answers "Too large resource version", and its clients relist).
 */
export class ResourceVersionTooLargeError extends DomainError {
  constructor(resourceVersion: string, current: string, waitedMs: number) {
    super(
      'GONE',
      `resourceVersion ${resourceVersion} is newer than the store's (${current}, after waiting ${waitedMs / 1000} s): it comes from another store or one since replaced; list again and watch from the list's resourceVersion.`,
      { resourceVersion, currentResourceVersion: current, reason: 'TooLarge' },
    );
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required.') {
    super('UNAUTHENTICATED', message);
  }
}
