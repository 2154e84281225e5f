/**
 * Durations as flags take them: `300` (seconds), `90s`, `5m`, `1h30m`, `2d`, and for the timings
 * of leader election also milliseconds (`500ms`), as Kubernetes' --leader-elect-* flags do.
 */
import { Flags } from '@oclif/core';
import { UsageError } from './usage-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in `300` (seconds), `90s`, `500ms`, `1m30s` or `2d`; anything else is refused, naming `flag`. */
export function parseDurationMs(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const parts = [...trimmed.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag}: "${text}" is not a duration such as 300 (seconds), 90s, 500ms, 5m or 1h30m`);
  }
  return parts.reduce((sum, [, figure, unit]) => sum + Number(figure) * UNIT_MS[unit], 0);
}

/** Whole seconds in `300`, `90s`, `5m`, `1h30m` or `2d`; anything else is refused, naming `flag`. */
export function parseDuration(text: string, flag: string): number {
  const ms = parseDurationMs(text, flag);
  if (ms % 1_000 !== 0) throw new UsageError(`${flag}: "${text}" is not a whole number of seconds`);
  return ms / 1_000;
}

/** A flag holding a duration; the command parses it with parseDurationMs, so a bad one is a usage error (exit 2). */
export const durationFlag = (options: { description: string }) => Flags.string({ helpValue: 'DURATION', description: options.description });

/** The flag's milliseconds; undefined when it was not given. */
export function durationMsOf(flags: Record<string, unknown>, name: string): number | undefined {
  const text = flags[name];
  return typeof text === 'string' ? parseDurationMs(text, `--${name}`) : undefined;
}
