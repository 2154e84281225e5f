/**
 * The building blocks of the kinds' spec schemas: zod types that refuse a value with the words of
 * checks.ts, plus what the GraphQL schema needs to know and zod cannot say (a type's name, Int or
 * Float, descriptions). src/schema derives the GraphQL object and input types from a spec schema
 * by walking it (src/schema/spec-types.ts), so a field is declared here once.
 */
// zod 4's API (shipped inside zod 3.25): its compiled object parsers check a spec about 30 times
// faster than zod 3's, which matters on every write.
import { z } from 'zod/v4';
import { BadUserInputError } from '../errors.js';
import { labelValueProblem } from '../label-syntax.js';
import { MAX_SELECTOR_LENGTH } from '../limits.js';
import { parseLabelSelector } from '../selector.js';
import { countProblem, labelsProblem, nameProblem, numberProblem, oneOfMessage, quote, textProblem, type NumberRule, type TextRule } from './checks.js';

/** What the GraphQL schema shows of one zod type. */
export interface GraphQLInfo {
  /** Objects and enums: the GraphQL type name; an object's input type is this plus `Input`. */
  name?: string;
  /** Numbers: Int rather than Float. */
  integer?: boolean;
  /** Objects: the description of the type. */
  typeDescription?: string;
  /** The description of a field of this type, on the object type and on the input type. */
  description?: string;
  inputDescription?: string;
}

const GRAPHQL = new WeakMap<z.ZodType, GraphQLInfo>();

/** Attaches GraphQL information to a zod type (returned as it is, for chaining). */
export function graphql<T extends z.ZodType>(schema: T, info: GraphQLInfo): T {
  GRAPHQL.set(schema, { ...GRAPHQL.get(schema), ...info });
  return schema;
}

export function graphqlInfoOf(schema: z.ZodType): GraphQLInfo {
  return GRAPHQL.get(schema) ?? {};
}

/** Adds an issue with the message of `problem`, if it has one. */
const refuse =
  <T>(problem: (value: T) => string | undefined) =>
  (value: T, ctx: z.RefinementCtx<T>) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };

/** A string within a size; `more` adds a rule of its own (checked once the size is right). */
export function text(rule: TextRule, more?: (value: string) => string | undefined) {
  return z.string().superRefine(refuse((value: string) => textProblem(value, rule) ?? more?.(value)));
}

export function number(rule: NumberRule = {}) {
  // zod refuses NaN and the infinities as not numbers at all; GraphQL never sends them.
  const schema = z.number({ error: () => 'must be a finite number' }).superRefine(refuse((value: number) => numberProblem(value, rule)));
  return graphql(schema, { integer: rule.integer ?? false });
}

/** One of an `as const` list, named `name` in GraphQL. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, name: string) {
  const message = oneOfMessage(values);
  return graphql(z.enum(values as unknown as [T[number], ...T[number][]], { error: () => message }), { name });
}

/**
 * At most `max` entries, counted before any is checked: a list far too long is refused as one
 * problem, not as a problem per entry.
 */
export function list<T extends z.ZodType>(item: T, max: number) {
  const counted = z.array(z.unknown()).superRefine(refuse((value: unknown[]) => countProblem(value.length, max)));
  // Typed as taking what the items take: the first stage only counts.
  return counted.pipe(z.array(item)) as unknown as z.ZodPipe<z.ZodArray<T>, z.ZodArray<T>>;
}

/** An object type, named `name` in GraphQL (and `${name}Input` as an input). */
export function object<T extends Record<string, z.ZodType>>(name: string, shape: T, typeDescription?: string) {
  return graphql(z.object(shape), { name, typeDescription });
}

/** A Kubernetes label selector of bounded length, normalised ('' when it selects everything). */
export function selector() {
  return z.string().transform((text, ctx) => {
    if (text.length > MAX_SELECTOR_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `is ${text.length} characters long, more than the maximum ${MAX_SELECTOR_LENGTH}.` });
      return z.NEVER;
    }
    try {
      return parseLabelSelector(text).toString();
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.reason });
      return z.NEVER;
    }
  });
}

/** A selector that may be left out; an empty one is. */
export function optionalSelector() {
  return selector()
    .transform((s) => (s === '' ? undefined : s))
    .optional();
}

/** The name of an object (a cluster, a namespace): a DNS-1123 label. */
export function name() {
  return z.string().superRefine(refuse(nameProblem));
}

/** Labels as Kubernetes allows them (GraphQL's StringMap). */
export function labels() {
  return z.record(z.string(), z.string()).superRefine(refuse(labelsProblem));
}

/** An accelerator model ("A100", "nvidia-tesla-v100") follows a label value's rules. */
export function acceleratorProblem(name: string): string | undefined {
  const problem = labelValueProblem(name);
  return problem ? `${quote(name)} is not an accelerator name: ${problem}` : undefined;
}

/** An accelerator model, or '' (any will do), which comes out as left out. */
export function accelerator() {
  return z
    .string()
    .superRefine(refuse((name: string) => (name === '' ? undefined : acceleratorProblem(name))))
    .transform((name) => (name === '' ? undefined : name));
}

/** A true/false switch. */
export function flag() {
  return z.boolean({ error: () => 'must be true or false' });
}
