/**
 * The stems of a kind's root fields, as the schema's resource files name them: `job`/`jobs`,
 * `filterPolicy`/`filterPolicies`, `priorityClass`/`priorityClasses`. The REST view and
 * authorization both map root fields back to kinds with it.
 */
import type { Kind } from './kinds.js';

export function rootFieldStems(kind: Kind): { single: string; plural: string } {
  const single = kind[0].toLowerCase() + kind.slice(1);
  const plural = single.endsWith('y') ? `${single.slice(0, -1)}ies` : single.endsWith('s') ? `${single}es` : `${single}s`;
  return { single, plural };
}
