/** Names made to fit where only a DNS-1123 label goes (member objects, Lease names). */
import { createHash } from 'node:crypto';
import { isValidName } from './kinds.js';

export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/**
 * A DNS-1123 label derived from `name`: the name itself when it is one (Sky names are), else its
 * lower-cased [a-z0-9-] form cut to fit, with a hash of the original so two names that clean up
 * alike stay apart.
 */
export function dnsLabel(name: string, maxLength = 63): string {
  if (name.length <= maxLength && isValidName(name)) return name;
  const suffix = `-${shortHash(name)}`;
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength - suffix.length)
    .replace(/-+$/, '');
  return (cleaned || 'sky') + suffix;
}
