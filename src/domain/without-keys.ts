/** Dropping "not given" fields (nulls from GraphQL, undefined from zod) from plain JSON values. */

/**
 * `value` without the object keys whose values `drop` picks, at any depth. Copies only what
 * changes: most inputs and outputs have nothing to drop and come back as they are.
 */
export function withoutKeys(value: unknown, drop: (v: unknown) => boolean): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const kept = withoutKeys(item, drop);
      if (kept !== item) (copy ??= [...value])[i] = kept;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    if (drop(item)) {
      delete (copy ??= { ...value })[key];
      continue;
    }
    const kept = withoutKeys(item, drop);
    if (kept !== item) (copy ??= { ...value })[key] = kept;
  }
  return copy ?? value;
}
