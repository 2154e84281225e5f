/**
 * JSON merge patch (RFC 7386), as `skym apply` merges a file without a resourceVersion onto the
 * object: an object in the patch merges key by key, null removes a key, anything else (arrays
 * included) replaces. Returns a new value; neither argument is changed.
 */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
