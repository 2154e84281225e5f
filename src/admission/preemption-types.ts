/**
 * What the preemption choice (preemption.ts) is given and gives back. Pure data and callbacks:
 * the admission cycle builds them from its queue accounting and capacity model, so the choice
 * itself is tested on its own.
 */
import type { QuotaUsage } from '../domain/types.js';

/** An admitted, unfinished workload that could be preempted. */
export interface PreemptionCandidate {
  /** refKey ("Job/default/x"). */
  key: string;
  queue: string;
  priority: number;
  usage: QuotaUsage;
  /** Milliseconds since the epoch. */
  admittedAt: number;
  /** Work lost if it is preempted now: replica-seconds its replicas have run. */
  workDone: number;
  /** Replicas per cluster it holds now. */
  placements: { cluster: string; replicas: number }[];
  /** Keys of the workloads that preempted it before (newest last). */
  preemptedBy: readonly string[];
}

export interface Preemptor {
  key: string;
  queue: string;
  priority: number;
  usage: QuotaUsage;
  /** Keys of the workloads that preempted it before: it may never preempt those back. */
  preemptedBy: readonly string[];
}

export interface PreemptionRequest {
  preemptor: Preemptor;
  /** The preemptor's queue's policy. */
  withinQueue: 'NEVER' | 'LOWER_PRIORITY';
  reclaimWithinCohort: 'NEVER' | 'LOWER_PRIORITY' | 'ANY';
  /** Admitted, unfinished workloads of the preemptor's queue and of the other queues of its cohort. */
  candidates: readonly PreemptionCandidate[];
  /** Whether the queue `queue` uses more than its nominal quota once `removed` are gone (so its work may be reclaimed). */
  isBorrowing(queue: string, removed: readonly PreemptionCandidate[]): boolean;
  /** Whether the preemptor's queue stays within its nominal quota once the preemptor is admitted and `removed` are gone: reclaiming is allowed only then. */
  preemptorWithinNominal(removed: readonly PreemptionCandidate[]): boolean;
  /** Whether the preemptor's quota admits it once `removed` give back their usage. */
  quotaAdmits(removed: readonly PreemptionCandidate[]): boolean;
  /**
   * Whether the preemptor's replicas fit on the clusters once `removed` are gone from them; with
   * `cluster`, on that cluster alone.
   */
  capacityFits(removed: readonly PreemptionCandidate[], cluster?: string): boolean;
}

/** The victims, fewest that make room, and why; undefined when no set of allowed victims does. */
export interface PreemptionChoice {
  victims: PreemptionCandidate[];
  /** The cluster the room was made on, when capacity (not quota) was short. */
  cluster?: string;
}
