/**
 * Clients branch on `extensions.code`, so errors GraphQL itself raises for a bad request
 * (syntax, an unknown input field, a bad enum value, a wrongly typed variable) get
 * `code: BAD_USER_INPUT` too, and, where the request says which value was wrong,
 * `field`: the dotted path of that value from the argument (`input.spec.manager`), the same
 * form the resolvers' own BAD_USER_INPUT errors use.
 *
 * - Literal arguments fail in validation; the error's AST node is looked up in the document.
 * - Variables fail in execution ("request errors": no `data`); graphql-js names the path in
 *   its message (`Variable "$input" got invalid value … at "input.spec"; Field "x" is not …`).
 */
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type ValueNode } from 'graphql';
import { handleStreamOrSingleExecutionResult, isAsyncIterable, type Plugin } from 'graphql-yoga';

const CODE = 'BAD_USER_INPUT';

/** Every argument, object field and value in the document, with its dotted path. */
function argumentPaths(document: DocumentNode): Map<ASTNode, string> {
  const paths = new Map<ASTNode, string>();
  const walk = (value: ValueNode, path: string) => {
    paths.set(value, path);
    if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        paths.set(field, `${path}.${field.name.value}`);
        walk(field.value, `${path}.${field.name.value}`);
      }
    } else if (value.kind === Kind.LIST) {
      value.values.forEach((item, i) => walk(item, `${path}[${i}]`));
    }
  };
  visit(document, {
    Argument(node) {
      paths.set(node, node.name.value);
      walk(node.value, node.name.value);
    },
  });
  return paths;
}

/** A field that GraphQL says is missing or unknown, named in the message, below `path`. */
function withNamedField(path: string | undefined, message: string): string | undefined {
  const named = /Field "([^"]+)" (?:is not defined by type|of required type)/.exec(message)?.[1];
  if (named === undefined || path?.endsWith(`.${named}`)) return path;
  return path === undefined ? named : `${path}.${named}`;
}

/**
 * graphql-js names a bad variable's path from the variable (`i.spec.manager` for `$i`); the
 * resolvers name fields from the argument (`input.spec.manager`). Where the variable is used as
 * an argument (or inside one), its path is rewritten to the argument's so both read the same.
 */
function fieldFromVariableMessage(message: string, document: DocumentNode): string | undefined {
  const variable = /^Variable "\$([^"]+)"/.exec(message)?.[1];
  if (variable === undefined) return undefined;
  const at = / at "([^"]+)"/.exec(message)?.[1] ?? variable;
  const argumentPath = variableUses(document).get(variable);
  const path = argumentPath === undefined ? at : argumentPath + at.slice(variable.length);
  return withNamedField(path, message.slice(message.indexOf(';') + 1));
}

/** Where each variable is first used inside an argument: `$i` in `createJob(input: $i)` → "input". */
function variableUses(document: DocumentNode): Map<string, string> {
  const uses = new Map<string, string>();
  for (const [node, path] of argumentPaths(document)) {
    if (node.kind === Kind.VARIABLE && !uses.has(node.name.value)) uses.set(node.name.value, path);
  }
  return uses;
}

function fieldFromArgumentMessage(message: string): string | undefined {
  return /^Argument "(?:[^"(]+\()?([^")]+)\)?" of (?:required|non-null) type/.exec(message)?.[1];
}

/** Adds code (and field, if known) in place: these errors are fresh per request or cached as-is. */
function mark(error: GraphQLError, field: string | undefined): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  extensions.code ??= CODE;
  if (field !== undefined) extensions.field ??= field;
  return error;
}

/**
 * Request errors (no data at all) without a code and without a field path are the client's:
 * bad variables. An error caused by something other than a GraphQLError is left alone, for
 * masking to hide as unexpected.
 */
function markRequestErrors({
  args,
  result,
  setResult,
}: {
  args: { document: DocumentNode };
  result: { data?: unknown; errors?: readonly GraphQLError[] };
  setResult: (r: never) => void;
}) {
  if (result.data !== undefined || !result.errors?.length) return;
  const errors = result.errors.map((error) => {
    const unexpected = error.originalError !== undefined && !(error.originalError instanceof GraphQLError);
    if (error.extensions?.code !== undefined || error.path !== undefined || unexpected) return error;
    // Rebuilt without originalError, so that masking does not take it for an unexpected one.
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      extensions: { ...error.extensions, code: CODE, ...withField(fieldFromVariableMessage(error.message, args.document)) },
    });
  });
  setResult({ ...result, errors } as never);
}

const withField = (field: string | undefined) => (field === undefined ? {} : { field });

export function useInputErrorCodes(): Plugin {
  return {
    onParse: () => ({ result }) => {
      if (result instanceof GraphQLError) mark(result, undefined);
    },
    onValidate: ({ params }) => ({ valid, result }) => {
      if (valid) return;
      const paths = argumentPaths(params.documentAST);
      for (const error of result as GraphQLError[]) {
        const node = error.nodes?.[0];
        const path = node ? paths.get(node) : undefined;
        mark(error, withNamedField(path, error.message) ?? fieldFromArgumentMessage(error.message));
      }
    },
    onExecute: () => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, markRequestErrors as never),
    }),
    onSubscribe: () => ({
      // Only a subscription that did not start can carry request errors: its variables are
      // checked before the stream starts, so the stream's events never have any.
      onSubscribeResult: (payload) => (isAsyncIterable(payload.result) ? undefined : markRequestErrors(payload as never)),
    }),
  };
}
