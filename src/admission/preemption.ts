/**
 * The preemption choice: which admitted workloads to evict so a pending one fits, or none.
 *
 * Pure: everything it knows about quotas and clusters comes through the request's callbacks.
 * Those callbacks are the expensive part (each one sums usage over `removed`), so this module
 * sorts the candidates once (O(n log n)) and calls them O(victims) times per attempt, not once per
 * candidate: a fit check per victim added and per victim when minimizing; isBorrowing once per
 * queue and again only after one of that queue's workloads is chosen; preemptorWithinNominal
 * once, and again only after one of the preemptor's own queue's is. A capacity shortage makes one
 * attempt per cluster the candidates run on, plus one across the federation.
 */
import type { PreemptionCandidate, PreemptionChoice, PreemptionRequest } from './preemption-types.js';

type Removed = readonly PreemptionCandidate[];

/**
 * The fewest allowed victims that make room for the preemptor, or undefined when no allowed set
 * does (nothing is evicted that would not make room). An empty set when nothing is short.
 * Quota short: victims anywhere. Only capacity short: victims on the one cluster that loses the
 * least work, or failing any single cluster, across the federation.
 */
export function choosePreemptionVictims(request: PreemptionRequest): PreemptionChoice | undefined {
  const allowed = allowedCandidates(request).sort(byConsiderationOrder);

  if (!request.quotaAdmits([])) {
    const victims = minimalVictims(request, allowed, (removed) => request.quotaAdmits(removed) && request.capacityFits(removed));
    return victims && { victims };
  }
  if (request.capacityFits([])) return { victims: [] };

  // Quota admits it already and stays admitting as victims give usage back, so only capacity is
  // checked from here on.
  return cheapestClusterChoice(request, allowed) ?? federationChoice(request, allowed);
}

/**
 * Candidates that policy alone (not the quota state) allows: lower priority in the preemptor's
 * own queue, and in the cohort's other queues what reclaimWithinCohort allows. Never the
 * preemptor itself, nor a workload that preempted it (no preemption loops).
 */
function allowedCandidates({ preemptor, withinQueue, reclaimWithinCohort, candidates }: PreemptionRequest): PreemptionCandidate[] {
  const preemptedIt = new Set(preemptor.preemptedBy);
  return candidates.filter((candidate) => {
    if (candidate.key === preemptor.key || preemptedIt.has(candidate.key)) return false;
    const lower = candidate.priority < preemptor.priority;
    if (candidate.queue === preemptor.queue) return withinQueue === 'LOWER_PRIORITY' && lower;
    return reclaimWithinCohort === 'ANY' || (reclaimWithinCohort === 'LOWER_PRIORITY' && lower);
  });
}

/** Lowest priority first, then least work lost, then most recently admitted, then key. */
function byConsiderationOrder(a: PreemptionCandidate, b: PreemptionCandidate): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.workDone !== b.workDone) return a.workDone - b.workDone;
  if (a.admittedAt !== b.admittedAt) return b.admittedAt - a.admittedAt;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Adds candidates in order until `fits`, then drops, from the last added to the first, each one
 * the others make room without. Undefined when all of them together do not make room.
 */
function minimalVictims(
  request: PreemptionRequest,
  ordered: readonly PreemptionCandidate[],
  fits: (removed: Removed) => boolean,
): PreemptionCandidate[] | undefined {
  const eligibility = new CohortEligibility(request);
  const chosen: PreemptionCandidate[] = [];
  // Reclaim candidates passed over only because the preemptor was beyond its nominal quota:
  // evicting its own queue's work can bring it back within, and then they are considered again.
  let deferred: PreemptionCandidate[] = [];
  const tryAdd = (candidate: PreemptionCandidate): boolean => {
    const verdict = eligibility.verdict(candidate, chosen);
    if (verdict === 'beyondNominal') deferred.push(candidate);
    if (verdict !== 'allowed') return false;
    chosen.push(candidate);
    const wasWithinNominal = eligibility.knownWithinNominal();
    eligibility.added(candidate);
    if (fits(chosen.slice())) return true;
    if (deferred.length === 0 || wasWithinNominal || !eligibility.allowsReclaim(chosen)) return false;
    const retry = deferred;
    deferred = [];
    return retry.some(tryAdd);
  };
  const fitted = ordered.some(tryAdd);
  if (!fitted) return undefined;

  let kept = chosen;
  for (let i = chosen.length - 1; i >= 0; i--) {
    const dropped = chosen[i]!;
    const without = kept.filter((victim) => victim !== dropped);
    if (fits(without) && eligibility.mayDrop(dropped, without)) kept = without;
  }
  return kept;
}

/**
 * Whether a candidate of another queue may be reclaimed given the victims chosen so far: its
 * queue must still be borrowing, and the preemptor's queue must stay within its nominal quota.
 * Answers are cached, on the premise that a queue's borrowing changes only when one of its own
 * workloads is removed, and the preemptor's nominal check only when one of its queue's is.
 */
class CohortEligibility {
  private readonly borrowing = new Map<string, boolean>();
  private withinNominal: boolean | undefined;

  constructor(private readonly request: PreemptionRequest) {}

  verdict(candidate: PreemptionCandidate, removed: Removed): 'allowed' | 'beyondNominal' | 'notBorrowing' {
    if (candidate.queue === this.request.preemptor.queue) return 'allowed';
    if (!this.allowsReclaim(removed)) return 'beyondNominal';
    return this.isBorrowing(candidate.queue, removed) ? 'allowed' : 'notBorrowing';
  }

  /** Whether the preemptor's queue stays within its nominal quota once `removed` are gone. */
  allowsReclaim(removed: Removed): boolean {
    this.withinNominal ??= this.request.preemptorWithinNominal(removed.slice());
    return this.withinNominal;
  }

  /** True when the nominal check has passed (it stays passed as more victims are added). */
  knownWithinNominal(): boolean {
    return this.withinNominal === true;
  }

  added(victim: PreemptionCandidate): void {
    if (victim.queue !== this.request.preemptor.queue) this.borrowing.delete(victim.queue);
    else if (this.withinNominal === false) this.withinNominal = undefined;
  }

  /**
   * Whether the smaller set `rest` still respects reclaiming's rule once `dropped` is kept.
   * Keeping a victim of another queue only leaves its queue borrowing more; keeping one of the
   * preemptor's own queue can leave the preemptor beyond its nominal quota, which forbids the
   * reclaim victims in `rest`.
   */
  mayDrop(dropped: PreemptionCandidate, rest: Removed): boolean {
    const preemptorQueue = this.request.preemptor.queue;
    if (dropped.queue !== preemptorQueue) return true;
    if (rest.every((victim) => victim.queue === preemptorQueue)) return true;
    return this.request.preemptorWithinNominal(rest);
  }

  private isBorrowing(queue: string, removed: Removed): boolean {
    let answer = this.borrowing.get(queue);
    if (answer === undefined) {
      answer = this.request.isBorrowing(queue, removed.slice());
      this.borrowing.set(queue, answer);
    }
    return answer;
  }
}

/**
 * One attempt per cluster the candidates hold replicas on, each over the candidates there; of
 * those that make room, the one losing the least work, then the fewest victims, then by name.
 */
function cheapestClusterChoice(request: PreemptionRequest, allowed: readonly PreemptionCandidate[]): PreemptionChoice | undefined {
  const onCluster = new Map<string, PreemptionCandidate[]>();
  for (const candidate of allowed) {
    for (const { cluster, replicas } of candidate.placements) {
      if (replicas <= 0) continue;
      const list = onCluster.get(cluster) ?? [];
      if (list.at(-1) !== candidate) list.push(candidate);
      onCluster.set(cluster, list);
    }
  }

  let best: { cluster: string; victims: PreemptionCandidate[]; workLost: number } | undefined;
  for (const [cluster, ordered] of onCluster) {
    const victims = minimalVictims(request, ordered, (removed) => request.capacityFits(removed, cluster));
    if (!victims) continue;
    const workLost = victims.reduce((sum, victim) => sum + victim.workDone, 0);
    if (!best || isCheaper({ cluster, victims, workLost }, best)) best = { cluster, victims, workLost };
  }
  return best && { victims: best.victims, cluster: best.cluster };
}

function isCheaper(
  a: { cluster: string; victims: unknown[]; workLost: number },
  b: { cluster: string; victims: unknown[]; workLost: number },
): boolean {
  if (a.workLost !== b.workLost) return a.workLost < b.workLost;
  if (a.victims.length !== b.victims.length) return a.victims.length < b.victims.length;
  return a.cluster < b.cluster;
}

/** No single cluster makes room: room spread over the federation, if victims anywhere make it. */
function federationChoice(request: PreemptionRequest, allowed: readonly PreemptionCandidate[]): PreemptionChoice | undefined {
  const victims = minimalVictims(request, allowed, (removed) => request.capacityFits(removed));
  return victims && { victims };
}
