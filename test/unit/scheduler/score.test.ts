import { describe, expect, it } from 'vitest';
import { createContext } from '../../../src/scheduler/context.js';
import { place } from '../../../src/scheduler/place.js';
import { capacityShare } from '../../../src/scheduler/scorers/capacity-share.js';
import { fewestClusters } from '../../../src/scheduler/scorers/fewest-clusters.js';
import { preferences } from '../../../src/scheduler/scorers/preferences.js';
import { normalizedScore, type Scorer } from '../../../src/scheduler/scorers/scorer.js';
import { cluster, workload } from './fixtures.js';

const big = cluster('big', { nodes: [{ cpu: 8 }] });
const small = cluster('small', { nodes: [{ cpu: 2 }] });

describe('capacity share (SPREAD)', () => {
  it('is the share of the room left after this replica', () => {
    const ctx = createContext(workload('job', { replicas: 3 }), [], 3);
    expect(capacityShare.score(big, ctx)).toBe(7 / 8);
    expect(capacityShare.score(small, ctx)).toBe(1 / 2);
    ctx.plan.add(big);
    expect(capacityShare.score(big, ctx)).toBe(6 / 8);
  });

  it('sends a lone replica to the roomier cluster even when its name sorts later', () => {
    const a = cluster('a', { nodes: [{ cpu: 1 }] });
    const z = cluster('z', { nodes: [{ cpu: 16 }] });
    expect(place({ workload: workload('job'), clusters: [a, z], filterPolicies: [] }).placements).toEqual([
      { cluster: 'z', replicas: 1 },
    ]);
  });

  it('spreads replicas that ask for nothing evenly', () => {
    const free = workload('job', { replicas: 4, resources: { cpu: 0 } });
    expect(place({ workload: free, clusters: [big, small], filterPolicies: [] }).placements).toEqual([
      { cluster: 'big', replicas: 2 },
      { cluster: 'small', replicas: 2 },
    ]);
  });
});

describe('fewest clusters (PACK)', () => {
  const ctx = () => createContext(workload('job', { replicas: 2, strategy: 'PACK' }), [], 2);

  it('prefers the tightest cluster that takes everything still to place', () => {
    const tight = cluster('tight', { nodes: [{ cpu: 2 }] });
    const c = ctx();
    expect(fewestClusters.score(tight, c)).toBeGreaterThan(fewestClusters.score(big, c)!);
  });

  it('prefers a larger cluster when none takes everything', () => {
    const c = createContext(workload('job', { replicas: 20, strategy: 'PACK' }), [], 20);
    expect(fewestClusters.score(big, c)).toBeGreaterThan(fewestClusters.score(small, c)!);
  });

  it('keeps filling a cluster the plan already uses', () => {
    const c = ctx();
    c.plan.add(big);
    expect(fewestClusters.score(big, c)).toBe(1);
    expect(fewestClusters.score(small, c)).toBeLessThan(1);
  });
});

describe('preferences', () => {
  const gold = cluster('gold', { labels: { tier: 'gold', region: 'eu' }, nodes: [{ cpu: 2 }] });
  const plain = cluster('plain', { labels: { region: 'eu' }, nodes: [{ cpu: 8 }] });

  it('abstains when the workload has none', () => {
    expect(preferences.score(gold, createContext(workload('job'), [], 1))).toBeUndefined();
  });

  it('scores the matched share of the total weight', () => {
    const job = workload('job', {
      preferences: [
        { selector: 'tier=gold', weight: 30 },
        { selector: 'region=eu', weight: 10 },
      ],
    });
    const ctx = createContext(job, [], 1);
    expect(preferences.score(gold, ctx)).toBe(1);
    expect(preferences.score(plain, ctx)).toBe(10 / 40);
  });

  it('lets a negative weight push a cluster down', () => {
    const ctx = createContext(workload('job', { preferences: [{ selector: 'tier=gold', weight: -1 }] }), [], 1);
    expect(preferences.score(gold, ctx)).toBe(-1);
    expect(preferences.score(plain, ctx)).toBe(0);
  });

  it('outweighs capacity: the preferred cluster gets the replicas while it has room', () => {
    const job = workload('job', { replicas: 3, preferences: [{ selector: 'tier=gold', weight: 1 }] });
    expect(place({ workload: job, clusters: [gold, plain], filterPolicies: [] }).placements).toEqual([
      { cluster: 'gold', replicas: 2 },
      { cluster: 'plain', replicas: 1 },
    ]);
  });
});

describe('normalizedScore', () => {
  const fixed = (name: string, value: number | undefined): Scorer => ({ name, score: () => value });
  const ctx = createContext(workload('job'), [], 1);

  it('averages the scores that apply and leaves abstentions out', () => {
    expect(normalizedScore([fixed('a', 1), fixed('b', 0.5)], big, ctx)).toBe(0.75);
    expect(normalizedScore([fixed('a', 1), fixed('b', undefined)], big, ctx)).toBe(1);
  });
});
