/** The account arithmetic of src/domain/replica-cost.ts: intervals closed and opened on rate changes, costs read at a time. */
import { describe, expect, it } from 'vitest';
import { MAX_ACCRUED_COST } from '../../../src/domain/limits.js';
import { accrue, costUntil, entryCost, workloadCost } from '../../../src/domain/replica-cost.js';
import type { ClusterReplicaStatus, WorkloadStatus } from '../../../src/domain/types.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function entry(cluster: string, cost: ClusterReplicaStatus['cost']): ClusterReplicaStatus {
  return { cluster, pending: 0, running: 0, succeeded: 0, failed: 0, cost };
}

describe('accrue', () => {
  it('keeps no account while nothing runs at a price', () => {
    expect(accrue(undefined, 0, T0)).toBeUndefined();
  });

  it('opens an interval when replicas start running at a price', () => {
    expect(accrue(undefined, 2.5, T0)).toEqual({ accrued: 0, ratePerHour: 2.5, since: iso(T0) });
  });

  it('leaves the account as it is while the rate stays the same', () => {
    const open = { accrued: 1, ratePerHour: 2.5, since: iso(T0) };
    expect(accrue(open, 2.5, T0 + 5 * HOUR)).toBe(open);
    const closed = { accrued: 3, ratePerHour: 0 };
    expect(accrue(closed, 0, T0 + HOUR)).toBe(closed);
  });

  it('closes the open interval into accrued and opens one at the new rate', () => {
    const open = { accrued: 1, ratePerHour: 2, since: iso(T0) };
    // 2/h for 1.5 h = 3, plus the 1 accrued before.
    expect(accrue(open, 6, T0 + 1.5 * HOUR)).toEqual({ accrued: 4, ratePerHour: 6, since: iso(T0 + 1.5 * HOUR) });
  });

  it('closes the interval without opening another when nothing runs any more', () => {
    const open = { accrued: 0, ratePerHour: 4, since: iso(T0) };
    expect(accrue(open, 0, T0 + 30 * 60_000)).toEqual({ accrued: 2, ratePerHour: 0 });
  });

  it('counts nothing for an interval that starts in the future (another clock), and never more than the maximum', () => {
    const ahead = { accrued: 1, ratePerHour: 4, since: iso(T0 + HOUR) };
    expect(accrue(ahead, 0, T0)).toEqual({ accrued: 1, ratePerHour: 0 });
    expect(costUntil({ accrued: MAX_ACCRUED_COST, ratePerHour: 1e6, since: iso(T0) }, T0 + HOUR)).toBe(MAX_ACCRUED_COST);
  });
});

describe('costUntil', () => {
  it('adds the open interval up to the time asked', () => {
    const open = { accrued: 10, ratePerHour: 3, since: iso(T0) };
    expect(costUntil(open, T0)).toBe(10);
    expect(costUntil(open, T0 + 2 * HOUR)).toBe(16);
    expect(costUntil(undefined, T0)).toBe(0);
  });
});

describe('workloadCost', () => {
  const open = (since: number, rate: number, accrued = 0) => ({ accrued, ratePerHour: rate, since: iso(since) });

  it('sums every cluster it ran on, open intervals up to now', () => {
    const status: Pick<WorkloadStatus, 'placements' | 'evictions' | 'replicaStatus'> = {
      placements: [{ cluster: 'a', replicas: 1 }],
      replicaStatus: [entry('a', open(T0, 2, 1)), entry('b', { accrued: 5, ratePerHour: 0 }), entry('c', undefined)],
    };
    expect(workloadCost(status, T0 + HOUR)).toBe(1 + 2 + 5);
  });

  it("ends the open interval of a cluster the workload was moved off at its eviction, when that cluster's Skylet cannot close it", () => {
    const lost = entry('gone', open(T0, 10));
    const status: Pick<WorkloadStatus, 'placements' | 'evictions'> = {
      placements: [{ cluster: 'a', replicas: 1 }],
      evictions: [{ cluster: 'gone', replicas: 1, at: iso(T0 + HOUR), reason: 'ClusterLost', message: 'lost' }],
    };
    expect(entryCost(status, lost, T0 + 5 * HOUR)).toBe(10);
    // No eviction recorded: only what was closed counts.
    expect(entryCost({ placements: [] }, { ...lost, cost: open(T0, 10, 7) }, T0 + 5 * HOUR)).toBe(7);
  });
});
