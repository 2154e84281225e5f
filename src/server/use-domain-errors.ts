/**
 * Expected failures are DomainErrors (src/domain/errors.ts). This plugin is the one place that
 * turns them into GraphQLErrors carrying `extensions: {code, ...details}`; it runs before Yoga's
 * masking, which then lets them through and masks everything else as "Unexpected error.".
 *
 * Queries and mutations are converted by the plugin below. Subscriptions are converted where they
 * run (src/server/client-errors.ts, used by useSharedSubscriptionResults): a `subscribe` that
 * fails before its stream starts, each shared event result, and a running stream that throws
 * (GONE from the store's watch, say), which graphql-ws sends as an `error` message: it copies
 * `extensions` from the coded GraphQLError, so the code survives.
 */
import { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { DomainError } from '../domain/errors.js';

type Result = { errors?: readonly GraphQLError[] };

export function domainErrorIn(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof GraphQLError && error.originalError instanceof DomainError) return error.originalError;
  return undefined;
}

export function toGraphQLError(error: unknown): unknown {
  const domain = domainErrorIn(error);
  if (!domain) return error;
  const located = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(domain.message, {
    nodes: located?.nodes,
    path: located?.path,
    extensions: { code: domain.code, ...domain.details },
  });
}

/** The result with its DomainErrors turned into coded GraphQLErrors (the same object when it has none). */
function withDomainErrors<R extends Result>(result: R): R {
  if (!result.errors?.some((e) => domainErrorIn(e))) return result;
  return { ...result, errors: result.errors.map(toGraphQLError) };
}

function mapErrors({ result, setResult }: { result: Result; setResult: (r: never) => void }): void {
  const mapped = withDomainErrors(result);
  if (mapped !== result) setResult(mapped as never);
}

export function useDomainErrors(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, mapErrors as never),
    }),
  };
}
