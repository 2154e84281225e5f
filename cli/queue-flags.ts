/**
 * The flags of `skym create queue` that need parsing of their own, as pure functions: quotas
 * (`cpu=8,memory=16Gi,gpu=2,gpu.A100=1`, the quantities --resources takes) and durations
 * (`300`, `90s`, `5m`, `1h30m`).
 */
import { Flags } from '@oclif/core';
import type { AcceleratorQuota } from '../src/domain/types.js';
import { parseResourceValue, splitKeyValue } from './flags.js';
import { UsageError } from './usage-error.js';

export interface QuotaRequest {
  cpu?: number;
  memory?: number;
  gpu?: number;
  accelerators?: AcceleratorQuota[];
}

/** `cpu=8,memory=16Gi,gpu=2,gpu.A100=1` (comma-separated or repeated) → quota figures; none given → undefined. */
export function parseQuota(parts: readonly string[] | undefined, flag: string): QuotaRequest | undefined {
  if (!parts || parts.length === 0) return undefined;
  const quota: QuotaRequest = {};
  const accelerators: AcceleratorQuota[] = [];
  for (const part of parts.flatMap((p) => p.split(',')).filter((p) => p.trim() !== '')) {
    const [rawKey, text] = splitKeyValue(part, flag);
    const key = rawKey.toLowerCase();
    if (key.startsWith('gpu.')) {
      const name = rawKey.slice('gpu.'.length);
      if (name === '') throw new UsageError(`${flag}: give the accelerator model after gpu., as in gpu.A100=1`);
      if (accelerators.some((a) => a.name === name)) throw new UsageError(`${flag} ${rawKey} is given twice`);
      accelerators.push({ name, gpu: parseResourceValue('gpu', text, `${flag} ${rawKey}`) });
      continue;
    }
    if (key !== 'cpu' && key !== 'memory' && key !== 'gpu') throw new UsageError(`${flag}: unknown resource "${rawKey}"; use cpu, memory, gpu or gpu.MODEL`);
    if (quota[key] !== undefined) throw new UsageError(`${flag} ${key} is given twice`);
    quota[key] = parseResourceValue(key, text, `${flag} ${key}`);
  }
  if (accelerators.length > 0) quota.accelerators = accelerators;
  return quota;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds in `300`, `90s`, `5m`, `1h30m` or `2d`; anything else is refused, naming `flag`. */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag}: "${text}" is not a duration such as 300 (seconds), 90s, 5m or 1h30m`);
  }
  return parts.reduce((sum, [, figure, unit]) => sum + Number(figure) * UNITS[unit], 0);
}

/** A quota flag: figures comma-separated or the flag repeated. */
export const quotaFlag = (description: string) =>
  Flags.string({ multiple: true, multipleNonGreedy: true, description, helpValue: 'cpu=N,memory=Q,gpu=N,gpu.MODEL=N' });
