/**
 * Evictions: replicas that leave a cluster unfinished, because they waited there longer than the
 * wait timeout (the cluster could not start them after all), because the cluster stayed in ERROR
 * past the failover grace period, or because the workload was preempted (its admission
 * withdrawn). The scheduler controller records each one in
 * `status.evictions` (the Skylet only asks, with an eviction request); for a while after a wait
 * timeout or a lost cluster the scheduler keeps the workload off that cluster, or the replicas
 * would bounce straight back to where they waited. A preemption keeps it off nowhere.
 *
 * Pure functions of the objects and the time, shared by the controllers and the scheduler.
 */
import type { Cluster, Eviction, Workload } from '../domain/types.js';

/** Keep-away after an eviction when no wait timeout is known (failover from an ERROR cluster). */
export const DEFAULT_EVICTION_BACKOFF_MS = 60_000;
/** Never shorter than this, so a tiny wait timeout cannot make replicas ping-pong. */
export const MIN_EVICTION_BACKOFF_MS = 10_000;

/** Seconds a replica of `workload` may wait in `cluster`: its own waitTimeout, else the cluster's. */
export function waitTimeoutSeconds(workload: Workload, cluster: Cluster | undefined): number | undefined {
  return workload.spec.waitTimeout ?? cluster?.spec.waitTimeout;
}

/** How long the workload keeps off a cluster after an eviction there: twice the wait it was given. */
export function evictionBackoffMs(workload: Workload, cluster: Cluster | undefined): number {
  const timeout = waitTimeoutSeconds(workload, cluster);
  if (timeout === undefined) return DEFAULT_EVICTION_BACKOFF_MS;
  return Math.max(MIN_EVICTION_BACKOFF_MS, 2 * timeout * 1000);
}

/** Evictions after which the workload keeps off the cluster: the cluster could not run it. */
export function keepsAway(eviction: Eviction): boolean {
  // A preemption says nothing against the cluster: the replicas left because the workload's
  // admission was withdrawn, and the cluster is as good a home as any once it is admitted again.
  return eviction.reason !== 'Preempted';
}

/** When the workload may be placed on the cluster again, or undefined when it may now. */
export function evictedUntil(workload: Workload, cluster: Cluster, now: number): number | undefined {
  const eviction = lastEviction(workload, cluster.metadata.name);
  if (!eviction || !keepsAway(eviction)) return undefined;
  const until = Date.parse(eviction.at) + evictionBackoffMs(workload, cluster);
  return until > now ? until : undefined;
}

/** The soonest time an eviction of `workload` expires, so a waiting workload can be retried then. */
export function nextEvictionExpiry(workload: Workload, clusters: readonly Cluster[], now: number): number | undefined {
  let soonest: number | undefined;
  for (const cluster of clusters) {
    const until = evictedUntil(workload, cluster, now);
    if (until !== undefined && (soonest === undefined || until < soonest)) soonest = until;
  }
  return soonest;
}

/** The newest eviction of the workload's replicas from `cluster`. */
export function lastEviction(workload: Workload, cluster: string): Eviction | undefined {
  return workload.status.evictions?.find((e) => e.cluster === cluster);
}

/** `evictions` with `eviction` as the newest of its cluster (one entry per cluster, sorted). */
export function recordEviction(evictions: readonly Eviction[] | undefined, eviction: Eviction): Eviction[] {
  const others = (evictions ?? []).filter((e) => e.cluster !== eviction.cluster);
  return [...others, eviction].sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
}
