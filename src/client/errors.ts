/**
 * How the client reports failures. Callers branch on classes, never on message text:
 * - a GraphQL error whose `extensions.code` is one of the API's codes becomes the matching
 *   DomainError subclass from src/domain/errors.ts (NotFoundError, ConflictError, GoneError, ...),
 *   carrying the server's own message and extensions;
 * - any other GraphQL error (masked internal errors, query validation failures) is an ApiError;
 * - not reaching the server at all is a ConnectionError that says how to start one.
 */
import type { GraphQLFormattedError } from 'graphql';
import {
  AlreadyExistsError,
  BadUserInputError,
  ConflictError,
  DomainError,
  ERROR_CODES,
  ForbiddenError,
  GoneError,
  NotFoundError,
  UnauthenticatedError,
  type ErrorCode,
} from '../domain/errors.js';

/** The API server could not be reached (refused, DNS failure, socket dropped and not back). */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The Sky Manager API server at ${url} is not reachable (${reason}). ` +
        'Start it with `skym up` (API server and controllers) or `skym server` (API server only), ' +
        'or set SKYM_API to the URL of a running server.',
      options,
    );
    this.name = 'ConnectionError';
  }
}

/** A GraphQL error without one of the API's codes, or an HTTP failure that carried no GraphQL errors. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** `extensions.code` when the server sent one (e.g. GRAPHQL_VALIDATION_FAILED). */
    readonly code?: string,
    readonly errors: readonly GraphQLFormattedError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ERROR_CLASSES: Record<ErrorCode, abstract new (...args: never[]) => DomainError> = {
  NOT_FOUND: NotFoundError,
  ALREADY_EXISTS: AlreadyExistsError,
  CONFLICT: ConflictError,
  BAD_USER_INPUT: BadUserInputError,
  GONE: GoneError,
  UNAUTHENTICATED: UnauthenticatedError,
  FORBIDDEN: ForbiddenError,
};

function isErrorCode(code: unknown): code is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(code);
}

/**
 * Rebuilds the server's error as the DomainError subclass its code names. The subclasses'
 * constructors compose their own messages from arguments; the server's message is the truth here,
 * so the instance is built by DomainError's constructor with `new.target` set to the subclass:
 * `instanceof`, `name`, `code`, `message` and `details` all come out as the server meant them.
 */
export function errorFromGraphQL(errors: readonly GraphQLFormattedError[]): Error {
  const [first] = errors;
  if (!first) return new ApiError('The API server returned an empty error list.');
  const { code, ...details } = first.extensions ?? {};
  if (!isErrorCode(code)) return new ApiError(first.message, typeof code === 'string' ? code : undefined, errors);
  const error = Reflect.construct(DomainError, [code, first.message, details], ERROR_CLASSES[code]) as DomainError;
  // BadUserInputError's own fields, set by its constructor, which was bypassed above.
  if (error instanceof BadUserInputError) {
    const field = String(details.field ?? '');
    const reason = first.message.startsWith(`${field}: `) ? first.message.slice(field.length + 2) : first.message;
    Object.assign(error, { field, reason });
  }
  return error;
}

// Shared with the API server, which reads logs from Skylets over HTTP too.
export { networkReason } from '../domain/network-reason.js';
