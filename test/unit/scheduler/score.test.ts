import { describe, expect, it } from 'vitest';
import { createContext } from '../../../src/scheduler/context.js';
import { place } from '../../../src/scheduler/place.js';
import { preferences } from '../../../src/scheduler/scorers/preferences.js';
import { normalizedScore, type Scorer } from '../../../src/scheduler/scorers/scorer.js';
import { cluster, workload } from './fixtures.js';

const big = cluster('big', { nodes: [{ cpu: 8 }] });

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

describe('ranks by preference', () => {
  const labelled = (name: string, cpu: number, labels: Record<string, string>) => cluster(name, { nodes: [{ cpu }], labels });

  it('serve equally preferred clusters together, in proportion to room, and spill the rest to the next rank', () => {
    const clusters = [labelled('a', 2, { tier: 'gold' }), labelled('b', 6, { tier: 'gold' }), labelled('c', 100, {})];
    const job = workload('job', { replicas: 4, preferences: [{ selector: 'tier=gold', weight: 1 }] });
    expect(place({ workload: job, clusters, filterPolicies: [] }).placements).toEqual([
      { cluster: 'a', replicas: 1 },
      { cluster: 'b', replicas: 3 },
    ]);
    const more = workload('job', { replicas: 12, preferences: [{ selector: 'tier=gold', weight: 1 }] });
    expect(place({ workload: more, clusters, filterPolicies: [] }).placements).toEqual([
      { cluster: 'a', replicas: 2 },
      { cluster: 'b', replicas: 6 },
      { cluster: 'c', replicas: 4 },
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
