/**
 * useAuth: authorization (Roles and bindings, ./authorize-operation.ts) for every operation,
 * before anything executes, after authentication (bearer token → user, ./authenticate.ts). The
 * app adds it only when a token file or OIDC is configured; without either the server is open
 * and pays nothing.
 *
 * Authentication comes first of all, before the request is read or its document parsed
 * (./use-authenticate-first.ts); deciding what the user may call needs the parsed operation, so it
 * is done here, at execution (onExecute/onSubscribe), where every transport meets through Yoga's
 * envelop: /graphql over HTTP, graphql-ws (src/server/graphql-ws.ts runs each operation through
 * `yoga.getEnveloped()`), and the REST view (SOFA executes through the same envelop, without
 * parsing). The user is authenticated again here, which costs a digest (a JWT is verified once
 * per request or connection, ./authenticator.ts), so that no path to execution depends on having
 * passed the earlier check. /healthz, /readyz and the GraphiQL page
 * run no operation, so they stay open.
 *
 * A refusal is the operation's result, with no data: `extensions.code` UNAUTHENTICATED (HTTP 401,
 * with `WWW-Authenticate: Bearer`) or FORBIDDEN (HTTP 403); the REST view maps the codes to the
 * same statuses. Over WebSocket the socket stays up and the subscription gets the error as its
 * only result, which the typed client throws as UnauthenticatedError/ForbiddenError (a refusal at
 * connection_init could only close the socket, which clients read as a network failure and retry).
 *
 * This plugin goes first among the operation plugins: a refused operation stops here, before any
 * other plugin's work (compiling it, sharing its subscription results).
 */
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ResolverContext } from '../../resolvers/context.js';
import type { Logger } from '../logger.js';
import type { Authentication, CredentialSources } from './authenticate.js';
import type { Authenticator } from './authenticator.js';
import { KIND_INFO } from '../../domain/kinds.js';
import type { RbacAuthorizer } from '../../domain/rbac/authorizer.js';
import { operationDenial } from './authorize-operation.js';
import { unauthenticated } from './use-authenticate-first.js';

export interface AuthOptions {
  authenticator: Authenticator;
  logger: Logger;
  /** The authorizer for the access objects stored now (src/server/auth/rbac-source.ts); undefined before the server has read them. */
  authorizer: () => RbacAuthorizer | undefined;
}

interface Operation {
  definition: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/** The operation's type and root fields, once per parsed document (Yoga caches documents). */
function operationOf(cache: WeakMap<DocumentNode, Map<string, Operation | null>>, document: DocumentNode, operationName: string | null | undefined): Operation | null {
  let byName = cache.get(document);
  if (!byName) cache.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let operation = byName.get(key);
  if (operation !== undefined) return operation;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const definition = operationName ? operations.find((d) => d.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  operation = definition ? { definition, fragments } : null;
  byName.set(key, operation);
  return operation;
}

/** HTTP requests have a fetch `request` in their context; the status only means something there. */
function refusal(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string, overHttp: boolean): { errors: GraphQLError[] } {
  if (code === 'UNAUTHENTICATED') return { errors: [unauthenticated(message, overHttp)] };
  return { errors: [new GraphQLError(message, { extensions: { code, ...(overHttp ? { http: { status: 403 } } : {}) } })] };
}

type Refusal = { errors: GraphQLError[] };

/** What of the execution arguments authorization reads. */
interface OperationArgs {
  document: DocumentNode;
  operationName?: string | null;
  schema: GraphQLSchema;
  variableValues?: Readonly<Record<string, unknown>> | null;
}

export function useAuth({ authenticator, logger, authorizer }: AuthOptions): Plugin<ResolverContext> {
  const operations = new WeakMap<DocumentNode, Map<string, Operation | null>>();
  const log = logger.child({ component: 'auth' });

  /** The refusal for this operation, or undefined (and the user in the context) when it may run. */
  const decide = (
    authentication: Authentication,
    args: OperationArgs,
    overHttp: boolean,
    extendContext: (extension: Partial<ResolverContext>) => void,
  ): Refusal | undefined => {
    if ('error' in authentication) {
      log.debug({ reason: authentication.error }, 'unauthenticated request refused');
      return refusal('UNAUTHENTICATED', authentication.error, overHttp);
    }
    const { user } = authentication;
    // Per object, against the newest access objects: a watch follows role changes as they come.
    const mayView: ResolverContext['mayView'] = (verb, kind) => {
      const resource = KIND_INFO[kind].plural;
      const scope = authorizer()?.scope(user, verb, resource);
      if (scope?.everywhere) return undefined;
      return { namespaces: scope?.namespaces ?? new Set(), visible: (namespace) => authorizer()?.allows(user, { verb, resource, namespace }) ?? false };
    };
    const can: ResolverContext['can'] = (request) => authorizer()?.allows(user, request) ?? false;
    extendContext({ user, mayView, can });
    // No operation to name (an unknown operationName): the executor's own error says so.
    const operation = operationOf(operations, args.document, args.operationName);
    if (!operation) return undefined;
    const current = authorizer();
    const denial = current
      ? operationDenial(current, user, { schema: args.schema, operation: operation.definition, fragments: operation.fragments, variables: args.variableValues })
      : { field: '', message: 'The server has not read its access rules yet; try again.' };
    if (!denial) return undefined;
    log.info({ user: user.name, groups: user.groups, field: denial.field, operation: operation.definition.operation }, 'forbidden: %s', denial.message);
    return refusal('FORBIDDEN', denial.message, overHttp);
  };

  /** Decides at once when the caller is known already (nearly always), else once its JWT is verified. */
  const check = (
    args: OperationArgs,
    context: object,
    extendContext: (extension: Partial<ResolverContext>) => void,
    stop: (refusal: Refusal) => void,
  ): void | Promise<void> => {
    const sources = context as CredentialSources;
    const overHttp = typeof sources.request?.headers?.get === 'function';
    const apply = (authentication: Authentication) => {
      const refused = decide(authentication, args, overHttp, extendContext);
      if (refused) stop(refused);
    };
    const settled = authenticator.settled(sources);
    if (settled) return apply(settled);
    return Promise.resolve(authenticator.authenticate(sources)).then(apply);
  };

  return {
    onExecute({ args, context, extendContext, setResultAndStopExecution }) {
      return check(args, context, extendContext, setResultAndStopExecution);
    },
    onSubscribe({ args, context, extendContext, setResultAndStopExecution }) {
      return check(args, context, extendContext, setResultAndStopExecution);
    },
  };
}
