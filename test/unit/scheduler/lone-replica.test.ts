/**
 * A lone replica is placed in one pass (no ranking, no apportioning). It must land exactly where
 * ranking and dividing would put it: the generic path still runs for an explained placement over
 * up to 8 clusters, so the two are compared on many random fleets.
 */
import { describe, expect, it } from 'vitest';
import type { Cluster, PlacementStrategy } from '../../../src/domain/types.js';
import { place } from '../../../src/scheduler/place.js';
import { cluster, filterPolicy, workload } from './fixtures.js';

/** A small seeded generator, so a failure names the fleet that made it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function fleet(next: () => number, size: number): Cluster[] {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].slice(0, size);
  // Few distinct values, so rooms and ranks tie often.
  return names
    .map((name) => {
      const nodes = Array.from({ length: 1 + Math.floor(next() * 2) }, () => ({ cpu: Math.floor(next() * 4) }));
      return cluster(name, { nodes, labels: { tier: next() < 0.5 ? 'gold' : 'silver', zone: next() < 0.5 ? 'x' : 'y' } });
    })
    .sort(() => next() - 0.5);
}

describe('a lone replica', () => {
  const strategies: PlacementStrategy[] = ['SPREAD', 'PACK'];
  for (const strategy of strategies) {
    it(`${strategy}: lands where ranking and dividing would put it, on 500 random fleets`, () => {
      const next = random(strategy === 'SPREAD' ? 1 : 2);
      let placed = 0;
      for (let round = 0; round < 500; round++) {
        const clusters = fleet(next, 1 + Math.floor(next() * 8));
        const preferences = next() < 0.5 ? [{ selector: 'tier=gold', weight: 10 }, { selector: 'zone=x', weight: Math.floor(next() * 20) }] : [];
        const resources = next() < 0.2 ? { cpu: 0 } : { cpu: 1 };
        const job = workload(`job-${round}`, { strategy, preferences, resources, clusterSelector: next() < 0.2 ? 'zone=y' : undefined });
        const input = { workload: job, clusters, filterPolicies: [] };
        const generic = place({ ...input, explain: true });
        const onePass = place({ ...input, explain: false });
        expect(onePass.placements, `round ${round}`).toEqual(generic.placements);
        expect(onePass.unplaced, `round ${round}`).toBe(generic.unplaced);
        if (generic.unplaced === 0) placed++;
      }
      // The fleets must exercise both outcomes.
      expect(placed).toBeGreaterThan(100);
      expect(placed).toBeLessThan(500);
    });
  }

  it('SPREAD over a long list: the roomiest cluster, ties to the first name, said in one line', () => {
    const clusters = ['j', 'i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'].map((name) =>
      cluster(name, { nodes: [{ cpu: name === 'c' || name === 'f' ? 5 : name === 'a' ? 0 : 2 }] }),
    );
    const result = place({ workload: workload('job'), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([{ cluster: 'c', replicas: 1 }]);
    expect(result.division).toBe('SPREAD by room (room: replicas a cluster could still take): c 5 → c 1, the roomiest of 9 open');
  });

  it('PACK over a long list: the tightest cluster of the best rank', () => {
    const clusters = Array.from({ length: 12 }, (_, i) =>
      cluster(`c${String(i).padStart(2, '0')}`, { nodes: [{ cpu: 2 + i }], labels: { tier: i >= 6 ? 'gold' : 'silver' } }),
    );
    const job = workload('job', { strategy: 'PACK', preferences: [{ selector: 'tier=gold', weight: 10 }] });
    const result = place({ workload: job, clusters, filterPolicies: [] });
    expect(result.placements).toEqual([{ cluster: 'c06', replicas: 1 }]);
    expect(result.division).toBe(
      'PACK onto the fewest clusters, best preference first (room: replicas a cluster could still take): c06 8 → c06 1, the tightest of 12 open',
    );
  });

  it('asks nothing: any cluster takes it, the first name among the best', () => {
    const clusters = Array.from({ length: 10 }, (_, i) => cluster(`z${9 - i}`, { nodes: [{ cpu: 0 }] }));
    const result = place({ workload: workload('job', { resources: { cpu: 0 } }), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([{ cluster: 'z0', replicas: 1 }]);
    expect(result.division).toMatch(/: z0 any → z0 1, the roomiest of 10 open$/);
  });

  it('finds no room over a long list: every rejection and every full cluster has its reason', () => {
    const clusters = Array.from({ length: 10 }, (_, i) => cluster(`c${i}`, { nodes: [{ cpu: 0.5 }], labels: { zone: i < 3 ? 'x' : 'y' } }));
    const result = place({ workload: workload('job', { clusterSelector: 'zone=y' }), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([]);
    expect(result.unplaced).toBe(1);
    expect(Object.keys(result.reasons).sort()).toEqual(clusters.map((c) => c.metadata.name).sort());
    expect(result.reasons.c0).toMatch(/zone=y/);
    expect(result.reasons.c5).not.toMatch(/zone=y/);
  });

  it('still honours FilterPolicies: a checker skipped only when nothing applies', () => {
    const clusters = Array.from({ length: 10 }, (_, i) => cluster(`c${i}`, { nodes: [{ cpu: 10 - i }] }));
    const policy = filterPolicy('keep-out', { exclude: ['c0', 'c1'] });
    const withPolicy = place({ workload: workload('job'), clusters, filterPolicies: [policy] });
    expect(withPolicy.placements).toEqual([{ cluster: 'c2', replicas: 1 }]);
    expect(withPolicy.reasons.c0).toBeDefined();
    const without = place({ workload: workload('job'), clusters, filterPolicies: [] });
    expect(without.placements).toEqual([{ cluster: 'c0', replicas: 1 }]);
  });
});
