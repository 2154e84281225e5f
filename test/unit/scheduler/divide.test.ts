import { describe, expect, it } from 'vitest';
import { createContext } from '../../../src/scheduler/context.js';
import type { OpenCluster } from '../../../src/scheduler/dividers/divider.js';
import { fewestClusters } from '../../../src/scheduler/dividers/fewest-clusters.js';
import { largestRemainder } from '../../../src/scheduler/dividers/largest-remainder.js';
import { spreadByRoom } from '../../../src/scheduler/dividers/spread-by-room.js';
import { place } from '../../../src/scheduler/place.js';
import { cluster, workload } from './fixtures.js';

const ctx = createContext(workload('job'), [], 1);
const open = (...headrooms: number[]): OpenCluster[] =>
  headrooms.map((headroom, i) => ({ cluster: cluster(`c${i}`), headroom }));

describe('largestRemainder', () => {
  it.each([
    [4, [4, 1, 1], [3, 1, 0]],
    [4, [3, 1], [3, 1]],
    [1, [1, 3], [0, 1]],
    [7, [5, 3, 5], [3, 1, 3]],
    [6, [1, 1, 1], [2, 2, 2]],
    [5, [1, 1, 1], [2, 2, 1]],
    [3, [0, 5, 0], [0, 3, 0]],
    [0, [4, 4], [0, 0]],
  ])('gives %i seats over weights %j as %j', (seats, weights, expected) => {
    expect(largestRemainder(seats, weights)).toEqual(expected);
  });

  it('is exact for weights past 2^53', () => {
    const shares = largestRemainder(100_000, [2 ** 60, 2 ** 60, 2 ** 61]);
    expect(shares).toEqual([25_000, 25_000, 50_000]);
  });

  it('hands out no seat when every weight is 0', () => {
    expect(largestRemainder(3, [0, 0])).toEqual([0, 0]);
  });
});

describe('SPREAD divides in proportion to room', () => {
  it('4 replicas over rooms 4, 1 and 1 go 3/1/0, not all to the first (issue 20)', () => {
    const clusters = [cluster('a', { nodes: [{ cpu: 4 }] }), cluster('b', { nodes: [{ cpu: 1 }] }), cluster('c', { nodes: [{ cpu: 1 }] })];
    const result = place({ workload: workload('job', { replicas: 4 }), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([
      { cluster: 'a', replicas: 3 },
      { cluster: 'b', replicas: 1 },
    ]);
    // What `skym describe` shows in the Scheduled condition: why each cluster got what it got.
    expect(result.division).toBe('SPREAD by room (room: replicas a cluster could still take): a 4, b 1, c 1 → a 3, b 1, c 0');
  });

  it('says how preference ranks took their turns', () => {
    const clusters = [cluster('a', { nodes: [{ cpu: 2 }], labels: { tier: 'gold' } }), cluster('b', { nodes: [{ cpu: 4 }] })];
    const result = place({ workload: workload('job', { replicas: 4, preferences: [{ selector: 'tier=gold', weight: 100 }] }), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([
      { cluster: 'a', replicas: 2 },
      { cluster: 'b', replicas: 2 },
    ]);
    expect(result.division).toBe('SPREAD by room, best preference first (room: replicas a cluster could still take): a 2 → a 2; then b 4 → b 2');
  });

  it('never gives a cluster more than its headroom', () => {
    for (const replicas of [1, 5, 9, 10, 11, 50]) {
      const heads = [7, 1, 2];
      const shares = spreadByRoom.divide(replicas, open(...heads), ctx);
      shares.forEach((n, i) => expect(n).toBeLessThanOrEqual(heads[i]));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(Math.min(replicas, 10));
    }
  });

  it('sends a lone replica to the roomier cluster even when its name sorts later', () => {
    const a = cluster('a', { nodes: [{ cpu: 1 }] });
    const z = cluster('z', { nodes: [{ cpu: 16 }] });
    expect(place({ workload: workload('job'), clusters: [a, z], filterPolicies: [] }).placements).toEqual([
      { cluster: 'z', replicas: 1 },
    ]);
  });

  it('spreads replicas that ask for nothing evenly', () => {
    const free = workload('job', { replicas: 5, resources: { cpu: 0 } });
    const clusters = [cluster('big', { nodes: [{ cpu: 8 }] }), cluster('small', { nodes: [{ cpu: 2 }] })];
    expect(place({ workload: free, clusters, filterPolicies: [] }).placements).toEqual([
      { cluster: 'big', replicas: 3 },
      { cluster: 'small', replicas: 2 },
    ]);
  });
});

describe('PACK fills the fewest clusters', () => {
  it('takes the tightest cluster that holds everything', () => {
    expect(fewestClusters.divide(4, open(2, 8, 5, 4), ctx)).toEqual([0, 0, 0, 4]);
  });

  it('fills the roomiest clusters until the rest fits in one', () => {
    expect(fewestClusters.divide(7, open(2, 5, 3, 1), ctx)).toEqual([2, 5, 0, 0]);
    expect(fewestClusters.divide(20, open(2, 5, 3, 1), ctx)).toEqual([2, 5, 3, 1]);
  });

  it('breaks ties by name, with or without bounds', () => {
    expect(fewestClusters.divide(3, open(5, 5), ctx)).toEqual([3, 0]);
    expect(fewestClusters.divide(3, open(Infinity, Infinity), ctx)).toEqual([3, 0]);
  });
});
