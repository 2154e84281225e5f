import { describe, expect, it } from 'vitest';
import { ClusterCapacity } from '../../../src/admission/cluster-capacity.js';
import { place } from '../../../src/scheduler/place.js';
import type { Workload } from '../../../src/domain/types.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const gang = (name: string, replicas: number, cpu = 1) => workload(name, { replicas, resources: { cpu } });

describe('ClusterCapacity', () => {
  it('admits a gang only when all its replicas fit, and what it reserves counts for the rest of the cycle', () => {
    const capacity = new ClusterCapacity([cluster('a', { nodes: [{ cpu: 4 }] }), cluster('b', { nodes: [{ cpu: 2 }] })], [], NOW);
    expect(capacity.fits(gang('big', 7), 7)).toBe(false);
    const six = gang('six', 6);
    expect(capacity.fits(six, 6)).toBe(true);
    capacity.reserve(six, 6);
    expect(capacity.fits(gang('one', 1), 1)).toBe(false);
  });

  it('holds the free capacity a starving head would use, so smaller work does not take it', () => {
    const capacity = new ClusterCapacity([cluster('a', { nodes: [{ cpu: 4 }] })], [], NOW);
    capacity.reserve(gang('running', 2), 2);
    capacity.hold(gang('starving', 4), 4);
    expect(capacity.fits(gang('small', 1), 1)).toBe(false);
  });

  it('answers whether a workload fits once victims give their replicas back, on one cluster or any', () => {
    const full = (name: string) => {
      const c = cluster(name, { nodes: [{ cpu: 2 }] });
      return { ...c, status: { ...c.status, allocatable: { ...c.status.allocatable, cpu: 0 }, nodes: c.status.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable, cpu: 0 } })) } };
    };
    const capacity = new ClusterCapacity([full('a'), full('b')], [], NOW);
    const victim = { ...gang('victim', 2), status: { ...gang('victim', 2).status, placements: [{ cluster: 'b', replicas: 2 }] } } as Workload;
    const urgent = gang('urgent', 2);
    expect(capacity.fits(urgent, 2)).toBe(false);
    expect(capacity.fitsWithout(urgent, 2, [victim])).toBe(true);
    expect(capacity.fitsWithout(urgent, 2, [victim], 'b')).toBe(true);
    expect(capacity.fitsWithout(urgent, 2, [victim], 'a')).toBe(false);
  });

  it('sums the capacity of READY clusters for shares', () => {
    const capacity = new ClusterCapacity([cluster('a', { nodes: [{ cpu: 4 }] }), cluster('b', { nodes: [{ cpu: 2 }], phase: 'ERROR' })], [], NOW);
    expect(capacity.totals().get('cpu')).toBe(4);
  });
});

describe('place without explanations', () => {
  it('places exactly as with them', () => {
    const clusters = [cluster('a', { nodes: [{ cpu: 4 }] }), cluster('b', { nodes: [{ cpu: 1 }] }), cluster('c', { nodes: [{ cpu: 3 }, { cpu: 1 }] })];
    for (const replicas of [1, 3, 5, 9, 12]) {
      for (const strategy of ['SPREAD', 'PACK'] as const) {
        const w = workload('w', { replicas, strategy, kind: 'Deployment' });
        const explained = place({ workload: w, clusters, filterPolicies: [], now: NOW });
        const probe = place({ workload: w, clusters, filterPolicies: [], now: NOW, explain: false });
        expect(probe.placements).toEqual(explained.placements);
        expect(probe.unplaced).toBe(explained.unplaced);
        expect(probe.division).toBe('');
      }
    }
  });
});
