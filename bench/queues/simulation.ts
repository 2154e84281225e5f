/**
 * The admission core on simulated clusters, in virtual time. No processes, no API server: the
 * objects live in a map that stands for the API, and every write the controllers would make is
 * applied to it and handed to AdmissionState.upsert, as the watch would deliver it.
 *
 * One tick of virtual time:
 *   1. Jobs whose runtime is over finish: their replicas stop on the member clusters and the Job
 *      is COMPLETED (which gives its quota back).
 *   2. Jobs whose creation time has come arrive.
 *   3. The clusters report (allocatable = capacity − running); capacity that grew unparks work.
 *   4. Admitted Jobs the scheduler could not place yet are tried again.
 *   5. One admission cycle (AdmissionState.cycle over ClusterCapacity). Victims are withdrawn
 *      and their replicas killed; each admission is written, then the scheduler places the Job
 *      (place() + Reservations), its replicas start and the placement is written.
 *   6. Standings with a new reason are written (as the admission controller does).
 *
 * Wall-clock time is measured around the admission and placement code only (upserts, the cycle,
 * place() and the reservation ledger), apart from the simulation's own bookkeeping.
 */
import { AdmissionState, type CycleDecision } from '../../src/admission/admission-state.js';
import type { CapacityModel } from '../../src/admission/capacity.js';
import { ClusterCapacity } from '../../src/admission/cluster-capacity.js';
import { refKey, refOf } from '../../src/domain/object-ref.js';
import type { Cluster, PriorityClass, Queue, Workload, WorkloadStatus } from '../../src/domain/types.js';
import { isFinished } from '../../src/domain/workload-status.js';
import { Federation } from './federation.js';
import { EPOCH } from './objects.js';
import { SchedulerModel } from './scheduler-model.js';

export interface SimJob {
  workload: Workload;
  /** Virtual milliseconds its replicas run once started; Infinity: until the end. */
  runtimeMs: number;
  /** A label for per-class figures (small, medium, large). */
  group: string;
}

export interface SimulationOptions {
  clusters: readonly Cluster[];
  queues: readonly Queue[];
  priorityClasses?: readonly PriorityClass[];
  jobs: readonly SimJob[];
  /** Virtual milliseconds per tick (one admission cycle each). */
  tickMs: number;
  admissionsPerCycle: number;
  /** Write standings with a new reason back (each is a watch event the state sees). */
  standings: boolean;
}

/** Wall milliseconds spent per kind of work. */
export interface Spent {
  /** AdmissionState.upsert/capacityChanged: the watch events of every write and arrival. */
  watch: number;
  /** Building the capacity model and AdmissionState.cycle. */
  cycle: number;
  /** The scheduler: place() against the reservation ledger, holding and releasing. */
  place: number;
}

const withStatus = (w: Workload, patch: Partial<WorkloadStatus>): Workload => ({ ...w, status: { ...w.status, ...patch } }) as Workload;

/**
 * A capacity model that notes when each admission that fitted took its capacity, so a cycle's
 * wall time can be split among its admissions (time since the previous one's).
 */
class MarkingCapacity implements CapacityModel {
  readonly marks: number[] = [];
  private fitted = false;
  constructor(private readonly inner: CapacityModel) {}
  fits(w: Workload, replicas: number): boolean {
    this.fitted = this.inner.fits(w, replicas);
    return this.fitted;
  }
  reserve(w: Workload, replicas: number): void {
    this.inner.reserve(w, replicas);
    if (this.fitted) this.marks.push(performance.now());
    this.fitted = false;
  }
  hold(w: Workload, replicas: number): void {
    this.fitted = false;
    this.inner.hold(w, replicas);
  }
  fitsWithout(w: Workload, replicas: number, removed: readonly Workload[], cluster?: string): boolean {
    return this.inner.fitsWithout(w, replicas, removed, cluster);
  }
  totals() {
    return this.inner.totals();
  }
}

export class QueueSimulation {
  readonly state = new AdmissionState();
  readonly federation: Federation;
  readonly scheduler: SchedulerModel;
  readonly spent: Spent = { watch: 0, cycle: 0, place: 0 };
  /** Wall ms of each admission: its share of the cycle, its write, its placement and that write. */
  readonly decisionMs: number[] = [];
  /** Wall ms of each cycle. */
  readonly cycleMs: number[] = [];
  /** Virtual ms of each Job's first admission. */
  readonly admittedAt = new Map<string, number>();
  readonly jobs = new Map<string, SimJob>();
  now = EPOCH;
  tick = 0;
  admissions = 0;
  preemptions = 0;
  completed = 0;
  /** Admissions the scheduler could not place at once (it tried again on later ticks). */
  placementWaits = 0;
  /** Cycles whose marks did not match their admissions (their time was split evenly). */
  unmarkedCycles = 0;

  private readonly objects = new Map<string, Workload>();
  private readonly ends = new Map<number, { key: string; run: number }[]>();
  private readonly runOf = new Map<string, number>();
  private readonly waitingPlacement = new Set<string>();
  private readonly arrivals: SimJob[];
  private nextArrival = 0;
  private runs = 0;

  constructor(private readonly options: SimulationOptions) {
    this.federation = new Federation(options.clusters);
    this.scheduler = new SchedulerModel(this.federation);
    this.arrivals = [...options.jobs].sort((a, b) => Date.parse(a.workload.metadata.creationTimestamp) - Date.parse(b.workload.metadata.creationTimestamp));
    for (const job of options.jobs) this.jobs.set(refKey(refOf(job.workload)), job);
    this.watch(() => {
      this.state.setPriorityClasses(options.priorityClasses ?? []);
      this.state.setQueues(options.queues);
    });
  }

  get arrived(): number {
    return this.nextArrival;
  }

  /** The objects' current copies (the API's view). */
  object(key: string): Workload | undefined {
    return this.objects.get(key);
  }

  private watch<T>(fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.spent.watch += performance.now() - started;
    }
  }

  /** A write the API accepted: the object changes and the watch delivers it; returns the wall ms of the upsert. */
  private write(key: string, next: Workload): number {
    this.objects.set(key, next);
    const started = performance.now();
    this.state.upsert(next);
    const ms = performance.now() - started;
    this.spent.watch += ms;
    return ms;
  }

  /** Arrivals up to `now` are upserted without running a cycle (to load a backlog). */
  ingest(): void {
    this.now = EPOCH + this.tick * this.options.tickMs;
    while (this.nextArrival < this.arrivals.length && Date.parse(this.arrivals[this.nextArrival].workload.metadata.creationTimestamp) <= this.now) {
      const { workload } = this.arrivals[this.nextArrival++];
      this.write(refKey(refOf(workload)), workload);
    }
  }

  step(): void {
    this.now = EPOCH + this.tick * this.options.tickMs;
    for (const { key, run } of this.ends.get(this.tick) ?? []) if (this.runOf.get(key) === run) this.finish(key);
    this.ends.delete(this.tick);
    this.ingest();
    const reported = this.scheduler.report();
    this.spent.place += this.scheduler.lastReportMs;
    if (reported) this.watch(() => this.state.capacityChanged());
    for (const key of [...this.waitingPlacement]) this.tryPlace(key);

    const started = performance.now();
    const capacity = new MarkingCapacity(new ClusterCapacity(this.scheduler.view(), [], this.now));
    const { decisions, standings } = this.state.cycle(capacity, this.now, this.options.admissionsPerCycle);
    const ended = performance.now();
    this.spent.cycle += ended - started;
    this.cycleMs.push(ended - started);

    const shares = this.shares(decisions, capacity.marks, started, ended);
    decisions.forEach((d, i) => {
      if (d.kind === 'preempt') this.preempt(d);
      else this.decisionMs.push(shares[i] + this.admit(d));
    });
    if (this.options.standings) {
      for (const s of standings) {
        const key = refKey(refOf(s.workload));
        const current = this.objects.get(key);
        if (!current || current.status.admission || isFinished(current) || current.status.queue?.reason === s.queue.reason) continue;
        this.write(key, withStatus(current, { queue: s.queue }));
      }
    }
    this.tick++;
  }

  /** Each decision's part of the cycle's wall time: the time since the previous admission that fitted. */
  private shares(decisions: readonly CycleDecision[], marks: readonly number[], started: number, ended: number): number[] {
    const shares = decisions.map(() => 0);
    const fitted = decisions.map((d, i) => (d.kind === 'admit' && d.expected === undefined && decisions[i - 1]?.kind !== 'preempt' ? i : -1)).filter((i) => i >= 0);
    if (fitted.length !== marks.length || fitted.length === 0) {
      const admits = decisions.filter((d) => d.kind === 'admit').length;
      if (admits > 0) {
        this.unmarkedCycles++;
        decisions.forEach((d, i) => (shares[i] = d.kind === 'admit' ? (ended - started) / admits : 0));
      }
      return shares;
    }
    let previous = started;
    fitted.forEach((i, m) => {
      shares[i] = marks[m] - previous;
      previous = marks[m];
    });
    shares[fitted.at(-1)!] += ended - previous;
    return shares;
  }

  /** Writes the admission, then the scheduler places it; returns the wall ms of both. */
  private admit(d: Extract<CycleDecision, { kind: 'admit' }>): number {
    const key = refKey(refOf(d.workload));
    const current = this.objects.get(key)!;
    if (!this.admittedAt.has(key)) this.admittedAt.set(key, this.now);
    this.admissions++;
    const written = this.write(key, withStatus(current, { admission: d.admission, queue: d.queue }));
    return written + this.tryPlace(key);
  }

  /** The scheduler's turn; returns the wall ms of the placement and its write. */
  private tryPlace(key: string): number {
    const w = this.objects.get(key)!;
    const placements = this.scheduler.place(w, this.now);
    let ms = this.scheduler.lastMs;
    this.spent.place += ms;
    if (!placements) {
      if (!this.waitingPlacement.has(key)) this.placementWaits++;
      this.waitingPlacement.add(key);
      return ms;
    }
    this.waitingPlacement.delete(key);
    ms += this.write(key, withStatus(w, { placements, phase: 'RUNNING', startTime: new Date(this.now).toISOString() }));
    const runtime = this.jobs.get(key)!.runtimeMs;
    if (Number.isFinite(runtime)) {
      const run = ++this.runs;
      this.runOf.set(key, run);
      const end = this.tick + Math.max(1, Math.ceil(runtime / this.options.tickMs));
      if (!this.ends.has(end)) this.ends.set(end, []);
      this.ends.get(end)!.push({ key, run });
    }
    return ms;
  }

  private finish(key: string): void {
    this.runOf.delete(key);
    this.federation.stop(key);
    this.spent.place += time(() => this.scheduler.forget(key));
    this.completed++;
    const w = this.objects.get(key)!;
    this.write(key, withStatus(w, { phase: 'COMPLETED', completionTime: new Date(this.now).toISOString() }));
  }

  private preempt(d: Extract<CycleDecision, { kind: 'preempt' }>): void {
    const key = refKey(refOf(d.victim));
    this.preemptions++;
    this.runOf.delete(key);
    this.federation.stop(key);
    this.waitingPlacement.delete(key);
    this.spent.place += time(() => this.scheduler.forget(key));
    const w = this.objects.get(key)!;
    const preemptions = [...(w.status.preemptions ?? []), d.preemption];
    this.write(key, withStatus(w, { admission: undefined, placements: [], phase: 'PENDING', startTime: undefined, preemptions, queue: d.queue }));
  }
}

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
