/**
 * Drops null and undefined properties (GraphQL's "not given"), so stored objects carry only
 * fields that have a value and read back the same from every store.
 */
export function compact<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value != null) out[key] = value;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}
