/**
 * Kubernetes' rules for label keys and values, with the reason a string breaks them. A key is an
 * optional DNS-subdomain prefix (at most 253 characters) and '/', then a name of at most 63
 * characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit. A
 * value is empty or follows the name's rules. Lengths are checked before any pattern, so a long
 * string costs one comparison.
 */
import { MAX_LABEL_NAME_LENGTH, MAX_LABEL_PREFIX_LENGTH, MAX_LABEL_VALUE_LENGTH } from './limits.js';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_RULE = "letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

function nameProblem(name: string, what: string, max: number): string | undefined {
  if (name.length > max) return `${what} is ${name.length} characters long, more than the maximum ${max}`;
  if (!NAME.test(name)) return `${what} must be ${NAME_RULE}`;
  return undefined;
}

/** Why `key` is not a label (or annotation) key, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  if (key === '') return 'the key must not be empty';
  const slash = key.indexOf('/');
  if (slash < 0) return nameProblem(key, 'the name', MAX_LABEL_NAME_LENGTH);
  const prefix = key.slice(0, slash);
  if (prefix.length > MAX_LABEL_PREFIX_LENGTH) {
    return `the prefix is ${prefix.length} characters long, more than the maximum ${MAX_LABEL_PREFIX_LENGTH}`;
  }
  if (!DNS_SUBDOMAIN.test(prefix)) {
    return "the prefix before '/' must be a DNS subdomain: lower-case letters, digits, '-' and '.'";
  }
  return nameProblem(key.slice(slash + 1), "the name after '/'", MAX_LABEL_NAME_LENGTH);
}

/** Why `value` is not a label value, or undefined when it is one. */
export function labelValueProblem(value: string): string | undefined {
  return value === '' ? undefined : nameProblem(value, 'the value', MAX_LABEL_VALUE_LENGTH);
}
