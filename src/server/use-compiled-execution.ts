/**
 * useCompiledExecution: queries and mutations run through graphql-jit, which compiles each
 * operation once into JavaScript (variable coercion, field resolution and result completion)
 * instead of interpreting the document on every request. On a `createJob` this took a tenth off
 * the server's CPU per request (bench/README.md).
 *
 * Two things stay with the standard executor:
 * - Subscriptions: useSharedSubscriptionResults executes each event once for all subscribers.
 * - Requests whose variables do not coerce. graphql-jit's message names only the innermost
 *   variable (`$cpu`), graphql-js's the whole path (`$input … at "input.spec.resources.cpu"`),
 *   which useInputErrorCodes turns into the `field` of BAD_USER_INPUT. Such a request is re-run
 *   through the standard executor for its error; it is rare and fails before any resolver runs.
 */
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/** Per parsed document (Yoga caches those), per operation name: its compiled form, or null. */
type Compiled = Map<string | undefined, CompiledQuery | null>;

export function useCompiledExecution(): Plugin {
  const byDocument = new WeakMap<DocumentNode, Compiled>();

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operationName = args.operationName ?? undefined;
      let compiled = byDocument.get(args.document);
      if (!compiled) byDocument.set(args.document, (compiled = new Map()));
      let query = compiled.get(operationName);
      if (query === undefined) {
        const operation = getOperationAST(args.document, operationName);
        const result = operation && operation.operation !== 'subscription' ? compileQuery(args.schema, args.document, operationName) : undefined;
        // Not compilable (or a subscription): the standard executor answers, errors and all.
        query = result && isCompiledQuery(result) ? result : null;
        compiled.set(operationName, query);
      }
      if (query === null) return;
      const run = query;
      setExecuteFn(async (execution) => {
        const result = (await run.query(execution.rootValue, execution.contextValue, execution.variableValues)) as ExecutionResult;
        if (isVariableFailure(result)) return executeFn(execution);
        return result;
      });
    },
  };
}

/** A request that failed on its variables: no data at all, and only "Variable …" errors. */
function isVariableFailure(result: ExecutionResult): boolean {
  return result.data === undefined && !!result.errors?.length && result.errors.every((error) => error.path === undefined && error.message.startsWith('Variable "$'));
}
