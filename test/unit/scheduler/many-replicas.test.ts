/**
 * A billion replicas cost what four do: placement and reservations work per cluster and per node,
 * never per replica. The timeout is what proves it: one replica at a time, each case would run
 * for minutes (the 1e9-replica Job kept the controller manager busy for 2 min 39 s).
 */
import { describe, expect, it } from 'vitest';
import { place } from '../../../src/scheduler/place.js';
import { Reservations, roomiestFirst } from '../../../src/scheduler/reservations.js';
import { cluster, workload } from './fixtures.js';

const BILLION = 1_000_000_000;
const counts = (placements: { cluster: string; replicas: number }[]) => Object.fromEntries(placements.map((p) => [p.cluster, p.replicas]));

describe('a billion replicas', { timeout: 5_000 }, () => {
  it('that ask for nothing spread evenly over several clusters', () => {
    const clusters = ['a', 'b', 'c'].map((name) => cluster(name));
    const result = place({ workload: workload('huge', { replicas: BILLION, resources: { cpu: 0 } }), clusters, filterPolicies: [] });
    expect(counts(result.placements)).toEqual({ a: 333_333_334, b: 333_333_333, c: 333_333_333 });
    expect(result.unplaced).toBe(0);
  });

  it('spread in proportion to room, over clusters of many nodes', () => {
    const nodes = (count: number, cpu: number) => Array.from({ length: count }, () => ({ cpu }));
    const clusters = [cluster('a', { nodes: nodes(100, 6_000_000) }), cluster('b', { nodes: nodes(10, 30_000_000) }), cluster('c', { nodes: nodes(1, 500_000_000) })];
    const result = place({ workload: workload('huge', { replicas: BILLION }), clusters, filterPolicies: [] });
    // Rooms 6e8, 3e8 and 5e8 of 1-cpu replicas: 1e9 × 6/14, 3/14, 5/14, whole replicas.
    expect(counts(result.placements)).toEqual({ a: 428_571_429, b: 214_285_714, c: 357_142_857 });
  });

  it('packed: the roomiest cluster is filled, then the tightest that takes the rest', () => {
    const clusters = [cluster('a', { nodes: [{ cpu: 3e8 }] }), cluster('b', { nodes: [{ cpu: 8e8 }] }), cluster('c', { nodes: [{ cpu: 4e8 }] })];
    const result = place({ workload: workload('huge', { replicas: BILLION, strategy: 'PACK' }), clusters, filterPolicies: [] });
    expect(counts(result.placements)).toEqual({ a: 200_000_000, b: 800_000_000 });
  });

  it('of a Deployment: what fits is placed and the rest waits, with each cluster’s reason', () => {
    const clusters = [cluster('a', { nodes: [{ cpu: 2e8 }] }), cluster('b', { nodes: [{ cpu: 1e8 }] })];
    const result = place({ workload: workload('huge', { kind: 'Deployment', replicas: BILLION }), clusters, filterPolicies: [] });
    expect(counts(result.placements)).toEqual({ a: 200_000_000, b: 100_000_000 });
    expect(result.unplaced).toBe(700_000_000);
    expect(result.reasons).toEqual({ a: 'full after 200000000 replicas', b: 'full after 100000000 replicas' });
  });

  it('of a Job that does not fit: none placed, every cluster’s reason', () => {
    const clusters = [cluster('a', { nodes: [{ cpu: 2e8 }] }), cluster('b', { nodes: [{ cpu: 0.5 }] })];
    const result = place({ workload: workload('huge', { replicas: BILLION }), clusters, filterPolicies: [] });
    expect(result).toEqual({ placements: [], unplaced: BILLION, reasons: { a: 'full after 200000000 replicas', b: 'needs 1 cpu, 0.5 free' }, division: '' });
  });

  it('held in flight are charged to the nodes at once', () => {
    const ledger = new Reservations();
    ledger.hold('jobs/default/huge', { cpu: 1, memory: 0, gpu: 0 }, [{ cluster: 'a', replicas: BILLION }]);
    const [charged] = ledger.apply([cluster('a', { nodes: [{ cpu: 9e8 }, { cpu: 3e8 }, { cpu: 1e8 }] })]);
    // Roomiest first levels the nodes: 9e8, 3e8, 1e8 less 1e9 ends at 1e8, 1e8, 1e8.
    expect(charged.status.nodes.map((n) => n.allocatable.cpu)).toEqual([1e8, 1e8, 1e8]);
    expect(charged.status.allocatable.cpu).toBe(3e8);
  });
});

describe('roomiestFirst', () => {
  it.each([
    [[2, 7], 2, [0, 2]],
    [[5, 5, 5], 4, [2, 1, 1]],
    [[3, 1, 0], 10, [3, 1, 0]],
    [[4, 6, 6], 7, [1, 3, 3]],
    [[1, 1], 0, [0, 0]],
  ])('gives rooms %j, %i replicas as %j (as one at a time would)', (rooms, count, expected) => {
    expect(roomiestFirst(rooms, count)).toEqual(expected);
  });

  it('gives everything to a node whose room is past 2^53, where one replica less rounds to the same', () => {
    expect(roomiestFirst([5, 1e300, 7], 1_000)).toEqual([0, 1_000, 0]);
  });

  it('matches placing one replica at a time on the roomiest node', () => {
    const oneByOne = (rooms: number[], count: number) => {
      const left = [...rooms];
      const taken = rooms.map(() => 0);
      for (let n = 0; n < count; n++) {
        let best = -1;
        left.forEach((r, i) => r > 0 && (best < 0 || r > left[best]) && (best = i));
        if (best < 0) break;
        left[best]--;
        taken[best]++;
      }
      return taken;
    };
    for (let seed = 1; seed <= 200; seed++) {
      const rooms = Array.from({ length: 1 + (seed % 5) }, (_, i) => (seed * (i + 3) * 7) % 11);
      const count = (seed * 13) % 40;
      expect(roomiestFirst(rooms, count)).toEqual(oneByOne(rooms, count));
    }
  });
});
