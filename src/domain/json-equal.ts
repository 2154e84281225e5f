/**
 * Structural equality of JSON-like data: whether an update changed the spec (and so bumps
 * `generation`), and whether a controller's new status differs from the cached one (else the
 * write is skipped). Key order does not matter, and keys whose value is undefined count as
 * absent: an object that went through JSON has lost them, a freshly built one may carry them.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const left = definedEntries(a as Record<string, unknown>);
  const right = definedEntries(b as Record<string, unknown>);
  if (left.length !== right.length) return false;
  const other = b as Record<string, unknown>;
  return left.every(([key, value]) => jsonEqual(value, other[key]));
}

function definedEntries(object: Record<string, unknown>): [string, unknown][] {
  return Object.entries(object).filter(([, value]) => value !== undefined);
}
