/**
 * A configuration key's other names: the CLI flag that sets it and the environment variable it is
 * read from (`maxAliases` is `--max-aliases` and SKYM_MAX_ALIASES), so flags, variables and the
 * errors that name them can never drift apart.
 */

/** `maxAliases` → `max-aliases`. */
export function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `maxAliases` → `SKYM_MAX_ALIASES`. */
export function envOf(key: string): string {
  return `SKYM_${flagOf(key).replace(/-/g, '_').toUpperCase()}`;
}
