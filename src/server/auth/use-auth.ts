/**
 * useAuth: authentication (bearer token → user, ./authenticate.ts) and authorization (group →
 * root fields, ./authorize.ts) for every operation, before anything executes. The app adds it only
 * when a token file is configured; without one the server is open and pays nothing.
 *
 * Why at execution (onExecute/onSubscribe) and not on the HTTP request: every transport meets
 * there, through Yoga's envelop: /graphql over HTTP, graphql-ws (src/server/graphql-ws.ts runs
 * each operation through `yoga.getEnveloped()`), and the REST view (SOFA executes through the same
 * envelop). /healthz, /readyz and the GraphiQL page run no operation, so they stay open. (Parsing
 * and validation come before this, so an unauthenticated caller may learn that a field does not
 * exist; the schema is published, schema.graphql, so that tells nothing.)
 *
 * A refusal is the operation's result, with no data: `extensions.code` UNAUTHENTICATED (HTTP 401,
 * with `WWW-Authenticate: Bearer`) or FORBIDDEN (HTTP 403); the REST view maps the codes to the
 * same statuses. Over WebSocket the socket stays up and the subscription gets the error as its
 * only result, which the typed client throws as UnauthenticatedError/ForbiddenError (a refusal at
 * connection_init could only close the socket, which clients read as a network failure and retry).
 *
 * This plugin goes first in the app's list: a refused operation stops here, before any other
 * plugin's work (compiling it, sharing its subscription results).
 */
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ResolverContext } from '../../resolvers/context.js';
import type { Logger } from '../logger.js';
import { authenticate, type CredentialSources } from './authenticate.js';
import { deniedField, rootFields, type OperationType } from './authorize.js';
import type { TokenTable } from './token-file.js';

export interface AuthOptions {
  tokens: TokenTable;
  logger: Logger;
}

interface Operation {
  type: OperationType;
  fields: string[];
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
  operation = definition ? { type: definition.operation, fields: rootFields(definition, fragments) } : null;
  byName.set(key, operation);
  return operation;
}

/** HTTP requests have a fetch `request` in their context; the status only means something there. */
function refusal(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string, overHttp: boolean): { errors: GraphQLError[] } {
  const http = code === 'UNAUTHENTICATED' ? { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } : { status: 403 };
  return { errors: [new GraphQLError(message, { extensions: { code, ...(overHttp ? { http } : {}) } })] };
}

export function useAuth({ tokens, logger }: AuthOptions): Plugin<ResolverContext> {
  const operations = new WeakMap<DocumentNode, Map<string, Operation | null>>();
  const log = logger.child({ component: 'auth' });

  /** The refusal for this operation, or undefined (and the user in the context) when it may run. */
  const check = (
    args: { document: DocumentNode; operationName?: string | null },
    context: object,
    extendContext: (extension: Partial<ResolverContext>) => void,
  ) => {
    const sources = context as CredentialSources;
    const overHttp = typeof sources.request?.headers?.get === 'function';
    const authentication = authenticate(tokens, sources);
    if ('error' in authentication) {
      log.debug({ reason: authentication.error }, 'unauthenticated request refused');
      return refusal('UNAUTHENTICATED', authentication.error, overHttp);
    }
    const { user } = authentication;
    extendContext({ user });
    // No operation to name (an unknown operationName): the executor's own error says so.
    const operation = operationOf(operations, args.document, args.operationName);
    if (!operation) return undefined;
    const denial = deniedField(user, operation.type, operation.fields);
    if (!denial) return undefined;
    log.info({ user: user.name, groups: user.groups, field: denial.field, operation: operation.type }, 'forbidden: %s', denial.message);
    return refusal('FORBIDDEN', denial.message, overHttp);
  };

  return {
    onExecute({ args, context, extendContext, setResultAndStopExecution }) {
      const refused = check(args, context, extendContext);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, context, extendContext, setResultAndStopExecution }) {
      const refused = check(args, context, extendContext);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
