/**
 * What the admission cycle asks of the clusters: whether a workload's replicas fit now, given what
 * this cycle has already admitted or held. The cycle admits only what the placement would fit,
 * so admitted work places at once (a gang Job all together) instead of holding quota while no
 * cluster can start it.
 */
import type { Workload } from '../domain/types.js';
import type { Vector } from './quota.js';

export interface CapacityModel {
  /** Whether `replicas` replicas of the workload fit now (a Job: all of them together). */
  fits(workload: Workload, replicas: number): boolean;
  /** Takes the capacity those replicas need, for the rest of the cycle. */
  reserve(workload: Workload, replicas: number): void;
  /**
   * Holds the capacity free now on the clusters the workload would use, up to what it needs, so
   * later and smaller work cannot take it (a starving head: Slurm's backfill reservation).
   */
  hold(workload: Workload, replicas: number): void;
  /** Whether the replicas fit once `removed` workloads' replicas are gone; on `cluster` alone when given. */
  fitsWithout(workload: Workload, replicas: number, removed: readonly Workload[], cluster?: string): boolean;
  /** The federation's capacity per dimension, for shares where a cohort's quota is unlimited. */
  totals(): Vector;
  /**
   * Why the last `fits` of this workload said no when its waiting policy holds it on the cheapest
   * clusters ("waiting for on-prem until 14:05 UTC (COMPUTE, budget 0.25), then ..."); else undefined.
   */
  waitingReason?(workload: Workload): string | undefined;
}
