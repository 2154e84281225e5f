/**
 * Quota figures as vectors over named dimensions: `cpu` (cores), `memory` (MiB), `gpu` (all
 * GPUs) and `gpu/MODEL` (GPUs of one accelerator model). A vector lists only the dimensions it
 * has; a quota's missing dimension is unlimited (Infinity), a usage's is 0.
 */
import { EPSILON } from '../domain/resource-math.js';
import type { QuotaUsage, ResourceQuota } from '../domain/types.js';

export type Vector = Map<string, number>;

const ACCELERATOR_PREFIX = 'gpu/';

export function usageVector(usage: QuotaUsage): Vector {
  const v: Vector = new Map();
  if (usage.cpu > 0) v.set('cpu', usage.cpu);
  if (usage.memory > 0) v.set('memory', usage.memory);
  if (usage.gpu > 0) v.set('gpu', usage.gpu);
  for (const a of usage.accelerators) if (a.gpu > 0) v.set(ACCELERATOR_PREFIX + a.name, (v.get(ACCELERATOR_PREFIX + a.name) ?? 0) + a.gpu);
  return v;
}

export function toUsage(v: Vector): QuotaUsage {
  const accelerators: QuotaUsage['accelerators'] = [];
  for (const [dim, amount] of v) if (dim.startsWith(ACCELERATOR_PREFIX) && amount > EPSILON) accelerators.push({ name: dim.slice(ACCELERATOR_PREFIX.length), gpu: round(amount) });
  accelerators.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { cpu: round(v.get('cpu') ?? 0), memory: round(v.get('memory') ?? 0), gpu: round(v.get('gpu') ?? 0), accelerators };
}

/** Sums of floats drift (0.1 + 0.2); what is shown and stored is rounded to a millionth. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A quota's figures; dimensions left out are absent here, which `limitOf` reads as unlimited. */
export function quotaVector(quota: ResourceQuota | undefined): Vector {
  const v: Vector = new Map();
  if (!quota) return v;
  if (quota.cpu !== undefined) v.set('cpu', quota.cpu);
  if (quota.memory !== undefined) v.set('memory', quota.memory);
  if (quota.gpu !== undefined) v.set('gpu', quota.gpu);
  for (const a of quota.accelerators) v.set(ACCELERATOR_PREFIX + a.name, a.gpu);
  return v;
}

/** A quota's limit in one dimension: Infinity when it does not name it. */
export function limitOf(quota: Vector, dim: string): number {
  return quota.get(dim) ?? Infinity;
}

export function addInto(target: Vector, v: Vector, sign = 1): void {
  for (const [dim, amount] of v) {
    const next = (target.get(dim) ?? 0) + sign * amount;
    if (Math.abs(next) <= EPSILON) target.delete(dim);
    else target.set(dim, next);
  }
}

/** Whether every figure of `a` is at most `b`'s (dimensions `b` lacks count as 0). */
export function atMost(a: Vector, b: Vector): boolean {
  for (const [dim, amount] of a) if (amount > (b.get(dim) ?? 0) + EPSILON) return false;
  return true;
}

/** `4 cpu`, `2 GiB memory`, `1 gpu`, `2 A100 gpu`. */
export function describeAmount(dim: string, amount: number): string {
  const figure = (x: number) => (x === Infinity ? 'unlimited' : String(Math.round(Math.max(0, x) * 100) / 100));
  if (dim === 'memory') {
    if (amount !== Infinity && amount >= 1024 && Number.isInteger(amount / 1024)) return `${figure(amount / 1024)} GiB memory`;
    return `${figure(amount)} MiB memory`;
  }
  if (dim.startsWith(ACCELERATOR_PREFIX)) return `${figure(amount)} ${dim.slice(ACCELERATOR_PREFIX.length)} gpu`;
  return `${figure(amount)} ${dim}`;
}
