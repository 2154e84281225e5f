/**
 * Cost-aware bursting on simulated clusters, in virtual time: a trace's Jobs arrive at an on-prem
 * cluster that costs nothing and a priced cloud cluster with room for anything, and the
 * scheduler's own code decides where each goes and when. No processes, no API server:
 *
 * - The gates are src/controllers/burst-gates.ts's BurstGates over fake listers
 *   (test/helpers/fake-listers.ts), fed as the watch would feed them: each Job when it arrives,
 *   when it is placed and when it completes (then it is deleted, which keeps the lists short).
 *   So the policy in force comes from the Queue's spec.waitingPolicy, c from the budget over the
 *   RuntimeBook's finished work, and the start estimate from estimateStarts over the listers.
 * - A reconcile is the scheduler controller's: placeUnderGate (src/bursting/place-under-gate.ts)
 *   with the gate and, in the "+estimate" variants, the start estimator; noteWaiting with the
 *   tier the workload waits for. A placed Job's replicas start on the nodes at once
 *   (bench/queues/federation.ts) and the clusters report at once.
 * - Events, not ticks: arrivals, ends and gate openings (the scheduler's nextLook). Every end
 *   looks at all waiting work again, as the controller's cluster-update handler enqueues it.
 *
 * Cost: what each replica on a priced cluster costs an hour (src/bursting/price.ts) times its
 * runtime. JCT: completion minus arrival.
 */
import { BurstGates } from '../../src/controllers/burst-gates.js';
import { placeUnderGate, type StartEstimator } from '../../src/bursting/place-under-gate.js';
import { pricePerHour } from '../../src/bursting/price.js';
import type { WaitingPolicy } from '../../src/domain/spec/waiting-policy-spec.js';
import { refKey, refOf } from '../../src/domain/object-ref.js';
import type { Cluster, Queue, Workload } from '../../src/domain/types.js';
import { FakeListers } from '../../test/helpers/fake-listers.js';
import { Federation } from '../queues/federation.js';
import { clusterObject, EPOCH, jobObject, queueObject } from '../queues/objects.js';
import { percentile } from '../queues/simulation.js';
import { EventQueue } from './events.js';
import type { TraceJob } from './trace.js';

export const ON_PREM = 'on-prem';
export const CLOUD = 'cloud';
const QUEUE = 'bursting';
const NAMESPACE = 'bench';

export interface FederationShape {
  onPremNodes: number;
  node: { cpu: number; memory: number; gpu: number };
  /** The cloud's prices per core-hour, GiB-hour and GPU-hour. */
  cloudCost: { cpu: number; memory: number; gpu: number };
}

export interface Variant {
  name: string;
  policy: WaitingPolicy;
  /** Whether the scheduler asks the start estimate (placeUnderGate's estimator). */
  estimate: boolean;
  /**
   * spec: each Job states its true runtime as spec.expectedRuntime. queue: it states none, and
   * the gates take its queue's mean runtime of finished work (RuntimeBook) instead.
   */
  runtime: 'spec' | 'queue';
}

export interface VariantResult {
  variant: Variant;
  cloudCost: number;
  avgJctS: number;
  p99JctS: number;
  /** Jobs with any replica on the cloud. */
  burst: number;
  /** Jobs whose gate the start estimate opened before their wait was over. */
  openedByEstimate: number;
  /** On-prem GPUs busy / its GPUs, averaged from the first arrival to the last. */
  onPremUtilization: number;
  completed: number;
  /** Replicas the simulated nodes had no room for (placement and nodes disagreed): 0 expected. */
  overcommitted: number;
  wallMs: number;
}

type SimEvent = { kind: 'arrive'; index: number } | { kind: 'end'; key: string } | { kind: 'look'; key: string };

export function federationClusters(shape: FederationShape): Cluster[] {
  const onPrem = clusterObject(ON_PREM, Array.from({ length: shape.onPremNodes }, () => ({ ...shape.node })));
  // "Effectively unlimited": one node far bigger than any trace asks for at once.
  const cloud = clusterObject(CLOUD, [{ cpu: 1e7, memory: 1e12, gpu: 1e6 }]);
  return [onPrem, { ...cloud, spec: { ...cloud.spec, cost: shape.cloudCost } }];
}

function jobWorkload(job: TraceJob, index: number, variant: Variant): Workload {
  const base = jobObject({ name: `job-${index}`, namespace: NAMESPACE, createdAt: EPOCH + Math.round(job.arrival * 1000), replicas: job.replicas, cpu: job.cpu, memory: job.memory });
  const spec = { ...base.spec, resources: { cpu: job.cpu, memory: job.memory, gpu: job.gpu }, queue: QUEUE };
  if (variant.runtime === 'spec') Object.assign(spec, { expectedRuntime: Math.max(1, Math.round(job.runtime)) });
  return { ...base, spec } as Workload;
}

export class BurstingSimulation {
  private readonly listers = new FakeListers();
  private readonly federation: Federation;
  private readonly gates: BurstGates;
  private readonly queue: Queue;
  private readonly events = new EventQueue<SimEvent>();
  /** Waiting Jobs in arrival order, by key, with their trace index. */
  private readonly pending = new Map<string, number>();
  private readonly lookAt = new Map<string, number>();
  private readonly jct: number[] = [];
  private cloudCost = 0;
  private burst = 0;
  private openedByEstimate = 0;
  /** GPU-seconds on-prem between the first and the last arrival, and the GPUs busy there now. */
  private onPremGpuSeconds = 0;
  private onPremBusyGpus = 0;
  private readonly onPremGpusOf = new Map<string, number>();
  private firstArrival = Infinity;
  private lastArrival = -Infinity;
  private now = EPOCH;

  constructor(
    private readonly trace: readonly TraceJob[],
    private readonly shape: FederationShape,
    private readonly variant: Variant,
  ) {
    const clusters = federationClusters(shape);
    this.federation = new Federation(clusters);
    this.queue = queueObject(QUEUE, { namespaces: [NAMESPACE], waitingPolicy: variant.policy });
    this.listers.seed(...clusters, this.queue);
    this.gates = new BurstGates({ listers: this.listers, queueOf: () => ({ kind: 'queue', queue: this.queue }) });
  }

  run(): VariantResult {
    const wallStarted = performance.now();
    this.trace.forEach((job, index) => {
      const at = EPOCH + Math.round(job.arrival * 1000);
      this.firstArrival = Math.min(this.firstArrival, at);
      this.lastArrival = Math.max(this.lastArrival, at);
      this.events.push(at, { kind: 'arrive', index });
    });
    while (this.events.size > 0) {
      const at = this.events.peekTime();
      // GPU-time on-prem while the trace arrives: the busy GPUs since the previous event.
      const from = Math.max(this.now, this.firstArrival);
      const to = Math.min(at, this.lastArrival);
      if (to > from) this.onPremGpuSeconds += (this.onPremBusyGpus * (to - from)) / 1000;
      this.now = at;
      let freed = false;
      const look: string[] = [];
      while (this.events.peekTime() === at) {
        const { event } = this.events.pop()!;
        if (event.kind === 'end') {
          this.finish(event.key);
          freed = true;
        } else if (event.kind === 'arrive') {
          const w = jobWorkload(this.trace[event.index], event.index, this.variant);
          const key = refKey(refOf(w));
          this.listers.apply(w);
          this.pending.set(key, event.index);
          look.push(key);
        } else if (this.lookAt.get(event.key) === at) look.push(event.key);
      }
      if (freed) this.sweep();
      else for (const key of look) if (this.pending.has(key)) this.reconcile(key);
    }
    this.gates.stop();
    const gpus = this.shape.onPremNodes * this.shape.node.gpu;
    return {
      variant: this.variant,
      cloudCost: this.cloudCost,
      avgJctS: this.jct.reduce((s, x) => s + x, 0) / this.jct.length,
      p99JctS: percentile(this.jct, 99),
      burst: this.burst,
      openedByEstimate: this.openedByEstimate,
      onPremUtilization: this.lastArrival > this.firstArrival ? this.onPremGpuSeconds / ((gpus * (this.lastArrival - this.firstArrival)) / 1000) : NaN,
      completed: this.jct.length,
      overcommitted: this.federation.overcommitted,
      wallMs: performance.now() - wallStarted,
    };
  }

  /**
   * Capacity came back: every waiting Job is looked at again, oldest first. A Job whose gate is
   * still closed and that no on-prem node has room for would only be refused again, so without
   * the estimate (which may have moved) it is skipped: a shortcut of this bench that changes no
   * decision.
   */
  private sweep(): void {
    let room = this.onPremRoom();
    for (const [key, index] of this.pending) {
      const job = this.trace[index];
      if (!this.variant.estimate && (job.gpu > room.maxNodeGpu || job.gpu * job.replicas > room.freeGpu)) {
        const gate = this.gates.gate(this.listers.workload(key)!, this.now);
        if (gate && !gate.open) continue;
      }
      if (this.reconcile(key)) room = this.onPremRoom();
    }
  }

  /** The on-prem cluster's free GPUs and the most any node has free. */
  private onPremRoom(): { freeGpu: number; maxNodeGpu: number } {
    const onPrem = this.federation.clusters().find((c) => c.metadata.name === ON_PREM)!;
    let maxNodeGpu = 0;
    for (const n of onPrem.status.nodes) maxNodeGpu = Math.max(maxNodeGpu, n.allocatable.gpu);
    return { freeGpu: onPrem.status.allocatable.gpu, maxNodeGpu };
  }

  /** The scheduler's reconcile of one waiting Job; returns whether it was placed. */
  private reconcile(key: string): boolean {
    const w = this.listers.workload(key)!;
    const now = this.now;
    const gate = this.gates.gate(w, now);
    // INFINITE never opens, so asking when on-prem would start it cannot change anything.
    const estimate: StartEstimator | undefined = this.variant.estimate && gate && gate.waitSeconds !== Infinity ? (tier) => this.gates.estimateStart(w, tier, now) : undefined;
    const placed = placeUnderGate({ workload: w, clusters: this.federation.clusters(), filterPolicies: [], replicas: w.spec.replicas, now, explain: false }, gate, estimate);
    const { result } = placed;
    const tier = result.unplaced > 0 && placed.gate && !placed.gate.open ? result.waitingFor : undefined;
    this.gates.noteWaiting(w, tier);
    if (result.unplaced > 0 || result.placements.length === 0) {
      const until = placed.gate?.until ?? Infinity;
      if (tier && Number.isFinite(until) && this.lookAt.get(key) !== until) {
        this.lookAt.set(key, until);
        this.events.push(Math.max(until, now), { kind: 'look', key });
      }
      return false;
    }
    if (gate && !gate.open && placed.gate?.open) this.openedByEstimate++;
    const job = this.trace[this.pending.get(key)!];
    this.pending.delete(key);
    this.lookAt.delete(key);
    this.federation.start(key, w.spec.resources, result.placements);
    this.report();
    const byName = new Map(this.federation.clusters().map((c) => [c.metadata.name, c]));
    let onCloud = false;
    for (const p of result.placements) {
      const cluster = byName.get(p.cluster)!;
      const perHour = pricePerHour(cluster, w.spec.resources);
      if (perHour > 0) onCloud = true;
      this.cloudCost += perHour * p.replicas * (job.runtime / 3600);
      if (p.cluster === ON_PREM) this.onPremGpusOf.set(key, w.spec.resources.gpu * p.replicas);
    }
    if (onCloud) this.burst++;
    this.onPremBusyGpus += this.onPremGpusOf.get(key) ?? 0;
    this.listers.apply({ ...w, status: { ...w.status, placements: result.placements, phase: 'RUNNING', startTime: new Date(now).toISOString() } } as Workload);
    this.events.push(now + Math.round(job.runtime * 1000), { kind: 'end', key });
    return true;
  }

  private finish(key: string): void {
    const w = this.listers.workload(key)!;
    this.federation.stop(key);
    this.report();
    const completionTime = new Date(this.now).toISOString();
    // The COMPLETED copy is what the RuntimeBook learns runtimes from; then it goes.
    this.listers.apply({ ...w, status: { ...w.status, phase: 'COMPLETED', completionTime } } as Workload);
    this.listers.remove(w);
    this.jct.push((this.now - Date.parse(w.metadata.creationTimestamp)) / 1000);
    this.onPremBusyGpus -= this.onPremGpusOf.get(key) ?? 0;
    this.onPremGpusOf.delete(key);
  }

  /** The member clusters report their nodes; the listers see the new Cluster objects. */
  private report(): void {
    if (this.federation.publish()) for (const c of this.federation.clusters()) this.listers.apply(c);
  }
}
