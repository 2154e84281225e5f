/**
 * What a workload's replicas cost where they ran, as pure functions of the account each cluster's
 * Skylet keeps in its replicaStatus entry (ReplicaCost): closed intervals summed in `accrued`,
 * and at most one open interval, at `ratePerHour` since `since`, while replicas run at a price.
 * The Skylet changes the account only when the rate changes (replicas start or stop, the price
 * changes), so a running workload's cost grows at read time without writes.
 */
import { MAX_ACCRUED_COST } from './limits.js';
import type { ClusterReplicaStatus, ReplicaCost, WorkloadStatus } from './types.js';

const MS_PER_HOUR = 3_600_000;

/** The open interval's amount up to `untilMs`; nothing for one that starts later (another machine's clock). */
function openAmount(cost: ReplicaCost, untilMs: number): number {
  if (cost.since === undefined || cost.ratePerHour <= 0) return 0;
  const since = Date.parse(cost.since);
  if (Number.isNaN(since)) return 0;
  return (cost.ratePerHour * Math.max(0, untilMs - since)) / MS_PER_HOUR;
}

/** Accrued plus the open interval up to `untilMs` (ms). */
export function costUntil(cost: ReplicaCost | undefined, untilMs: number): number {
  if (!cost) return 0;
  return Math.min(MAX_ACCRUED_COST, cost.accrued + openAmount(cost, untilMs));
}

/**
 * The account carried to `ratePerHour` at `nowMs`: the same while the rate is the same; else the
 * open interval closed into `accrued`, and a new one opened at the new rate when it is above 0.
 * Undefined while nothing has accrued and nothing runs at a price (free clusters keep no account).
 */
export function accrue(previous: ReplicaCost | undefined, ratePerHour: number, nowMs: number): ReplicaCost | undefined {
  const open = previous?.since !== undefined;
  if (open ? previous.ratePerHour === ratePerHour : ratePerHour === 0) return previous;
  const accrued = costUntil(previous, nowMs);
  if (accrued === 0 && ratePerHour === 0) return undefined;
  const next: ReplicaCost = { accrued, ratePerHour };
  if (ratePerHour > 0) next.since = new Date(nowMs).toISOString();
  return next;
}

/**
 * Until when (ms) an entry's open interval counts: now while the workload is placed on that
 * cluster. Once it is moved off, that cluster's Skylet closes the interval when it deletes the
 * replicas; if the Skylet is gone (the cluster was deleted or lost) nobody will, so the interval
 * ends at the newest eviction from that cluster, or adds nothing when there is none.
 */
function openUntil(status: Pick<WorkloadStatus, 'placements' | 'evictions'>, entry: ClusterReplicaStatus, nowMs: number): number {
  if (status.placements.some((p) => p.cluster === entry.cluster && p.replicas > 0)) return nowMs;
  const evicted = status.evictions?.find((e) => e.cluster === entry.cluster);
  const at = evicted ? Date.parse(evicted.at) : NaN;
  return Number.isNaN(at) ? -Infinity : Math.min(at, nowMs);
}

/** What the replicas on one cluster have cost up to `nowMs`. */
export function entryCost(status: Pick<WorkloadStatus, 'placements' | 'evictions'>, entry: ClusterReplicaStatus, nowMs: number): number {
  return costUntil(entry.cost, openUntil(status, entry, nowMs));
}

/** What all of a workload's replicas have cost, wherever they ran, up to `nowMs`. */
export function workloadCost(status: Pick<WorkloadStatus, 'placements' | 'evictions' | 'replicaStatus'>, nowMs: number): number {
  return status.replicaStatus.reduce((sum, entry) => sum + entryCost(status, entry, nowMs), 0);
}
