/**
 * Arithmetic on cpu/memory/gpu figures, shared by the scheduler and the cluster managers so that
 * "does this request fit" means the same everywhere. Accelerators are not compared here: whether
 * a node has the requested model is each caller's own rule.
 */
import type { Resources } from './types.js';

/**
 * Figures are floats: ten replicas of 0.1 cpu must fit in 1 cpu, and 0.3 / 0.1 must count as 3,
 * not 2.9999999999999996.
 */
export const EPSILON = 1e-9;

export const NO_RESOURCES: Resources = { cpu: 0, memory: 0, gpu: 0 };

/** Whether `request` fits in `free` in every dimension; exactly the free amount fits. */
export function fits(request: Resources, free: Resources): boolean {
  return request.cpu <= free.cpu + EPSILON && request.memory <= free.memory + EPSILON && request.gpu <= free.gpu + EPSILON;
}

/** Whole copies of `requested` in `free`; Infinity when nothing is requested. */
export function copiesFitting(free: number, requested: number): number {
  return requested > 0 ? Math.max(0, Math.floor(free / requested + EPSILON)) : Infinity;
}

/** The figures of `a` and `b` added (no accelerator: a sum has no single model). */
export function plus(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory, gpu: a.gpu + b.gpu };
}

/** `a` less `b`, possibly negative (no accelerator). */
export function minus(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu - b.cpu, memory: a.memory - b.memory, gpu: a.gpu - b.gpu };
}

/** Negative figures as zero; other fields (the accelerator) kept. */
export function nonNegative(r: Resources): Resources {
  return { ...r, cpu: Math.max(0, r.cpu), memory: Math.max(0, r.memory), gpu: Math.max(0, r.gpu) };
}
