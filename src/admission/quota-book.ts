/**
 * The quota ledger: each queue's nominal quota, lending and borrowing limits, and what its
 * admitted workloads use; and whether one more workload fits. Queues of a cohort pool the part of
 * their nominal quota they lend (their lending limit, all of it by default): a queue's usage up
 * to its guaranteed part (nominal minus lendable) is its own, usage beyond it draws on the pool,
 * and a queue may go beyond its nominal quota by at most its borrowing limit. A queue without a
 * cohort has its nominal quota alone.
 *
 * Usage is fed from the admissions of unfinished workloads (the API objects), never from what a
 * cycle decided without writing, so a restarted controller computes the same figures.
 */
import type { Queue, QuotaUsage } from '../domain/types.js';
import { addInto, describeAmount, limitOf, quotaVector, toUsage, type Vector } from './quota.js';

interface QueueEntry {
  queue: Queue;
  nominal: Vector;
  /** Dimensions the queue lends (its lending limit, or the nominal quota). */
  lendable: Vector;
  borrowingLimit: Vector;
  usage: Vector;
  admitted: number;
}

export type QuotaVerdict =
  | { fits: true; borrows: boolean }
  /** `never`: it could not fit even with the queue and the cohort empty (ExceedsQuota). */
  | { fits: false; never: boolean; message: string };

export class QuotaBook {
  private readonly queues = new Map<string, QueueEntry>();
  private readonly cohorts = new Map<string, Set<string>>();
  /** Usage of queues that do not exist (deleted while their work runs): kept so a new queue of that name counts it. */
  private readonly orphanUsage = new Map<string, { usage: Vector; admitted: number }>();

  setQueue(queue: Queue): void {
    const name = queue.metadata.name;
    const previous = this.queues.get(name);
    if (previous?.queue.spec.cohort) this.cohorts.get(previous.queue.spec.cohort)?.delete(name);
    const orphan = this.orphanUsage.get(name);
    this.orphanUsage.delete(name);
    const nominal = quotaVector(queue.spec.quota);
    this.queues.set(name, {
      queue,
      nominal,
      lendable: queue.spec.lendingLimit ? quotaVector(queue.spec.lendingLimit) : nominal,
      borrowingLimit: quotaVector(queue.spec.borrowingLimit),
      usage: previous?.usage ?? orphan?.usage ?? new Map(),
      admitted: previous?.admitted ?? orphan?.admitted ?? 0,
    });
    const cohort = queue.spec.cohort;
    if (cohort) {
      if (!this.cohorts.has(cohort)) this.cohorts.set(cohort, new Set());
      this.cohorts.get(cohort)!.add(name);
    }
  }

  deleteQueue(name: string): void {
    const entry = this.queues.get(name);
    if (!entry) return;
    this.queues.delete(name);
    if (entry.queue.spec.cohort) this.cohorts.get(entry.queue.spec.cohort)?.delete(name);
    this.orphanUsage.set(name, { usage: entry.usage, admitted: entry.admitted });
  }

  queue(name: string): Queue | undefined {
    return this.queues.get(name)?.queue;
  }

  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  /** The queues of `name`'s cohort, itself included (itself alone without a cohort). */
  cohortOf(name: string): string[] {
    const cohort = this.queues.get(name)?.queue.spec.cohort;
    return cohort ? [...(this.cohorts.get(cohort) ?? [])] : this.queues.has(name) ? [name] : [];
  }

  /** Adds (sign 1) or removes (sign -1) one admitted workload's usage. */
  charge(queueName: string, usage: Vector, sign: 1 | -1): void {
    const entry = this.queues.get(queueName);
    const target = entry ?? this.orphanEntry(queueName);
    addInto(target.usage, usage, sign);
    target.admitted += sign;
  }

  private orphanEntry(name: string) {
    if (!this.orphanUsage.has(name)) this.orphanUsage.set(name, { usage: new Map(), admitted: 0 });
    return this.orphanUsage.get(name)!;
  }

  usage(name: string): Vector {
    return this.queues.get(name)?.usage ?? new Map();
  }

  admittedCount(name: string): number {
    return this.queues.get(name)?.admitted ?? 0;
  }

  /** Usage beyond the nominal quota, per dimension. */
  borrowed(name: string): QuotaUsage {
    const entry = this.queues.get(name);
    const v: Vector = new Map();
    if (entry) for (const [dim, used] of entry.usage) v.set(dim, Math.max(0, used - limitOf(entry.nominal, dim)));
    return toUsage(v);
  }

  /** Whether the queue uses more than its nominal quota in some dimension (so its work may be reclaimed). */
  isBorrowing(name: string): boolean {
    const entry = this.queues.get(name);
    if (!entry) return false;
    for (const [dim, used] of entry.usage) if (used > limitOf(entry.nominal, dim) + 1e-9) return true;
    return false;
  }

  /** Whether the queue's usage plus `extra` stays within its nominal quota. */
  withinNominal(name: string, extra: Vector): boolean {
    const entry = this.queues.get(name);
    if (!entry) return false;
    for (const [dim, amount] of extra) if ((entry.usage.get(dim) ?? 0) + amount > limitOf(entry.nominal, dim) + 1e-9) return false;
    return true;
  }

  /**
   * Weighted dominant-resource share: the largest fraction of the cohort's nominal quota (or of
   * `totals`, the federation's capacity, where the cohort's is unlimited) the queue uses, over
   * its weight. Armada and Kueue order queues by it; the lowest goes first.
   */
  share(name: string, totals: Vector): number {
    const entry = this.queues.get(name);
    if (!entry) return 0;
    let dominant = 0;
    for (const [dim, used] of entry.usage) {
      let total = 0;
      for (const member of this.cohortOf(name)) total += limitOf(this.queues.get(member)!.nominal, dim);
      if (total === Infinity) total = totals.get(dim) ?? 0;
      if (total > 0) dominant = Math.max(dominant, used / total);
    }
    return dominant / entry.queue.spec.weight;
  }

  /**
   * Whether `usage` more fits queue `name`: within nominal plus borrowing limit, and what goes
   * beyond the queue's guaranteed part within what the cohort's pool has left.
   */
  verdict(name: string, usage: Vector): QuotaVerdict {
    const entry = this.queues.get(name);
    if (!entry) return { fits: false, never: true, message: `queue ${name} does not exist` };
    let borrows = false;
    const short: string[] = [];
    let never = false;
    for (const [dim, amount] of usage) {
      const room = this.room(entry, dim);
      const used = entry.usage.get(dim) ?? 0;
      if (amount > room.total + 1e-9) {
        if (amount > room.ceiling + 1e-9) never = true;
        short.push(this.shortage(entry, dim, amount, room));
      } else if (used + amount > limitOf(entry.nominal, dim) + 1e-9) {
        borrows = true;
      }
    }
    if (short.length === 0) return { fits: true, borrows };
    return { fits: false, never, message: short.join('; ') };
  }

  /**
   * How much more of `dim` the queue may take now (`total`, of which `own` within its nominal
   * quota and the rest borrowed), and the most it could ever hold (`ceiling`, with the queue and
   * the cohort empty).
   */
  private room(entry: QueueEntry, dim: string) {
    const nominal = limitOf(entry.nominal, dim);
    const used = entry.usage.get(dim) ?? 0;
    const cohort = entry.queue.spec.cohort;
    if (!cohort) {
      return { total: nominal - used, own: nominal - used, ceiling: nominal };
    }
    const cap = nominal + limitOf(entry.borrowingLimit, dim);
    // The pool: what each member lends, less what each member uses beyond its guaranteed part.
    let pool = 0;
    let poolUsed = 0;
    let ownGuaranteed = 0;
    for (const member of this.cohorts.get(cohort) ?? []) {
      const m = this.queues.get(member)!;
      const mNominal = limitOf(m.nominal, dim);
      const lendable = Math.min(limitOf(m.lendable, dim), mNominal);
      const guaranteed = mNominal === Infinity && lendable === Infinity ? 0 : mNominal - lendable;
      pool += lendable;
      const mUsed = m.usage.get(dim) ?? 0;
      poolUsed += Math.max(0, mUsed - guaranteed);
      if (member === entry.queue.metadata.name) ownGuaranteed = guaranteed;
    }
    // The most it may hold: its guaranteed part plus what the pool has left for it.
    const poolLeft = pool === Infinity ? Infinity : pool - poolUsed + Math.max(0, used - ownGuaranteed);
    const reachable = Math.min(cap, ownGuaranteed + poolLeft);
    const total = reachable - used;
    return { total, own: Math.max(0, Math.min(total, nominal - used)), ceiling: Math.min(cap, ownGuaranteed + pool) };
  }

  /** `needs 4 cpu, queue team-a has 1 left and may borrow 0 from cohort research`. */
  private shortage(entry: QueueEntry, dim: string, amount: number, room: { total: number; own: number; ceiling: number }): string {
    const name = entry.queue.metadata.name;
    const cohort = entry.queue.spec.cohort;
    const left = describeAmount(dim, Math.max(0, room.own)).replace(` ${dim}`, '').replace(/ (MiB|GiB) memory$/, ' $1');
    const needs = describeAmount(dim, amount);
    if (room.ceiling + 1e-9 < amount) {
      return `needs ${needs}, more than queue ${name} can ever hold (${describeAmount(dim, room.ceiling)}${cohort ? ` with what cohort ${cohort} lends` : ''})`;
    }
    if (!cohort) return `needs ${needs}, queue ${name} has ${left} left`;
    const borrow = describeAmount(dim, Math.max(0, room.total - Math.max(0, room.own))).replace(` ${dim}`, '').replace(/ (MiB|GiB) memory$/, ' $1');
    return `needs ${needs}, queue ${name} has ${left} left and may borrow ${borrow} from cohort ${cohort}`;
  }
}
