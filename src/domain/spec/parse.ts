/**
 * Checking and defaulting an input by its spec schema. The first problem found is thrown as a
 * BadUserInputError naming the field's path as the client wrote it (`input.spec.envs[1].value`).
 */
import type { z } from 'zod';
import { BadUserInputError } from '../errors.js';

/** GraphQL hands omitted input fields over as undefined and explicit nulls as null: both mean "left out". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value ?? undefined;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v != null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** What parsing gives back has no keys set to undefined (an optional field left out is absent). */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  ) as T;
}

type Maybe<T> = T | null | undefined;

/** An input as GraphQL hands it over: whatever may be left out may also be null. */
export type GraphQLInput<T> = T extends readonly (infer U)[]
  ? GraphQLInput<U>[]
  : T extends object
    ? { [K in keyof T]: undefined extends T[K] ? Maybe<GraphQLInput<NonNullable<T[K]>>> : GraphQLInput<T[K]> }
    : T;

/** What a spec schema takes from a client. */
export type InputOf<S extends z.ZodTypeAny> = GraphQLInput<z.input<S>>;

export function fieldPath(field: string, path: readonly (string | number)[]): string {
  return field + path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
}

/** The input checked and defaulted by `schema`; `field` is the input's own path (`input.spec`). */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, field: string): z.output<S> {
  const result = schema.safeParse(withoutNulls(input));
  if (!result.success) {
    const [issue] = result.error.issues;
    throw new BadUserInputError(fieldPath(field, issue.path), issue.message);
  }
  return withoutUndefined(result.data);
}
