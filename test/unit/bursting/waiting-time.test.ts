import { describe, expect, it } from 'vitest';
import { coefficientFromBudget, coefficientOf, expectedRuntimeOf, resourcesOf, waitSeconds, DEFAULT_RUNTIME_SECONDS, type RuntimeStats } from '../../../src/bursting/waiting-time.js';
import type { WaitingPolicy } from '../../../src/domain/spec/waiting-policy-spec.js';
import type { Workload } from '../../../src/domain/types.js';
import { workload } from '../scheduler/fixtures.js';

/** A job of `replicas` replicas of `gpu` GPUs (or `cpu` cores) expected to run `runtime` seconds. */
function job(options: { replicas?: number; gpu?: number; cpu?: number; runtime?: number }): Workload {
  const w = workload('j', { replicas: options.replicas ?? 1, resources: { cpu: options.cpu ?? 1, gpu: options.gpu ?? 0 } });
  return { ...w, spec: { ...w.spec, expectedRuntime: options.runtime } } as Workload;
}

const stats: RuntimeStats = { count: 10, meanRuntime: 1_800, meanResources: 4, meanCompute: 14_400 };

describe('w(j) of each waiting policy', () => {
  const j = job({ replicas: 2, gpu: 4, runtime: 600 }); // R = 8 GPUs, T = 600 s

  it.each<[WaitingPolicy, number]>([
    [{ policy: 'INFINITE' }, Infinity],
    [{ policy: 'ZERO' }, 0],
    [{ policy: 'CONSTANT', coefficient: 300 }, 300],
    [{ policy: 'RUNTIME', coefficient: 0.5 }, 300],
    [{ policy: 'RESOURCE', coefficient: 30 }, 240],
    [{ policy: 'COMPUTE', coefficient: 0.01 }, 48],
  ])('%j waits %d s', (policy, expected) => {
    expect(waitSeconds(policy, j, stats)).toBeCloseTo(expected, 9);
  });

  it('weighs cores when a job asks for no GPU', () => {
    const cpuJob = job({ replicas: 3, cpu: 2, runtime: 100 });
    expect(resourcesOf(cpuJob)).toBe(6);
    expect(waitSeconds({ policy: 'RESOURCE', coefficient: 10 }, cpuJob, stats)).toBe(60);
  });

  it("takes the runtime from the spec, else the queue's mean, else the default", () => {
    expect(expectedRuntimeOf(job({ runtime: 42 }), stats)).toEqual({ seconds: 42, source: 'spec' });
    expect(expectedRuntimeOf(job({}), stats)).toEqual({ seconds: 1_800, source: 'queue' });
    expect(expectedRuntimeOf(job({}), undefined)).toEqual({ seconds: DEFAULT_RUNTIME_SECONDS, source: 'default' });
    expect(expectedRuntimeOf(job({}), { ...stats, count: 0 })).toEqual({ seconds: DEFAULT_RUNTIME_SECONDS, source: 'default' });
  });
});

describe('a waiting budget B gives c so that the mean wait is B x the mean runtime', () => {
  const B = 0.25;

  it.each([
    ['CONSTANT', B * 1_800],
    ['RUNTIME', B],
    ['RESOURCE', (B * 1_800) / 4],
    ['COMPUTE', (B * 1_800) / 14_400],
  ] as const)('%s: c = %d', (policy, c) => {
    expect(coefficientFromBudget(policy, B, stats, job({}))).toBeCloseTo(c, 12);
  });

  it('over a sample of finished jobs, the mean wait comes out as B x the mean runtime, for every policy', () => {
    const sample = [job({ gpu: 1, runtime: 60 }), job({ gpu: 8, runtime: 7_200 }), job({ gpu: 2, runtime: 1_200 }), job({ gpu: 4, replicas: 2, runtime: 300 })];
    const T = sample.map((j) => j.spec.expectedRuntime!);
    const R = sample.map(resourcesOf);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const s: RuntimeStats = { count: sample.length, meanRuntime: mean(T), meanResources: mean(R), meanCompute: mean(T.map((t, i) => t * R[i])) };
    for (const policy of ['CONSTANT', 'RUNTIME', 'RESOURCE', 'COMPUTE'] as const) {
      const waits = sample.map((j) => waitSeconds({ policy, budget: B }, j, s));
      expect(mean(waits)).toBeCloseTo(B * mean(T), 6);
    }
  });

  it('without finished work the job stands for its queue: it waits B x its own runtime', () => {
    const j = job({ gpu: 8, runtime: 1_000 });
    for (const policy of ['CONSTANT', 'RUNTIME', 'RESOURCE', 'COMPUTE'] as const) {
      expect(waitSeconds({ policy, budget: B }, j, undefined)).toBeCloseTo(250, 9);
    }
  });

  it('a given coefficient wins over any statistics', () => {
    expect(coefficientOf({ policy: 'COMPUTE', coefficient: 2 }, stats, job({}))).toBe(2);
  });

  it('bigger and longer jobs wait longer under COMPUTE (they are the ones worth keeping on the cheap cluster)', () => {
    const small = waitSeconds({ policy: 'COMPUTE', budget: B }, job({ gpu: 1, runtime: 600 }), stats);
    const big = waitSeconds({ policy: 'COMPUTE', budget: B }, job({ gpu: 8, runtime: 600 }), stats);
    expect(big).toBeCloseTo(8 * small, 9);
  });
});
