/**
 * Checks shared by every kind. Each takes the dotted path of the value it checks (as the client
 * wrote it: `input.spec.resources.cpu`) and throws a BadUserInputError naming it, so a client
 * always learns which field to fix. Each returns the value normalised (defaults filled).
 */
import { BadUserInputError } from '../domain/errors.js';
import { DNS1123_LABEL } from '../domain/kinds.js';
import { isValidLabelKey, isValidLabelValue, parseLabelSelector } from '../domain/selector.js';
import type { Condition, Resources, StringMap } from '../domain/types.js';

/** GraphQL hands omitted input fields over as undefined and explicit nulls as null. */
export type Maybe<T> = T | null | undefined;

export interface ResourcesInput {
  cpu?: Maybe<number>;
  memory?: Maybe<number>;
  gpu?: Maybe<number>;
  accelerator?: Maybe<string>;
}

export interface ConditionInput {
  type: string;
  status: string;
  reason?: Maybe<string>;
  message?: Maybe<string>;
  lastTransitionTime?: Maybe<string>;
}

/** Object names (and namespace names) are DNS-1123 labels, as in Kubernetes. */
export function checkName(value: string, field: string): string {
  if (value.length === 0) throw new BadUserInputError(field, 'must not be empty');
  if (value.length > 63) throw new BadUserInputError(field, `"${value}" is longer than 63 characters`);
  if (!DNS1123_LABEL.test(value)) {
    throw new BadUserInputError(
      field,
      `"${value}" is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return value;
}

export function checkLabels(labels: Maybe<StringMap>, field: string): StringMap {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isValidLabelKey(key)) throw new BadUserInputError(field, `"${key}" is not a valid label key`);
    if (!isValidLabelValue(value)) throw new BadUserInputError(field, `"${value}" (label "${key}") is not a valid label value`);
  }
  return { ...labels };
}

/** Annotation keys follow the label-key rules; values are free text. */
export function checkAnnotations(annotations: Maybe<StringMap>, field: string): StringMap {
  for (const key of Object.keys(annotations ?? {})) {
    if (!isValidLabelKey(key)) throw new BadUserInputError(field, `"${key}" is not a valid annotation key`);
  }
  return { ...annotations };
}

interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound; 0 unless given. */
  min?: number;
  max?: number;
}

/** A finite number within bounds. GraphQL Float already rules out NaN and Infinity. */
export function checkNumber(value: number, field: string, rule: NumberRule = {}): number {
  const { integer = false, min = 0, max } = rule;
  if (!Number.isFinite(value)) throw new BadUserInputError(field, 'must be a finite number');
  if (integer && !Number.isInteger(value)) throw new BadUserInputError(field, `must be an integer, got ${value}`);
  if (value < min) throw new BadUserInputError(field, `must be at least ${min}, got ${value}`);
  if (max !== undefined && value > max) throw new BadUserInputError(field, `must be at most ${max}, got ${value}`);
  return value;
}

export function checkOptionalNumber(value: Maybe<number>, field: string, rule?: NumberRule): number | undefined {
  return value == null ? undefined : checkNumber(value, field, rule);
}

/** Cores and MiB are fractional; GPUs are whole. Absent figures are 0. */
export function checkResources(input: Maybe<ResourcesInput>, field: string): Resources {
  const resources: Resources = {
    cpu: checkNumber(input?.cpu ?? 0, `${field}.cpu`),
    memory: checkNumber(input?.memory ?? 0, `${field}.memory`),
    gpu: checkNumber(input?.gpu ?? 0, `${field}.gpu`, { integer: true }),
  };
  if (input?.accelerator) resources.accelerator = input.accelerator;
  return resources;
}

/** A Kubernetes label selector; returns it trimmed, or undefined when empty. */
export function checkSelector(text: Maybe<string>, field: string): string | undefined {
  const selector = parseLabelSelector(text, field);
  return selector.toString() === '' ? undefined : selector.toString();
}

/** resourceVersions are decimal counters this server issued (etcd revisions included). */
export function checkResourceVersion(text: string, field: string): string {
  if (!/^\d{1,19}$/.test(text)) throw new BadUserInputError(field, `"${text}" is not a resourceVersion this server issued`);
  return text;
}

export function checkTimestamp(text: string, field: string): string {
  if (Number.isNaN(Date.parse(text))) throw new BadUserInputError(field, `"${text}" is not an RFC 3339 timestamp`);
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
      throw new BadUserInputError(`${path}.status`, `must be one of ${CONDITION_STATUSES.join(', ')}, got "${input.status}"`);
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
