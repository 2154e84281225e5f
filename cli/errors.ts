/**
 * The one place that turns failures into what a person reads after `Error: `. The client reports
 * failures as typed errors (src/client/errors.ts); each becomes a sentence that names the object
 * the way the user typed it (`job "x" not found in namespace "default"`) and, where there is one,
 * the next step. BaseCommand.catch prints the result; commands never format errors themselves.
 */
import { Errors } from '@oclif/core';
import {
  AlreadyExistsError,
  ApiError,
  BadUserInputError,
  ConflictError,
  ConnectionError,
  DomainError,
  NotFoundError,
  UnauthenticatedError,
} from '../src/client/index.js';
import { networkReason } from '../src/client/errors.js';
import { ConfigFileError } from './config.js';
import { kindOfPlural, nounOf, UnknownKindError } from './kinds.js';
import { UsageError } from './usage-error.js';

// In a module of its own, so that flag parsers can throw it without importing the kind table.
export { UsageError };

export interface ErrorReport {
  message: string;
  /** The API's `extensions.code`, or CONNECTION for an unreachable server. */
  code?: string;
  /** BAD_USER_INPUT: the dotted path of the offending value, e.g. `spec.resources.cpu`. */
  field?: string;
  /** oclif usage errors keep their own exit status (2); everything else exits 1. */
  exitCode: number;
}

/**
 * The API names objects by key: `jobs/default/x` or `clusters/a` (src/domain/object-ref.ts
 * describeRef). Read back, that is `job "x" in namespace "default"`.
 */
export function describeObjectKey(key: string): { subject: string; where: string } | undefined {
  const parts = key.split('/');
  const kind = kindOfPlural(parts[0]);
  if (!kind || parts.length < 2 || parts.length > 3) return undefined;
  const name = parts[parts.length - 1];
  return { subject: `${nounOf(kind)} "${name}"`, where: parts.length === 3 ? ` in namespace "${parts[1]}"` : '' };
}

/** The object an API error is about, from its `extensions.object`. */
function objectOf(error: DomainError) {
  const object = error.details.object;
  return typeof object === 'string' ? describeObjectKey(object) : undefined;
}

/** Field paths as the user wrote them in a manifest: `spec.resources.cpu`, not `input.spec…`. */
export function userField(field: string): string {
  return field.replace(/^input\./, '');
}

/**
 * GraphQL's own input errors lead with the whole variable (`Variable "$input" got invalid value
 * {…} at "input.spec"; Field "runn" is not defined …`); the field is already named, so keep the
 * reason after the semicolon.
 */
function coercionReason(message: string): string {
  const match = /^Variable "\$[^"]+" got invalid value .*?; (.*)$/s.exec(message);
  return match ? match[1] : message;
}

const START_HINT =
  'Start one with `skym up` (API server and controllers) or `skym server` (API server only), ' +
  'or point skym at a running one with --api URL, SKYM_API or `skym config set api URL`.';

/** Why a server of ours could not listen, with the flag that changes it; undefined for other errors. */
function listenFailure(error: unknown): string | undefined {
  const { code, syscall, address, port } = (error ?? {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  if (syscall !== 'listen') return undefined;
  const where = `${address?.includes(':') ? `[${address}]` : address}:${port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the address is in use, perhaps by another skym up or skym server. Stop that one, or choose another port (--port).`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges). Choose another port (--port).`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: this machine has no such address. Choose another (--host).`;
  return undefined;
}

export function explainError(error: unknown): ErrorReport {
  const listen = listenFailure(error);
  if (listen) return { message: listen, code: (error as NodeJS.ErrnoException).code, exitCode: 1 };
  if (error instanceof NotFoundError) {
    const object = objectOf(error);
    if (!object) return { message: error.message, code: error.code, exitCode: 1 };
    // A namespaced object cannot be created in a namespace that does not exist; say how to make it.
    const hint = object.subject.startsWith('namespace "') ? `; create it with \`skym create ${object.subject.replaceAll('"', '')}\`` : '';
    return { message: `${object.subject} not found${object.where}${hint}`, code: error.code, exitCode: 1 };
  }
  if (error instanceof ConflictError) {
    const object = objectOf(error);
    const subject = object ? `${object.subject}${object.where}` : 'the object';
    return { message: `${subject} was changed by someone else; get it again and retry`, code: error.code, exitCode: 1 };
  }
  if (error instanceof AlreadyExistsError) {
    const object = objectOf(error);
    const message = object ? `${object.subject} already exists${object.where}; change it with \`skym apply\`` : error.message;
    return { message, code: error.code, exitCode: 1 };
  }
  if (error instanceof BadUserInputError) {
    const field = userField(error.field);
    // The server's message starts with the field it names (`input.spec.cpu: must be …`); say it once.
    const reason = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : coercionReason(error.message);
    return { message: field ? `invalid ${field}: ${reason}` : reason, code: error.code, field: field || undefined, exitCode: 1 };
  }
  if (error instanceof UnauthenticatedError) {
    // The server's sentence says what is wrong; the CLI adds where its token comes from.
    const hint = 'Set the token with SKYM_TOKEN or `skym config set token TOKEN`.';
    return { message: `${error.message} ${hint}`, code: error.code, exitCode: 1 };
  }
  if (error instanceof DomainError) return { message: error.message, code: error.code, exitCode: 1 };
  if (error instanceof ConnectionError) {
    const reason = networkReason(error.cause ?? error);
    if (error.mayHaveBeenApplied) {
      const message = `the connection to the Sky Manager API server at ${error.url} was lost after the request was sent (${reason}): the change may or may not have been made; look with \`skym get\` before trying again.`;
      return { message, code: 'CONNECTION', exitCode: 1 };
    }
    if (error.unreachable.length > 1) {
      const servers = error.unreachable.map(({ url, reason: why }) => `${url} (${why})`).join(', ');
      return { message: `none of the Sky Manager API servers is running or reachable: ${servers}.\n${START_HINT}`, code: 'CONNECTION', exitCode: 1 };
    }
    return {
      message: `the Sky Manager API server at ${error.url} is not running or not reachable (${reason}).\n${START_HINT}`,
      code: 'CONNECTION',
      exitCode: 1,
    };
  }
  if (error instanceof ApiError) {
    return { message: `the API server could not do that: ${error.message}`, code: error.code, exitCode: 1 };
  }
  if (error instanceof UsageError || error instanceof UnknownKindError || error instanceof ConfigFileError) return { message: error.message, exitCode: 1 };
  // oclif's own parse errors ("Missing 1 required arg") already read well and carry their status.
  if (error instanceof Errors.CLIError) return { message: error.message, exitCode: error.oclif?.exit ?? 1 };
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}
