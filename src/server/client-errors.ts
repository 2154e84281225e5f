/**
 * What a client may see of an error, for subscription streams.
 *
 * Queries, mutations and request-level failures are masked by Yoga's own masking plugin. A
 * subscription's events are not: useSharedSubscriptionResults executes each event once for all
 * of its subscribers and hands over finished results, so the coding and masking that Yoga would
 * do per subscriber per event (two iterator layers, a quarter of the server's CPU at 1,000
 * watchers) happens here once per shared result. The rules are Yoga's: DomainErrors become coded
 * GraphQLErrors (useDomainErrors), other GraphQLErrors pass, anything else becomes
 * "Unexpected error." with the original logged, and an AbortError is rethrown as it is.
 */
import type { ExecutionResult, GraphQLError } from 'graphql';
import { maskError } from 'graphql-yoga';
import type { Logger } from './logger.js';
import { toGraphQLError } from './use-domain-errors.js';

/** Yoga's default masked message, so that clients see one wording whatever the transport. */
const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error.';

export interface ClientErrors {
  /** A stream's failure as the client should get it (thrown on to the transport). */
  error(error: unknown): unknown;
  /** A result whose errors are coded and masked; the same object when it has no errors. */
  result<R extends ExecutionResult>(result: R): R;
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export function clientErrors(logger: Logger): ClientErrors {
  const mask = (error: unknown): GraphQLError => {
    const masked = maskError(toGraphQLError(error), UNEXPECTED_ERROR_MESSAGE) as GraphQLError;
    if (masked !== error && masked.extensions?.unexpected) logger.error({ err: error }, masked.message);
    return masked;
  };
  return {
    error: (error) => (isAbortError(error) ? error : mask(error)),
    // `mask` codes DomainErrors first (toGraphQLError), so one pass over the errors does both.
    result: (result) => (result.errors?.length ? { ...result, errors: result.errors.map(mask) } : result),
  };
}
