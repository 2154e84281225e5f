/**
 * The burst gates of the scheduler and the admission probe, over the listers: which waiting
 * policy is in force for a workload (its queue's spec.waitingPolicy, else its namespace's
 * annotation, else ZERO), the runtime statistics of its queue's finished work (a RuntimeBook fed
 * by the workload watch), and the start-time estimate of the cheapest tier it waits for.
 *
 * The estimate takes the tier's free resources as reported, what each replica running there gives
 * back at its expected end (its start plus its expected runtime), what the clusters say work from
 * outside the federation gives back (status.releases: Slurm's other users' jobs at their time
 * limits), and the line of workloads waiting for that tier (as this process last placed them)
 * before this one.
 */
import { burstGate, DEFAULT_WAITING_POLICY, type BurstGate, type PolicySource } from '../bursting/burst-gate.js';
import { namespaceWaitingPolicy } from '../bursting/namespace-policy.js';
import { anyPriced } from '../bursting/price.js';
import { RuntimeBook, runtimeGroupOf } from '../bursting/runtime-book.js';
import { estimateStarts, type Amount, type Demand, type Release } from '../bursting/start-estimate.js';
import { expectedRuntimeOf } from '../bursting/waiting-time.js';
import type { WaitingPolicy } from '../domain/spec/waiting-policy-spec.js';
import { refKey, refOf } from '../domain/object-ref.js';
import type { QueueResolution } from '../domain/queueing.js';
import type { Workload } from '../domain/types.js';
import { isFinished, placedReplicas } from '../domain/workload-status.js';
import type { Listers } from './listers.js';

export interface BurstGatesOptions {
  listers: Listers;
  queueOf: (workload: Workload) => QueueResolution;
  /** Shared by the controllers of one process; fed here unless `feed` is false. */
  runtimes?: RuntimeBook;
  /** How long one tier's line and releases are reused before they are built again. */
  estimateTtlMs?: number;
}

interface TierView {
  at: number;
  free: Amount;
  releases: Release[];
  /** Waiting workloads, oldest first. */
  line: { key: string; created: number; demand: Demand }[];
}

export class BurstGates {
  readonly runtimes: RuntimeBook;
  private readonly listers: Listers;
  private readonly queueOf: (workload: Workload) => QueueResolution;
  private readonly ttlMs: number;
  /** The cheapest tier each workload waits for, as its last placement found it. */
  private readonly waitingFor = new Map<string, string[]>();
  private readonly tiers = new Map<string, TierView>();
  private readonly unsubscribe: () => void;

  constructor({ listers, queueOf, runtimes, estimateTtlMs = 1_000 }: BurstGatesOptions) {
    this.listers = listers;
    this.queueOf = queueOf;
    this.ttlMs = estimateTtlMs;
    this.runtimes = runtimes ?? new RuntimeBook();
    for (const w of listers.workloads()) this.runtimes.observe(w);
    this.unsubscribe = listers.onWorkload((w) => {
      const current = listers.workload(refKey(refOf(w)));
      if (current) this.runtimes.observe(current);
      else this.runtimes.forget(w);
      if (!current || isFinished(current)) this.waitingFor.delete(refKey(refOf(w)));
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  /** The policy in force and where it comes from. */
  policyOf(workload: Workload): { policy: WaitingPolicy; source: PolicySource } {
    const resolution = this.queueOf(workload);
    if (resolution.kind === 'queue' && resolution.queue.spec.waitingPolicy) return { policy: resolution.queue.spec.waitingPolicy, source: 'queue' };
    const namespace = this.listers.namespaces.get(workload.metadata.namespace ?? '');
    const fromNamespace = namespaceWaitingPolicy(namespace?.metadata.annotations);
    if (fromNamespace) return { policy: fromNamespace, source: 'namespace' };
    return { policy: DEFAULT_WAITING_POLICY, source: 'default' };
  }

  /** The workload's gate now; undefined while no cluster has a price (costs play no part). */
  gate(workload: Workload, now: number): BurstGate | undefined {
    if (!anyPriced(this.listers.clusters.list())) return undefined;
    const { policy, source } = this.policyOf(workload);
    return burstGate({ workload, policy, source, stats: this.runtimes.stats(runtimeGroupOf(workload)), now });
  }

  /** Records the tier a workload waits for (or none, once placed or free to burst). */
  noteWaiting(workload: Workload, tier: readonly string[] | undefined): void {
    const key = refKey(refOf(workload));
    if (tier && tier.length > 0) this.waitingFor.set(key, [...tier].sort());
    else this.waitingFor.delete(key);
  }

  /**
   * When `tier` would start the workload, ms since the epoch; undefined when the work it knows of
   * never frees enough: what else holds the tier (work from outside the federation) has no known
   * end, so nothing can be said.
   */
  estimateStart(workload: Workload, tier: readonly string[], now: number): number | undefined {
    const names = [...tier].sort();
    const view = this.tierView(names, now);
    const key = refKey(refOf(workload));
    const created = Date.parse(workload.metadata.creationTimestamp);
    const ahead = view.line.filter((entry) => entry.key !== key && entry.created <= created).map((entry) => entry.demand);
    const starts = estimateStarts(view.free, view.releases, [...ahead, this.demandOf(workload)], now);
    const start = starts.get(key);
    return start === undefined || start === Infinity ? undefined : start;
  }

  private demandOf(workload: Workload): Demand {
    const { resources } = workload.spec;
    const replicas = Math.max(0, workload.spec.replicas - placedReplicas(workload.status));
    const runtime = expectedRuntimeOf(workload, this.runtimes.stats(runtimeGroupOf(workload))).seconds;
    return { key: refKey(refOf(workload)), cpu: resources.cpu * replicas, memory: resources.memory * replicas, gpu: resources.gpu * replicas, runtimeMs: runtime * 1000 };
  }

  private tierView(names: readonly string[], now: number): TierView {
    const id = names.join(',');
    const cached = this.tiers.get(id);
    if (cached && now - cached.at < this.ttlMs) return cached;
    const inTier = new Set(names);
    const free: Amount = { cpu: 0, memory: 0, gpu: 0 };
    const releases: Release[] = [];
    for (const c of this.listers.clusters.list()) {
      if (!inTier.has(c.metadata.name)) continue;
      free.cpu += c.status.allocatable.cpu;
      free.memory += c.status.allocatable.memory;
      free.gpu += c.status.allocatable.gpu;
      // What the cluster itself says work from outside the federation gives back (Slurm's time limits).
      for (const r of c.status.releases ?? []) releases.push({ at: Math.max(now, Date.parse(r.at)), cpu: r.cpu, memory: r.memory, gpu: r.gpu });
    }
    const line: TierView['line'] = [];
    for (const w of this.listers.workloads()) {
      if (isFinished(w)) continue;
      const stats = this.runtimes.stats(runtimeGroupOf(w));
      const runtimeMs = expectedRuntimeOf(w, stats).seconds * 1000;
      const { resources } = w.spec;
      const started = w.status.startTime ? Date.parse(w.status.startTime) : now;
      for (const p of w.status.placements) {
        if (!inTier.has(p.cluster) || p.replicas === 0) continue;
        // Overdue work is taken to end any moment now.
        releases.push({ at: Math.max(now, started + runtimeMs), cpu: resources.cpu * p.replicas, memory: resources.memory * p.replicas, gpu: resources.gpu * p.replicas });
      }
      const key = refKey(refOf(w));
      const waits = this.waitingFor.get(key);
      if (waits && waits.some((name) => inTier.has(name))) line.push({ key, created: Date.parse(w.metadata.creationTimestamp), demand: this.demandOf(w) });
    }
    line.sort((a, b) => a.created - b.created || (a.key < b.key ? -1 : 1));
    releases.sort((a, b) => a.at - b.at);
    const view = { at: now, free, releases, line };
    this.tiers.set(id, view);
    return view;
  }
}
