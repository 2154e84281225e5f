/**
 * The flags of `skym create queue` that need parsing of their own, as pure functions: quotas
 * (`cpu=8,memory=16Gi,gpu=2,gpu.A100=1`, the quantities --resources takes); durations are in
 * ./durations.ts.
 */
import { Flags } from '@oclif/core';
import { parseWaitingPolicy } from '../src/bursting/namespace-policy.js';
import type { WaitingPolicy } from '../src/domain/spec/waiting-policy-spec.js';
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

/** A quota flag: figures comma-separated or the flag repeated. */
export const quotaFlag = (description: string) =>
  Flags.string({ multiple: true, multipleNonGreedy: true, description, helpValue: 'cpu=N,memory=Q,gpu=N,gpu.MODEL=N' });

/** `COMPUTE budget=0.25`: the words a namespace's sky.dev/waiting-policy annotation takes. */
export function waitingPolicyFlag(text: string): WaitingPolicy {
  const parsed = parseWaitingPolicy(text);
  if ('problem' in parsed) throw new UsageError(`--waiting-policy: ${parsed.problem}`);
  return parsed.policy;
}

