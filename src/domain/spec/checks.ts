/**
 * The rules a spec's values follow, as functions that name the problem (or return undefined).
 * The zod fields of fields.ts and the resolvers' check* helpers both word their refusals with
 * these, so a limit reads the same wherever it is enforced.
 */
import { DNS1123_LABEL } from '../kinds.js';
import { labelKeyProblem, labelValueProblem } from '../label-syntax.js';

/** Quotes a string for a message, cut short: the message must stay small whatever came in. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export interface TextRule {
  /** At most this many UTF-8 bytes: for text that reaches a command line, a file or the store. */
  maxBytes?: number;
  /** At most this many characters: for names. */
  maxLength?: number;
}

/** A string within its size, without NUL characters (no command line or file name can carry one). */
export function textProblem(value: string, rule: TextRule): string | undefined {
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    return `is ${value.length} characters long, more than the maximum ${rule.maxLength}.`;
  }
  if (rule.maxBytes !== undefined) {
    // A string has at most 3 UTF-8 bytes per UTF-16 unit: most strings need no count at all.
    const bytes = value.length * 3 <= rule.maxBytes ? 0 : Buffer.byteLength(value);
    if (bytes > rule.maxBytes) return `is ${bytes} bytes long, more than the maximum ${rule.maxBytes}.`;
  }
  if (value.includes('\0')) return 'must not contain NUL characters';
  return undefined;
}

export interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound; 0 unless given. */
  min?: number;
  max?: number;
}

/** A finite number within bounds. GraphQL Float already rules out NaN and Infinity. */
export function numberProblem(value: number, rule: NumberRule = {}): string | undefined {
  const { integer = false, min = 0, max } = rule;
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (integer && !Number.isInteger(value)) return `must be an integer, got ${value}`;
  if (value < min) return `must be at least ${min}, got ${value}`;
  if (max !== undefined && value > max) return `${value} is more than the maximum ${max}.`;
  return undefined;
}

/** A list of at most `max` entries. */
export function countProblem(length: number, max: number): string | undefined {
  return length > max ? `has ${length} entries, more than the maximum ${max}.` : undefined;
}

/** What a value outside an enum's list is told. */
export function oneOfMessage(values: readonly string[]): string {
  return `must be one of ${values.join(', ')}`;
}

/** Object names (and namespace names) are DNS-1123 labels, as in Kubernetes. */
export function nameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return `${quote(value)} is ${value.length} characters long, more than the maximum 63.`;
  if (!DNS1123_LABEL.test(value)) {
    return `${quote(value)} is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label keys and values as Kubernetes allows them; the first that is not, named. */
export function labelsProblem(labels: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) return `${quote(key)} is not a valid label key: ${keyProblem}`;
    const valueProblem = labelValueProblem(value);
    if (valueProblem) return `${quote(value)} (label ${quote(key)}) is not a valid label value: ${valueProblem}`;
  }
  return undefined;
}
