/**
 * Checking and defaulting an input by its spec schema. The first problem found is thrown as a
 * BadUserInputError naming the field's path as the client wrote it (`input.spec.envs[1].value`).
 */
import type { z } from 'zod/v4';
import { BadUserInputError } from '../errors.js';
import { withoutKeys } from '../without-keys.js';

/** GraphQL hands omitted input fields over as undefined and explicit nulls as null: both mean "left out". */
const isNullish = (value: unknown) => value == null;
const isUndefined = (value: unknown) => value === undefined;

type Maybe<T> = T | null | undefined;

/** An input as GraphQL hands it over: whatever may be left out may also be null. */
export type GraphQLInput<T> = T extends readonly (infer U)[]
  ? GraphQLInput<U>[]
  : T extends object
    ? { [K in keyof T]: undefined extends T[K] ? Maybe<GraphQLInput<NonNullable<T[K]>>> : GraphQLInput<T[K]> }
    : T;

/** What a spec schema takes from a client. */
export type InputOf<S extends z.ZodType> = GraphQLInput<z.input<S>>;

export function fieldPath(field: string, path: readonly PropertyKey[]): string {
  return field + path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}

/** The input checked and defaulted by `schema`; `field` is the input's own path (`input.spec`). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field: string): z.output<S> {
  const result = schema.safeParse(withoutKeys(input ?? undefined, isNullish));
  if (!result.success) {
    const [issue] = result.error.issues;
    throw new BadUserInputError(fieldPath(field, issue.path), issue.message);
  }
  // What parsing gives back has no keys set to undefined (an optional field left out is absent).
  return withoutKeys(result.data, isUndefined) as z.output<S>;
}
