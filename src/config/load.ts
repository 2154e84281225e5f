/**
 * How every process's configuration is read (the graphql-hive habit: one zod model, parsed once
 * at start-up, every problem named): explicit values (CLI flags) first, then SKYM_* environment
 * variables, then the model's defaults. The result is frozen.
 */
import { z } from 'zod';
import { envOf } from './names.js';

export class ConfigError extends Error {}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A whole number of at least `min`, from a number or its text (a variable). */
export const int = (min: number) => z.coerce.number().int().min(min);

/** A boolean, or its text as a variable holds it ("true", "false"). */
export const booleanText = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());

/** Values keyed by config key; `undefined` (a flag not given) falls through. */
export type ConfigValues<K extends string> = Partial<Record<K, unknown>>;

/**
 * Parses `schema` from `values` over the variables of `envKeys` (each key's envOf) in `env`. An
 * empty variable counts as unset.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  envKeys: readonly string[],
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Readonly<z.infer<S>> {
  const merged: Record<string, unknown> = {};
  for (const key of envKeys) {
    const text = env[envOf(key)];
    if (text !== undefined && text !== '') merged[key] = text;
  }
  for (const [key, value] of Object.entries(values)) if (value !== undefined) merged[key] = value;

  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(parsed.data);
}
