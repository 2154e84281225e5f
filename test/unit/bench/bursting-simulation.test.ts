import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../../bench/bursting/generator.js';
import { BurstingSimulation, type FederationShape, type Variant } from '../../../bench/bursting/simulation.js';

const shape: FederationShape = { onPremNodes: 4, node: { gpu: 8, cpu: 64, memory: 8 * 65536 }, cloudCost: { gpu: 2.4, cpu: 0.05, memory: 0 } };
const trace = generateTrace({ kind: 'helios', jobs: 400, seed: 5, onPremGpus: 32, load: 1.2, cv: 1, diurnal: 0.5 });
const run = (v: Omit<Variant, 'name'>) => new BurstingSimulation(trace, shape, { name: v.policy.policy, ...v }).run();

describe('BurstingSimulation', () => {
  it('runs every job once, on the real gates: INFINITE never pays, ZERO pays most, COMPUTE in between', () => {
    const zero = run({ policy: { policy: 'ZERO' }, estimate: false, runtime: 'spec' });
    const infinite = run({ policy: { policy: 'INFINITE' }, estimate: false, runtime: 'spec' });
    const compute = run({ policy: { policy: 'COMPUTE', budget: 0.25 }, estimate: true, runtime: 'spec' });
    for (const r of [zero, infinite, compute]) {
      expect(r.completed).toBe(trace.length);
      expect(r.overcommitted).toBe(0);
    }
    // Jobs larger than all of on-prem (32 GPUs) go to the cloud even under INFINITE: none here.
    expect(Math.max(...trace.map((j) => j.gpu * j.replicas))).toBeLessThanOrEqual(32);
    expect(infinite.cloudCost).toBe(0);
    expect(infinite.burst).toBe(0);
    expect(zero.cloudCost).toBeGreaterThan(0);
    expect(compute.cloudCost).toBeLessThan(zero.cloudCost);
    expect(compute.avgJctS).toBeLessThanOrEqual(infinite.avgJctS);
    expect(zero.avgJctS).toBeLessThan(infinite.avgJctS);
  });
});
