/**
 * QuotaUsage inputs (cores, MiB, GPUs, GPUs per accelerator model), as the admission controller
 * writes them into a workload's admission and a queue's status.
 */
import { BadUserInputError } from '../domain/errors.js';
import { MAX_QUOTA_ACCELERATORS } from '../domain/limits.js';
import type { QuotaUsage } from '../domain/types.js';
import { checkAccelerator, checkCount, checkNumber } from './validation.js';

export interface QuotaUsageInput {
  cpu: number;
  memory: number;
  gpu: number;
  accelerators?: { name: string; gpu: number }[] | null;
}

/** Non-negative figures (sums over replicas and workloads: no one node's bound applies), each model once. */
export function checkQuotaUsage(input: QuotaUsageInput, field: string): QuotaUsage {
  const accelerators = checkCount(input.accelerators ?? [], `${field}.accelerators`, MAX_QUOTA_ACCELERATORS).map((a, i) => ({
    name: checkAccelerator(a.name, `${field}.accelerators[${i}].name`),
    gpu: checkNumber(a.gpu, `${field}.accelerators[${i}].gpu`, { integer: true }),
  }));
  const seen = new Set<string>();
  accelerators.forEach((a, i) => {
    if (seen.has(a.name)) throw new BadUserInputError(`${field}.accelerators[${i}].name`, `accelerator ${a.name} is listed twice`);
    seen.add(a.name);
  });
  return {
    cpu: checkNumber(input.cpu, `${field}.cpu`),
    memory: checkNumber(input.memory, `${field}.memory`),
    gpu: checkNumber(input.gpu, `${field}.gpu`, { integer: true }),
    accelerators,
  };
}

