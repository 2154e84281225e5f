/**
 * The result code the request metrics count: OK, or the first error's code as clients will see
 * it. Read before useDomainErrors and useInputErrorCodes have coded the errors and before Yoga
 * masks them, so it codes them the same way itself.
 */
import type { ExecutionResult, GraphQLError } from 'graphql';
import { domainErrorIn } from './use-domain-errors.js';

export const OK_CODE = 'OK';
/** What Yoga's masking turns an error without a code into ("Unexpected error."). */
export const UNEXPECTED_CODE = 'INTERNAL_SERVER_ERROR';

export function resultCode(result: ExecutionResult | readonly ExecutionResult[]): string {
  const first = Array.isArray(result) ? result[0] : (result as ExecutionResult);
  const error = first?.errors?.[0];
  return error ? errorCode(error) : OK_CODE;
}

export function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  if (typeof code === 'string') return code;
  const domain = domainErrorIn(error);
  if (domain) return domain.code;
  // A variable that does not coerce: useInputErrorCodes codes it BAD_USER_INPUT after us.
  if (error.path === undefined && error.message.startsWith('Variable "$')) return 'BAD_USER_INPUT';
  return UNEXPECTED_CODE;
}
