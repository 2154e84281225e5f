import { describe, expect, it } from 'vitest';
import type { Workload } from '../../../src/domain/types.js';
import {
  DEFAULT_EVICTION_BACKOFF_MS,
  MIN_EVICTION_BACKOFF_MS,
  evictedUntil,
  evictionBackoffMs,
  nextEvictionExpiry,
  waitTimeoutSeconds,
} from '../../../src/scheduler/eviction.js';
import { place } from '../../../src/scheduler/place.js';
import { firstReplicaIndex } from '../../../src/controllers/flow.js';
import { cluster, workload } from './fixtures.js';

const T0 = Date.parse('2026-11-28T12:00:00Z');

function evictedFrom(w: Workload, clusterName: string, at: number, waitTimeout?: number): Workload {
  const eviction = { cluster: clusterName, replicas: 1, at: new Date(at).toISOString(), reason: 'WaitTimeout' as const, message: 'waited' };
  return { ...w, spec: { ...w.spec, waitTimeout }, status: { ...w.status, evictions: [eviction] } } as Workload;
}

describe('wait timeout and backoff', () => {
  it("prefers the workload's waitTimeout over the cluster default", () => {
    const c = cluster('a');
    c.spec.waitTimeout = 30;
    expect(waitTimeoutSeconds(workload('j'), c)).toBe(30);
    expect(waitTimeoutSeconds({ ...workload('j'), spec: { ...workload('j').spec, waitTimeout: 5 } } as Workload, c)).toBe(5);
    expect(waitTimeoutSeconds(workload('j'), cluster('b'))).toBeUndefined();
  });

  it('keeps away twice the wait timeout, never less than the minimum, and a default without one', () => {
    expect(evictionBackoffMs(evictedFrom(workload('j'), 'a', T0, 60), cluster('a'))).toBe(120_000);
    expect(evictionBackoffMs(evictedFrom(workload('j'), 'a', T0, 1), cluster('a'))).toBe(MIN_EVICTION_BACKOFF_MS);
    expect(evictionBackoffMs(workload('j'), cluster('a'))).toBe(DEFAULT_EVICTION_BACKOFF_MS);
  });

  it('says until when a cluster is off limits, and nothing once that has passed', () => {
    const w = evictedFrom(workload('j'), 'a', T0, 30);
    expect(evictedUntil(w, cluster('a'), T0 + 1_000)).toBe(T0 + 60_000);
    expect(evictedUntil(w, cluster('a'), T0 + 60_000)).toBeUndefined();
    expect(evictedUntil(w, cluster('b'), T0 + 1_000)).toBeUndefined();
    expect(nextEvictionExpiry(w, [cluster('a'), cluster('b')], T0 + 1_000)).toBe(T0 + 60_000);
  });
});

describe('the scheduler after an eviction', () => {
  it('keeps the workload off the cluster it was evicted from, saying why, until the backoff ends', () => {
    const w = evictedFrom(workload('j'), 'big', T0, 30);
    const clusters = [cluster('big', { nodes: [{ cpu: 64 }] }), cluster('small', { nodes: [{ cpu: 2 }] })];
    const during = place({ workload: w, clusters, filterPolicies: [], now: T0 + 10_000 });
    expect(during.placements).toEqual([{ cluster: 'small', replicas: 1 }]);
    expect(during.reasons.big).toMatch(/evicted from here at 2026-11-28T12:00:00.000Z; not before 2026-11-28T12:01:00.000Z/);

    const after = place({ workload: w, clusters, filterPolicies: [], now: T0 + 61_000 });
    expect(after.placements).toEqual([{ cluster: 'big', replicas: 1 }]);
  });

  it('leaves the workload unplaced when every cluster evicted it', () => {
    const w = evictedFrom(workload('j'), 'only', T0, 30);
    const result = place({ workload: w, clusters: [cluster('only')], filterPolicies: [], now: T0 + 1 });
    expect(result.placements).toEqual([]);
    expect(result.unplaced).toBe(1);
  });
});

describe('replica numbering across clusters', () => {
  it('numbers replicas in placement order, so SKY_REPLICA_INDEX is unique for the workload', () => {
    const w = workload('j', { replicas: 4 });
    w.status.placements = [
      { cluster: 'a', replicas: 3 },
      { cluster: 'b', replicas: 1 },
    ];
    expect(firstReplicaIndex(w, 'a')).toBe(0);
    expect(firstReplicaIndex(w, 'b')).toBe(3);
  });
});
