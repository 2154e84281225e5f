/**
 * Checks shared by every kind. Each takes the dotted path of the value it checks (as the client
 * wrote it: `input.spec.resources.cpu`) and throws a BadUserInputError naming it, so a client
 * always learns which field to fix. Each returns the value normalised (defaults filled).
 */
import { BadUserInputError } from '../domain/errors.js';
import { labelKeyProblem } from '../domain/label-syntax.js';
import { MAX_ANNOTATIONS_BYTES, MAX_NODE_RESOURCES, MAX_OBJECT_BYTES, MAX_SELECTOR_LENGTH } from '../domain/limits.js';
import { parseLabelSelector, type LabelSelector } from '../domain/selector.js';
import { countProblem, labelsProblem, nameProblem, numberProblem, quote, textProblem, type NumberRule, type TextRule } from '../domain/spec/checks.js';
import { acceleratorProblem } from '../domain/spec/fields.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { resourcesSchema, type ResourceLimits } from '../domain/spec/resources.js';
import type { Condition, Resources, StringMap } from '../domain/types.js';

export { quote };

/** GraphQL hands omitted input fields over as undefined and explicit nulls as null. */
export type Maybe<T> = T | null | undefined;

export type ResourcesInput = InputOf<ReturnType<typeof resourcesSchema>>;

export interface ConditionInput {
  type: string;
  status: string;
  reason?: Maybe<string>;
  message?: Maybe<string>;
  lastTransitionTime?: Maybe<string>;
}

/** Object names (and namespace names) are DNS-1123 labels, as in Kubernetes. */
export function checkName(value: string, field: string): string {
  const problem = nameProblem(value);
  if (problem) throw new BadUserInputError(field, problem);
  return value;
}

export function checkLabels(labels: Maybe<StringMap>, field: string): StringMap {
  const problem = labelsProblem(labels ?? {});
  if (problem) throw new BadUserInputError(field, problem);
  return { ...labels };
}

/** Annotation keys follow the label-key rules; values are free text, all of them together bounded. */
export function checkAnnotations(annotations: Maybe<StringMap>, field: string): StringMap {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const problem = labelKeyProblem(key);
    if (problem) throw new BadUserInputError(field, `${quote(key)} is not a valid annotation key: ${problem}`);
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    throw new BadUserInputError(field, `keys and values are ${bytes} bytes together, more than the maximum ${MAX_ANNOTATIONS_BYTES}.`);
  }
  return { ...annotations };
}

/** A string within its size, without NUL characters (no command line or file name can carry one). */
export function checkText(value: string, field: string, rule: TextRule): string {
  const problem = textProblem(value, rule);
  if (problem) throw new BadUserInputError(field, problem);
  return value;
}

/** A list of at most `max` entries. */
export function checkCount<T>(list: readonly T[], field: string, max: number): readonly T[] {
  const problem = countProblem(list.length, max);
  if (problem) throw new BadUserInputError(field, problem);
  return list;
}

/** The object as it would be stored: its JSON must fit in MAX_OBJECT_BYTES. */
export function checkObjectSize(object: object, field: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(object));
  if (bytes > MAX_OBJECT_BYTES) {
    throw new BadUserInputError(field, `the object would be ${bytes} bytes as JSON, more than the maximum ${MAX_OBJECT_BYTES}.`);
  }
}

/** A finite number within bounds. GraphQL Float already rules out NaN and Infinity. */
export function checkNumber(value: number, field: string, rule: NumberRule = {}): number {
  const problem = numberProblem(value, rule);
  if (problem) throw new BadUserInputError(field, problem);
  return value;
}

export function checkOptionalNumber(value: Maybe<number>, field: string, rule?: NumberRule): number | undefined {
  return value == null ? undefined : checkNumber(value, field, rule);
}

/** An accelerator model ("A100", "nvidia-tesla-v100") follows a label value's rules. */
export function checkAccelerator(name: string, field: string): string {
  const problem = acceleratorProblem(name);
  if (problem) throw new BadUserInputError(field, problem);
  return name;
}

/** One schema per set of limits (a node's, a cluster's), built once. */
const RESOURCE_SCHEMAS = new Map<ResourceLimits, ReturnType<typeof resourcesSchema>>();

/**
 * Cores and MiB are fractional; GPUs are whole. Absent figures are 0. `max` bounds each figure:
 * what one node can have, unless the figures are a whole cluster's.
 */
export function checkResources(input: Maybe<ResourcesInput>, field: string, max: ResourceLimits = MAX_NODE_RESOURCES): Resources {
  let schema = RESOURCE_SCHEMAS.get(max);
  if (!schema) RESOURCE_SCHEMAS.set(max, (schema = resourcesSchema(max)));
  return parseInput(schema, input ?? {}, field);
}

/** A Kubernetes label selector of bounded length, parsed. */
export function parseSelectorInput(text: Maybe<string>, field: string): LabelSelector {
  if (text != null && text.length > MAX_SELECTOR_LENGTH) {
    throw new BadUserInputError(field, `is ${text.length} characters long, more than the maximum ${MAX_SELECTOR_LENGTH}.`);
  }
  return parseLabelSelector(text, field);
}

/** A Kubernetes label selector; returns it trimmed, or undefined when empty. */
export function checkSelector(text: Maybe<string>, field: string): string | undefined {
  const selector = parseSelectorInput(text, field);
  return selector.toString() === '' ? undefined : selector.toString();
}

/** resourceVersions are decimal counters this server issued (etcd revisions included). */
export function checkResourceVersion(text: string, field: string): string {
  if (!/^\d{1,19}$/.test(text)) throw new BadUserInputError(field, `${quote(text)} is not a resourceVersion this server issued`);
  return text;
}

export function checkTimestamp(text: string, field: string): string {
  if (Number.isNaN(Date.parse(text))) throw new BadUserInputError(field, `${quote(text)} is not an RFC 3339 timestamp`);
  return text;
}

const CONDITION_STATUSES = ['True', 'False', 'Unknown'];

/**
 * Conditions as Kubernetes writes them. A missing lastTransitionTime is left empty here and
 * filled by `carryTransitionTimes`, which knows the previous status.
 */
export function checkConditions(inputs: Maybe<ConditionInput[]>, field: string): Condition[] {
  return (inputs ?? []).map((input, i) => {
    const path = `${field}[${i}]`;
    if (input.type.trim() === '') throw new BadUserInputError(`${path}.type`, 'must not be empty');
    if (!CONDITION_STATUSES.includes(input.status)) {
      throw new BadUserInputError(`${path}.status`, `must be one of ${CONDITION_STATUSES.join(', ')}, got ${quote(input.status)}`);
    }
    const condition: Condition = {
      type: input.type,
      status: input.status,
      lastTransitionTime: input.lastTransitionTime == null ? '' : checkTimestamp(input.lastTransitionTime, `${path}.lastTransitionTime`),
    };
    if (input.reason != null) condition.reason = input.reason;
    if (input.message != null) condition.message = input.message;
    return condition;
  });
}

/**
 * Fills missing lastTransitionTimes: a condition whose status did not change keeps its time
 * (it did not transition), any other gets `now`.
 */
export function carryTransitionTimes(next: Condition[], previous: Condition[], now: string): Condition[] {
  return next.map((c) => {
    if (c.lastTransitionTime !== '') return c;
    const before = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now };
  });
}
