/**
 * The admission controller's view of every queue, kept up to date incrementally from the API
 * objects (upsert/remove per watch event), and the scheduling cycle over it.
 *
 * - Each queue keeps its pending workloads in a heap (priority, then age); the cycle looks at
 *   heads only, so a decision costs O(log pending), not O(pending).
 * - Usage per queue is the sum of the admissions of unfinished workloads (QuotaBook), charged
 *   and uncharged as their objects change. Admissions this controller has written but not seen
 *   back yet are assumed (charged at once), so the next cycle does not hand the quota out twice.
 * - Across the queues of a cohort the cycle takes the queue with the lowest weighted dominant
 *   share first (DRF), so busy queues converge to shares in proportion to their weights.
 * - A BEST_EFFORT_FIFO head that does not fit is parked (inadmissible) and later work passes it;
 *   parked work comes back when its cohort's usage drops, its queue changes or capacity grows.
 *   A head that waited past the queue's starvationTimeout is not parked: capacity is held for it.
 *   A STRICT_FIFO head that does not fit holds its queue.
 * - A head that may preempt and does not fit asks choosePreemptionVictims for the fewest
 *   lower-priority (or reclaimable borrowed) workloads to withdraw.
 */
import { parseWorkloadRefKey, refKey, refOf } from '../domain/object-ref.js';
import { resolvePriority, resolveQueue, workloadUsage, type PriorityResolution, type QueueResolution } from '../domain/queueing.js';
import { isFinished, placedReplicas } from '../domain/workload-status.js';
import type { Admission, Namespace, Preemption, PriorityClass, Queue, QueueStatus, Workload, WorkloadQueueStatus } from '../domain/types.js';
import type { CapacityModel } from './capacity.js';
import { admissionOrder, PendingHeap, type PendingEntry } from './pending-heap.js';
import { choosePreemptionVictims } from './preemption.js';
import type { PreemptionCandidate } from './preemption-types.js';
import { QuotaBook } from './quota-book.js';
import { addInto, atMost, toUsage, usageVector, type Vector } from './quota.js';

/** What one cycle decided; the controller writes each (the state already assumes the admissions). */
export type CycleDecision =
  /** `expected`: the admission it replaces (a resized workload admitted again). */
  | { kind: 'admit'; workload: Workload; admission: Admission; queue: WorkloadQueueStatus; expected?: Admission }
  | { kind: 'preempt'; victim: Workload; preemption: Preemption; queue: WorkloadQueueStatus; message: string };

export interface CycleResult {
  decisions: CycleDecision[];
  /** Where pending and admitted workloads stand, for those the cycle looked at (written when changed). */
  standings: { workload: Workload; queue: WorkloadQueueStatus }[];
}

interface Tracked {
  workload: Workload;
  key: string;
  resolution: QueueResolution;
  priority: PriorityResolution;
  /** What is charged to the book for it now. */
  charged?: { queue: string; usage: Vector };
  /** The queue whose heap (or parked set) holds it. */
  pendingIn?: string;
  since: number;
}

/**
 * BEST_EFFORT_FIFO: how many heads that do not fit one cycle looks past in one queue before it
 * leaves the queue for the next cycle. Without a bound, a queue out of quota would have every
 * one of its pending workloads examined (and parked) in one cycle, and again whenever quota frees.
 */
export const LOOKAHEAD = 8;

/** How many pending workloads of each queue get a position in their status. */
export const POSITIONS_SHOWN = 10;

export class AdmissionState {
  readonly book = new QuotaBook();
  private readonly tracked = new Map<string, Tracked>();
  private readonly heaps = new Map<string, PendingHeap>();
  private readonly parked = new Map<string, Map<string, PendingEntry>>();
  /** Admitted workloads per queue (preemption candidates). */
  private readonly admittedIn = new Map<string, Set<string>>();
  /** Admitted workloads with replicas not placed yet: their capacity goes to them first. */
  private readonly unplaced = new Set<string>();
  /** Admissions written (or being written) and not seen back yet. */
  private readonly assumed = new Map<string, Admission>();
  /** Admitted workloads whose spec changed since their admission (admitted again when the quota allows). */
  private readonly resized = new Set<string>();
  /** Admissions withdrawn by preemption and not seen back yet. */
  private readonly withdrawn = new Set<string>();
  /** Preemptions each queue caused (ms), for its rate limit. */
  private readonly preemptionTimes = new Map<string, Map<string, number>>();
  private queues: Queue[] = [];
  private classes: PriorityClass[] = [];
  private namespaceLabels = new Map<string, Record<string, string>>();
  private readonly changedQueues = new Set<string>();

  // ------------------------------------------------------------ feeding

  setQueues(queues: readonly Queue[]): void {
    const names = new Set(queues.map((q) => q.metadata.name));
    for (const name of this.book.queueNames()) if (!names.has(name)) this.book.deleteQueue(name);
    for (const q of queues) this.book.setQueue(q);
    this.queues = [...queues];
    for (const q of queues) this.unpark(q.metadata.name);
    this.reresolveAll();
  }

  setPriorityClasses(classes: readonly PriorityClass[]): void {
    this.classes = [...classes];
    this.reresolveAll();
  }

  setNamespaces(namespaces: readonly Namespace[]): void {
    this.namespaceLabels = new Map(namespaces.map((n) => [n.metadata.name, n.metadata.labels]));
    this.reresolveAll();
  }

  private reresolveAll(): void {
    for (const t of [...this.tracked.values()]) this.upsert(t.workload);
  }

  /** The queue of a workload as this state resolves it. */
  resolve(workload: Workload): QueueResolution {
    return resolveQueue(workload, this.queues, (ns) => this.namespaceLabels.get(ns));
  }

  upsert(workload: Workload): void {
    const key = refKey(refOf(workload));
    this.untrack(key);
    const resolution = this.resolve(workload);
    const priority = resolvePriority(workload, this.classes);
    const lastPreempted = workload.status.preemptions?.at(-1)?.at;
    const since = Date.parse(lastPreempted ?? workload.metadata.creationTimestamp) || 0;
    const t: Tracked = { workload, key, resolution, priority, since };
    this.tracked.set(key, t);
    if (isFinished(workload)) {
      this.assumed.delete(key);
      return;
    }
    const seen = workload.status.admission;
    if (seen) this.assumed.delete(key);
    if (!seen) this.withdrawn.delete(key);
    const admission = this.withdrawn.has(key) ? undefined : (seen ?? this.assumed.get(key));
    for (const p of workload.status.preemptions ?? []) this.notePreemption(p.queue, `${key}@${p.at}`, Date.parse(p.at));
    if (admission) {
      const usage = usageVector(admission.usage);
      this.book.charge(admission.queue, usage, 1);
      t.charged = { queue: admission.queue, usage };
      if (!this.admittedIn.has(admission.queue)) this.admittedIn.set(admission.queue, new Set());
      this.admittedIn.get(admission.queue)!.add(key);
      if (placedReplicas(workload.status) < Math.min(admission.replicas, workload.spec.replicas)) this.unplaced.add(key);
      if (admission.generation !== workload.metadata.generation) this.resized.add(key);
      this.changedQueues.add(admission.queue);
      return;
    }
    if (resolution.kind !== 'queue') return;
    const queue = resolution.queue.metadata.name;
    t.pendingIn = queue;
    this.heap(queue).push(this.entryOf(t));
    this.changedQueues.add(queue);
  }

  remove(key: string): void {
    this.untrack(key);
    this.tracked.delete(key);
    this.assumed.delete(key);
    this.withdrawn.delete(key);
  }

  private untrack(key: string): void {
    const t = this.tracked.get(key);
    if (!t) return;
    if (t.charged) {
      this.book.charge(t.charged.queue, t.charged.usage, -1);
      this.admittedIn.get(t.charged.queue)?.delete(key);
      this.changedQueues.add(t.charged.queue);
      // Quota came free: what was parked in the cohort may fit now.
      for (const q of this.book.cohortOf(t.charged.queue)) this.unpark(q);
      t.charged = undefined;
    }
    this.unplaced.delete(key);
    this.resized.delete(key);
    if (t.pendingIn) {
      this.heaps.get(t.pendingIn)?.remove(key);
      this.parked.get(t.pendingIn)?.delete(key);
      this.changedQueues.add(t.pendingIn);
      t.pendingIn = undefined;
    }
  }

  /** Capacity grew (a cluster came or reported more room): parked work is looked at again. */
  capacityChanged(): void {
    for (const name of this.parked.keys()) this.unpark(name);
  }

  private unpark(queue: string): void {
    const parked = this.parked.get(queue);
    if (!parked || parked.size === 0) return;
    const heap = this.heap(queue);
    for (const entry of parked.values()) heap.push(entry);
    parked.clear();
  }

  private heap(queue: string): PendingHeap {
    if (!this.heaps.has(queue)) this.heaps.set(queue, new PendingHeap());
    return this.heaps.get(queue)!;
  }

  private entryOf(t: Tracked): PendingEntry {
    return { key: t.key, priority: t.priority.kind === 'ok' ? t.priority.value : 0, since: t.since };
  }

  private park(queue: string, entry: PendingEntry): void {
    if (!this.parked.has(queue)) this.parked.set(queue, new Map());
    this.parked.get(queue)!.set(entry.key, entry);
  }

  /** A write of ours failed: forget what it assumed, and look at the workload again as it now is. */
  writeFailed(key: string, current: Workload | undefined): void {
    this.assumed.delete(key);
    this.withdrawn.delete(key);
    if (current) this.upsert(current);
    else this.remove(key);
  }

  private notePreemption(queue: string, id: string, at: number): void {
    if (!this.preemptionTimes.has(queue)) this.preemptionTimes.set(queue, new Map());
    this.preemptionTimes.get(queue)!.set(id, at);
  }

  private preemptionsInLastMinute(queue: string, now: number): number {
    const times = this.preemptionTimes.get(queue);
    if (!times) return 0;
    let n = 0;
    for (const [id, at] of times) {
      if (at <= now - 60_000) times.delete(id);
      else n++;
    }
    return n;
  }

  // ------------------------------------------------------------ reading

  /** Queues whose status may have changed since the last call. */
  takeChangedQueues(): string[] {
    const names = [...this.changedQueues];
    this.changedQueues.clear();
    return names;
  }

  pendingCount(queue: string): number {
    return (this.heaps.get(queue)?.size ?? 0) + (this.parked.get(queue)?.size ?? 0);
  }

  queueStatus(name: string, totals: Vector): QueueStatus | undefined {
    const queue = this.book.queue(name);
    if (!queue) return undefined;
    const paused = queue.spec.paused;
    return {
      phase: paused ? 'PAUSED' : 'ACTIVE',
      conditions: [
        paused
          ? { type: 'Active', status: 'False', reason: 'Paused', message: 'admits nothing new; admitted work keeps running', lastTransitionTime: '' }
          : { type: 'Active', status: 'True', reason: 'Ready', message: 'admitting', lastTransitionTime: '' },
      ],
      usage: toUsage(this.book.usage(name)),
      borrowed: this.book.borrowed(name),
      pending: this.pendingCount(name),
      admitted: this.book.admittedCount(name),
      share: Math.round(this.book.share(name, totals) * 1e6) / 1e6,
    };
  }

  /**
   * The first `k` pending workloads of a queue in admission order, parked ones included (they
   * wait in the same line): O(k log n) for the heap, plus the parked ones, which the look-past
   * bound keeps few.
   */
  firstPending(queue: string, k = POSITIONS_SHOWN): Workload[] {
    const heap = this.heaps.get(queue);
    const taken: PendingEntry[] = [];
    while (heap && taken.length < k) {
      const e = heap.pop();
      if (!e) break;
      taken.push(e);
    }
    for (const e of taken) heap!.push(e);
    const all = [...taken, ...(this.parked.get(queue)?.values() ?? [])].sort(admissionOrder).slice(0, k);
    return all.map((e) => this.tracked.get(e.key)!.workload);
  }

  // ------------------------------------------------------------ the cycle

  /**
   * One scheduling cycle: up to `limit` admissions (and the preemptions they need), cohort by
   * cohort, lowest weighted share first. `capacity` starts from the clusters as reported minus
   * what is placed but not reported; the cycle first charges it with admitted work not placed yet.
   */
  cycle(capacity: CapacityModel, now: number, limit = 1_000): CycleResult {
    const decisions: CycleDecision[] = [];
    const standings: CycleResult['standings'] = [];
    for (const key of this.unplaced) {
      const t = this.tracked.get(key);
      const admission = t && (t.workload.status.admission ?? this.assumed.get(key));
      if (!t || !admission) continue;
      const missing = Math.min(admission.replicas, t.workload.spec.replicas) - placedReplicas(t.workload.status);
      if (missing > 0) capacity.reserve(t.workload, missing);
    }
    for (const key of [...this.resized]) {
      const t = this.tracked.get(key)!;
      const before = t.workload.status.admission;
      if (!before || this.assumed.has(key)) continue;
      const queueName = before.queue;
      if (!this.growthFits(t.workload)) {
        standings.push({ workload: t.workload, queue: { name: queueName, reason: 'WaitingForQuota', message: `its spec grew past its admission and queue ${queueName} cannot cover the difference yet` } });
        continue;
      }
      const decision = this.admit(t, queueName, usageVector(workloadUsage(t.workload)), now);
      if (decision.kind === 'admit') decision.expected = before;
      decisions.push(decision);
    }
    const totals = capacity.totals();
    // Heads that wait with capacity held for them go back after the cycle.
    const held: { queue: string; entry: PendingEntry }[] = [];
    const lookedPast = new Map<string, number>();
    /** Queues whose preemptions hit their rate limit this cycle: not asked again until the next. */
    const rateLimited = new Set<string>();
    let admitted = 0;
    // One line over every queue, lowest weighted share first: within a cohort that is DRF; across
    // cohorts (which share the clusters, not quota) it keeps one cohort from refilling every
    // freed slot before the next is looked at.
    {
      const open = new Set(this.book.queueNames().filter((q) => (this.heaps.get(q)?.size ?? 0) > 0));
      while (open.size > 0 && admitted < limit) {
        const queueName = this.lowestShare(open, totals);
        const queue = this.book.queue(queueName)!;
        const heap = this.heap(queueName);
        const entry = heap.peek();
        if (!entry) {
          open.delete(queueName);
          continue;
        }
        const t = this.tracked.get(entry.key)!;
        const standing = (reason: WorkloadQueueStatus['reason'], message: string) => standings.push({ workload: t.workload, queue: { name: queueName, reason, message } });
        if (queue.spec.paused) {
          standing('QueuePaused', `queue ${queueName} is paused: it admits nothing new`);
          open.delete(queueName);
          continue;
        }
        if (t.priority.kind === 'missing') {
          standing('PriorityClassNotFound', `priority class ${t.priority.name} does not exist`);
          heap.pop();
          this.park(queueName, entry);
          continue;
        }
        const replicas = t.workload.spec.replicas;
        const usage = usageVector(workloadUsage(t.workload));
        const verdict = this.book.verdict(queueName, usage);
        const fitsCapacity = verdict.fits && capacity.fits(t.workload, replicas);
        // Asked now: what follows (preemption probes) plans other placements.
        const waitReason = verdict.fits && !fitsCapacity ? capacity.waitingReason?.(t.workload) : undefined;
        if (verdict.fits && fitsCapacity) {
          capacity.reserve(t.workload, replicas);
          heap.pop();
          decisions.push(this.admit(t, queueName, usage, now));
          admitted++;
          continue;
        }
        if (!verdict.fits && verdict.never) {
          standing('ExceedsQuota', `can never be admitted: ${verdict.message}`);
          heap.pop();
          this.park(queueName, entry);
          continue;
        }
        const { decisions: preempted, rateLimited: limited } = rateLimited.has(queueName) ? { decisions: [], rateLimited: true } : this.tryPreemption(t, queueName, usage, capacity, now);
        if (limited) {
          rateLimited.add(queueName);
          // It may preempt, only not yet: it keeps its place and asks again next cycle.
          standing(verdict.fits ? 'WaitingForCapacity' : 'WaitingForQuota', `${verdict.fits ? 'its replicas do not fit on the clusters now' : verdict.message}; queue ${queueName} has made its ${queue.spec.preemption.maxPerMinute} preemptions for this minute`);
          heap.pop();
          held.push({ queue: queueName, entry });
          if (this.lookPast(lookedPast, queueName)) open.delete(queueName);
          continue;
        }
        if (preempted.length > 0) {
          // Admitted at once, before its victims have left: the quota is its now (so no other
          // queue can take it back in the meantime, and it never preempts twice for one
          // admission); the scheduler places it as soon as the victims' replicas are gone.
          heap.pop();
          decisions.push(...preempted, this.admit(t, queueName, usage, now));
          admitted++;
          continue;
        }
        const reason = verdict.fits ? (waitReason ? 'WaitingForCheaperClusters' : 'WaitingForCapacity') : 'WaitingForQuota';
        const message = verdict.fits ? (waitReason ?? 'quota admits it, but its replicas do not fit on the clusters now') : verdict.message;
        const starving = now - t.since >= queue.spec.starvationTimeout * 1000;
        if (verdict.fits && starving) capacity.hold(t.workload, replicas);
        if (queue.spec.queueingStrategy === 'STRICT_FIFO') {
          standing(reason, `${message}; the queue is STRICT_FIFO and waits for it`);
          open.delete(queueName);
          continue;
        }
        heap.pop();
        if (verdict.fits && starving) {
          standing(reason, `${message}; it has waited past the starvation timeout, so capacity is held for it`);
          held.push({ queue: queueName, entry });
        } else {
          standing(reason, message);
          this.park(queueName, entry);
        }
        if (this.lookPast(lookedPast, queueName)) open.delete(queueName);
      }
    }
    for (const { queue, entry } of held) if (this.tracked.get(entry.key)?.pendingIn === queue) this.heap(queue).push(entry);
    return { decisions, standings };
  }

  /** Counts one more head the cycle looked past in `queue`; true once that is LOOKAHEAD. */
  private lookPast(lookedPast: Map<string, number>, queue: string): boolean {
    const passed = (lookedPast.get(queue) ?? 0) + 1;
    lookedPast.set(queue, passed);
    return passed >= LOOKAHEAD;
  }

  private lowestShare(open: Set<string>, totals: Vector): string {
    let best: string | undefined;
    let bestShare = Infinity;
    for (const name of open) {
      const share = this.book.share(name, totals);
      if (share < bestShare || (share === bestShare && best !== undefined && name < best)) {
        best = name;
        bestShare = share;
      }
    }
    return best!;
  }

  private admit(t: Tracked, queueName: string, usage: Vector, now: number): CycleDecision {
    const priority = t.priority.kind === 'ok' ? t.priority.value : 0;
    const admission: Admission = {
      queue: queueName,
      priority,
      admittedAt: new Date(now).toISOString(),
      generation: t.workload.metadata.generation,
      replicas: t.workload.spec.replicas,
      usage: toUsage(usage),
    };
    this.assumed.set(t.key, admission);
    this.upsert(t.workload.status.admission ? { ...t.workload, status: { ...t.workload.status, admission } } as Workload : t.workload);
    return {
      kind: 'admit',
      workload: t.workload,
      admission,
      queue: { name: queueName, reason: 'Admitted', message: `admitted by queue ${queueName} (priority ${priority})` },
    };
  }

  /** Withdraws the fewest admissions that make room for `t`, when its class and queue allow it. */
  private tryPreemption(t: Tracked, queueName: string, usage: Vector, capacity: CapacityModel, now: number): { decisions: CycleDecision[]; rateLimited?: boolean } {
    const none = { decisions: [] };
    if (t.priority.kind !== 'ok' || t.priority.preemptionPolicy === 'NEVER') return none;
    const queue = this.book.queue(queueName)!;
    const policy = queue.spec.preemption;
    if (policy.maxPerMinute === 0) return none;
    if (this.preemptionsInLastMinute(queueName, now) >= policy.maxPerMinute) return { decisions: [], rateLimited: true };
    const candidates: PreemptionCandidate[] = [];
    const byKey = new Map<string, Tracked>();
    for (const member of this.book.cohortOf(queueName)) {
      for (const key of this.admittedIn.get(member) ?? []) {
        const c = this.tracked.get(key);
        if (!c?.charged || key === t.key) continue;
        byKey.set(key, c);
        const admission = c.workload.status.admission ?? this.assumed.get(key);
        const admittedAt = Date.parse(admission?.admittedAt ?? '') || now;
        const started = Date.parse(c.workload.status.startTime ?? '') || now;
        candidates.push({
          key,
          queue: c.charged.queue,
          priority: admission?.priority ?? 0,
          usage: toUsage(c.charged.usage),
          admittedAt,
          workDone: (placedReplicas(c.workload.status) * Math.max(0, now - started)) / 1000,
          placements: c.workload.status.placements,
          preemptedBy: (c.workload.status.preemptions ?? []).map((p) => p.by),
        });
      }
    }
    if (candidates.length === 0) return none;
    const priority = t.priority.value;
    // The callbacks take the removed workloads' usage off the book for the question, then put it back.
    const without = <T>(removed: readonly PreemptionCandidate[], question: () => T): T => {
      for (const r of removed) this.book.charge(r.queue, usageVector(r.usage), -1);
      try {
        return question();
      } finally {
        for (const r of removed) this.book.charge(r.queue, usageVector(r.usage), 1);
      }
    };
    const choice = choosePreemptionVictims({
      preemptor: { key: t.key, queue: queueName, priority, usage: toUsage(usage), preemptedBy: (t.workload.status.preemptions ?? []).map((p) => p.by) },
      withinQueue: policy.withinQueue,
      reclaimWithinCohort: policy.reclaimWithinCohort,
      candidates,
      isBorrowing: (q, removed) => without(removed, () => this.book.isBorrowing(q)),
      preemptorWithinNominal: (removed) => without(removed, () => this.book.withinNominal(queueName, usage)),
      quotaAdmits: (removed) => without(removed, () => this.book.verdict(queueName, usage).fits),
      capacityFits: (removed, cluster) =>
        capacity.fitsWithout(
          t.workload,
          t.workload.spec.replicas,
          removed.map((r) => byKey.get(r.key)!.workload),
          cluster,
        ),
    });
    if (!choice || choice.victims.length === 0) return none;
    // The limit counts preemptions, so it is checked once there would be some.
    if (this.preemptionsInLastMinute(queueName, now) + choice.victims.length > policy.maxPerMinute) return { decisions: [], rateLimited: true };
    const at = new Date(now).toISOString();
    const ref = parseWorkloadRefKey(t.key);
    const preemptor = `${ref.namespace}/${ref.name}`;
    const decisions = choice.victims.map((v) => {
      const victim = byKey.get(v.key)!;
      const message = `Preempted to admit ${preemptor} (priority ${priority})`;
      this.withdrawn.add(v.key);
      this.notePreemption(queueName, `${v.key}@${at}`, now);
      this.upsert(victim.workload);
      return {
        kind: 'preempt' as const,
        victim: victim.workload,
        preemption: { by: t.key, queue: queueName, priority, at },
        queue: { name: v.queue, reason: 'Preempted' as const, message },
        message,
      };
    });
    return { decisions };
  }

  /** Where a workload stands (its queue status), as the last cycle and the heap say. */
  standingOf(workload: Workload): WorkloadQueueStatus | undefined {
    const key = refKey(refOf(workload));
    const t = this.tracked.get(key);
    if (!t) return undefined;
    if (t.resolution.kind === 'missing') return { name: t.resolution.name, reason: 'QueueNotFound', message: t.resolution.message };
    return undefined;
  }

  /** Whether the quota covers what an admitted workload's spec grew by since its admission (true when it did not grow). */
  private growthFits(workload: Workload): boolean {
    const admission = workload.status.admission;
    if (!admission) return false;
    const now = usageVector(workloadUsage(workload));
    const before = usageVector(admission.usage);
    if (atMost(now, before)) return true;
    const delta = new Map(now);
    addInto(delta, before, -1);
    for (const [dim, amount] of delta) if (amount < 0) delta.delete(dim);
    return this.book.verdict(admission.queue, delta).fits;
  }
}

