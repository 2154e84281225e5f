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

/** One API server that could not be reached, and why ("ECONNREFUSED"). */
export interface Unreachable {
  url: string;
  reason: string;
}

const startHint = (which: 'it' | 'one') =>
  `Start ${which} with \`skym up\` (API server and controllers) or \`skym server\` (API server only), ` +
  'or set SKYM_API to the URL of a running server.';

/**
 * The API server could not be reached (refused, DNS failure, socket dropped and not back). A
 * client of several servers throws it when none could be reached (`unreachable` then names each),
 * or when a mutation's connection failed after it may have reached its server
 * (`mayHaveBeenApplied`; src/client/failover.ts says why it is not resent).
 */
export class ConnectionError extends Error {
  /** Every server tried, in order, with its reason; one entry for a client of one server. */
  readonly unreachable: readonly Unreachable[];
  /** A mutation's request may have reached the server, which may have applied it: read before retrying. */
  readonly mayHaveBeenApplied: boolean;

  constructor(
    /** The server (the last one tried, when several were). */
    readonly url: string,
    reason: string,
    options?: { cause?: unknown; mayHaveBeenApplied?: boolean },
  ) {
    const applied = options?.mayHaveBeenApplied
      ? `The Sky Manager API server at ${url} was lost after the request was sent (${reason}): the change may or may not have been made; read the object again before retrying.`
      : `The Sky Manager API server at ${url} is not reachable (${reason}). ${startHint('it')}`;
    super(applied, options);
    this.name = 'ConnectionError';
    this.unreachable = [{ url, reason }];
    this.mayHaveBeenApplied = options?.mayHaveBeenApplied ?? false;
  }

  /** One error for a request every server failed, each with its own reason; `cause` is the last one's. */
  static ofAll(errors: readonly ConnectionError[]): ConnectionError {
    const last = errors[errors.length - 1];
    if (errors.length === 1) return last;
    const unreachable = errors.flatMap((error) => error.unreachable);
    const error = new ConnectionError(last.url, last.unreachable[0].reason, { cause: last.cause });
    error.message = `None of the Sky Manager API servers is reachable: ${unreachable.map(({ url, reason }) => `${url} (${reason})`).join(', ')}. ${startHint('one')}`;
    Object.assign(error, { unreachable });
    return error;
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
