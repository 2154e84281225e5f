/**
 * Freezes a plain-data value and everything in it. Watch events are handed to every watcher as
 * the same object (no copy per watcher, which at a thousand watchers was most of the cost of an
 * event); freezing makes a consumer that would change one fail loudly instead of corrupting what
 * the others see.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
