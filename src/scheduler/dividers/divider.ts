/**
 * A divider splits a batch of replicas among equally ranked clusters, each with the headroom the
 * plan filters leave it (how many more replicas it can take). It decides the whole batch at once,
 * so placing 100,000 replicas costs what placing 4 does: a few steps per cluster.
 */
import type { Cluster } from '../../domain/types.js';
import type { SchedulingContext } from '../context.js';

export interface OpenCluster {
  cluster: Cluster;
  /** Replicas it can still take: a positive whole number, or Infinity when nothing bounds it. */
  headroom: number;
}

export interface Divider {
  readonly name: string;
  /**
   * Replicas for each of `open` (same order; sorted by cluster name), each at most its headroom,
   * adding up to `replicas` or to all the headroom there is, whichever is less.
   */
  divide(replicas: number, open: readonly OpenCluster[], ctx: SchedulingContext): number[];
  /**
   * For a lone replica: whether a cluster with headroom `room` is a better home than one with
   * `than` (equal rooms tie, and the first name wins). Exactly the cluster `divide(1, …)` would
   * pick, found in one pass over the clusters instead of ranking and dividing all of them.
   */
  better(room: number, than: number): boolean;
}
