/**
 * The admission controller: decides which pending Jobs and Deployments their queues admit, and
 * which admitted ones are preempted to make room. It is the only writer of a workload's
 * admission, queue standing, preemptions and its Admitted and Preempted conditions (one
 * setXAdmission write per decision), and of every Queue's status. The scheduler places a queued
 * workload only once it is admitted; work that no queue takes is never touched here.
 *
 * Unlike the per-key controllers, admission is a cycle over all pending work (as Kueue's and
 * Armada's schedulers are): the order across workloads and queues matters, so one loop decides,
 * from the incremental AdmissionState (src/admission/admission-state.ts), kicked by any change
 * and at least every `periodMs` (starvation timeouts and preemption rate limits run on time).
 * Decisions are written before the next cycle starts; until a write is seen back the state
 * assumes it, so a quota is never handed out twice.
 */
import type pino from 'pino';

import { AdmissionState, POSITIONS_SHOWN } from '../admission/admission-state.js';
import { ClusterCapacity, type CapacityGates } from '../admission/cluster-capacity.js';
import { findCondition, setCondition } from '../domain/conditions.js';
import { ConflictError } from '../domain/errors.js';
import { jsonEqual } from '../domain/json-equal.js';
import { describeRef, refKey, refOf } from '../domain/object-ref.js';
import { ADMISSION_CONDITIONS, type Admission, type Condition, type Namespace, type Queue, type QueueStatus, type Workload, type WorkloadQueueStatus } from '../domain/types.js';
import { isFinished, placedReplicas, unreportedPlacements } from '../domain/workload-status.js';
import { Reservations } from '../scheduler/reservations.js';
import type { AdmissionDecision, AdmissionWriter, Listers, QueueStatusWriter } from './listers.js';

export interface AdmissionControllerOptions {
  listers: Listers;
  writer: AdmissionWriter & QueueStatusWriter;
  logger: pino.Logger;
  /** A cycle runs at most this long after a change (changes that come together share one). */
  cycleDelayMs?: number;
  /** And at least this often. */
  periodMs?: number;
  /** Admissions per cycle; more wait for the next (status writes stay bounded). */
  admissionsPerCycle?: number;
  /** Writes in flight at once. */
  concurrency?: number;
  /** A pending workload's standing is written again for a new message at most this often (a new reason at once). */
  standingRefreshMs?: number;
  now?: () => number;
  /** Told of each admission written: the workload before it, and the admission (the metrics). */
  onAdmitted?: (workload: Workload, admission: Admission) => void;
  /** Waiting policies, as the scheduler applies them (src/controllers/burst-gates.ts); absent: costs play no part. */
  gates?: CapacityGates;
}

export class AdmissionController {
  readonly state = new AdmissionState();
  /** Replicas placed and not reported by their clusters yet: capacity they hold. */
  private readonly inFlight = new Reservations();
  private readonly listers: Listers;
  private readonly writer: AdmissionWriter & QueueStatusWriter;
  private readonly logger: pino.Logger;
  private readonly options: Required<Omit<AdmissionControllerOptions, 'listers' | 'writer' | 'logger' | 'onAdmitted' | 'gates'>>;
  private readonly gates?: CapacityGates;
  /** When the soonest closed burst gate opens: parked work that only a costlier cluster could take is looked at again. */
  private nextGateOpening = Infinity;
  private readonly onAdmitted?: (workload: Workload, admission: Admission) => void;
  private running = false;
  private timer?: NodeJS.Timeout;
  private periodTimer?: NodeJS.Timeout;
  private cycling?: Promise<void>;
  private again = false;
  private capacityDirty = false;
  /** When each workload's standing was last written. */
  private readonly standingWritten = new Map<string, number>();
  /** Per queue, the workloads that show a position now (cleared when they fall behind). */
  private readonly positioned = new Map<string, Set<string>>();
  /** Workloads whose standing may need NoCapacity, Admitted or QueueNotFound written. */
  private readonly placementChanged = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor({ listers, writer, logger, onAdmitted, gates, ...rest }: AdmissionControllerOptions) {
    this.listers = listers;
    this.gates = gates;
    this.onAdmitted = onAdmitted;
    this.writer = writer;
    this.logger = logger.child({ controller: 'admission' });
    this.options = {
      cycleDelayMs: rest.cycleDelayMs ?? 5,
      periodMs: rest.periodMs ?? 1_000,
      admissionsPerCycle: rest.admissionsPerCycle ?? 1_000,
      concurrency: rest.concurrency ?? 32,
      standingRefreshMs: rest.standingRefreshMs ?? 10_000,
      now: rest.now ?? Date.now,
    };
  }

  /** Starts from the caches as they are (they have synced) and follows their changes. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.logger.info('Running Admission controller - Admits queued workloads by quota, fair share and priority.');
    const { listers } = this;
    this.state.setNamespaces(listers.namespaces.list());
    this.state.setPriorityClasses(listers.priorityClasses.list());
    this.state.setQueues(listers.queues.list());
    for (const w of listers.workloads()) this.observe(w);
    this.unsubscribe.push(listers.onWorkload((w) => this.observe(w)));
    const queuesChanged = () => {
      this.state.setQueues(listers.queues.list());
      this.kick();
    };
    // This controller's own status writes come back as updates: only a new spec re-resolves
    // every workload's queue (O(workloads)).
    const queueUpdated = (queue: Queue, old: Queue) => {
      if (queue.metadata.generation !== old.metadata.generation) queuesChanged();
    };
    const classesChanged = () => {
      this.state.setPriorityClasses(listers.priorityClasses.list());
      this.kick();
    };
    const namespacesChanged = () => {
      this.state.setNamespaces(listers.namespaces.list());
      this.kick();
    };
    const namespaceUpdated = (namespace: Namespace, old: Namespace) => {
      if (!jsonEqual(namespace.metadata.labels, old.metadata.labels)) namespacesChanged();
    };
    const capacityChanged = () => {
      this.capacityDirty = true;
      this.kick();
    };
    listers.queues.on('add', queuesChanged).on('update', queueUpdated).on('delete', queuesChanged);
    listers.priorityClasses.on('add', classesChanged).on('update', classesChanged).on('delete', classesChanged);
    listers.namespaces.on('add', namespacesChanged).on('update', namespaceUpdated).on('delete', namespacesChanged);
    listers.clusters.on('add', capacityChanged).on('update', capacityChanged).on('delete', capacityChanged);
    listers.filterPolicies.on('add', capacityChanged).on('update', capacityChanged).on('delete', capacityChanged);
    this.unsubscribe.push(() => {
      listers.queues.off('add', queuesChanged).off('update', queueUpdated).off('delete', queuesChanged);
      listers.priorityClasses.off('add', classesChanged).off('update', classesChanged).off('delete', classesChanged);
      listers.namespaces.off('add', namespacesChanged).off('update', namespaceUpdated).off('delete', namespacesChanged);
      listers.clusters.off('add', capacityChanged).off('update', capacityChanged).off('delete', capacityChanged);
      listers.filterPolicies.off('add', capacityChanged).off('update', capacityChanged).off('delete', capacityChanged);
    });
    // Who may use which cluster changes what fits.
    const offAccess = listers.clusterAccess?.onChange(capacityChanged);
    if (offAccess) this.unsubscribe.push(offAccess);
    this.periodTimer = setInterval(() => this.kick(), this.options.periodMs);
    this.periodTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.periodTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    await this.cycling;
  }

  /** A workload changed (or is gone): the state follows, and a cycle will look. */
  private observe(event: Workload): void {
    const key = refKey(refOf(event));
    const workload = this.listers.workload(key);
    if (!workload) {
      this.state.remove(key);
      this.inFlight.forget(key);
      this.standingWritten.delete(key);
      this.placementChanged.delete(key);
      this.capacityDirty = true;
    } else {
      this.state.upsert(workload);
      if (isFinished(workload)) this.inFlight.forget(key);
      else this.inFlight.hold(key, workload.spec.resources, unreportedPlacements(workload.status));
      if (workload.status.admission || this.state.standingOf(workload)) this.placementChanged.add(key);
    }
    this.kick();
  }

  private kick(): void {
    if (!this.running) return;
    if (this.cycling) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.cycling = this.runCycle()
        .catch((error) => this.logger.error({ err: error }, 'Admission cycle failed.'))
        .finally(() => {
          this.cycling = undefined;
          if (this.again) {
            this.again = false;
            this.kick();
          }
        });
    }, this.options.cycleDelayMs);
    this.timer.unref?.();
  }

  /** One cycle and its writes; exposed for tests (it does not wait for a kick). */
  async runCycle(): Promise<void> {
    if (this.listers.queues.list().length === 0 && this.positioned.size === 0) return;
    const now = this.options.now();
    if (this.capacityDirty || now >= this.nextGateOpening) {
      this.capacityDirty = false;
      this.nextGateOpening = Infinity;
      this.state.capacityChanged();
    }
    const clusters = this.inFlight.apply(this.listers.clusters.list());
    const capacity = new ClusterCapacity(clusters, this.listers.filterPolicies.list(), now, this.listers.clusterAccess, this.gates);
    const { decisions, standings } = this.state.cycle(capacity, now, this.options.admissionsPerCycle);
    this.nextGateOpening = Math.min(this.nextGateOpening, capacity.nextGateOpening);

    const writes: (() => Promise<unknown>)[] = [];
    const decided = new Set<string>();
    // Victims first: the preemptor's admission follows their withdrawal.
    for (const d of decisions) {
      if (d.kind !== 'preempt') continue;
      decided.add(refKey(refOf(d.victim)));
      writes.push(() => this.write(d.victim, this.preemption(d.victim, d.queue, d.preemption, d.message), `preempted: ${d.message}`));
    }
    await this.inParallel(writes.splice(0));
    for (const d of decisions) {
      if (d.kind !== 'admit') continue;
      decided.add(refKey(refOf(d.workload)));
      const current = this.fresh(d.workload);
      writes.push(async () => {
        const written = await this.write(
          current,
          { expected: d.expected ?? current.status.admission, admission: d.admission, queue: d.queue, conditions: admittedConditions(current, d.queue.message) },
          `admitted by queue ${d.admission.queue}`,
        );
        if (written) this.onAdmitted?.(current, d.admission);
      });
    }
    const wanted = new Map<string, { workload: Workload; queue: WorkloadQueueStatus }>();
    for (const s of standings) wanted.set(refKey(refOf(s.workload)), s);
    this.placementStandings(wanted);
    this.positions(wanted);
    for (const [key, s] of wanted) {
      if (decided.has(key)) continue;
      const current = this.listers.workload(key);
      if (!current || isFinished(current) || !this.standingDue(key, current, s.queue, now)) continue;
      writes.push(() => this.write(current, { expected: current.status.admission, admission: current.status.admission, queue: s.queue, conditions: ownConditions(current) }));
    }
    await this.inParallel(writes);
    await this.writeQueueStatuses(capacity.totals());
    if (decisions.length >= this.options.admissionsPerCycle) this.again = true;
  }

  /** The newest copy of a workload (the cycle's may be older, or an assumed copy). */
  private fresh(workload: Workload): Workload {
    return this.listers.workload(refKey(refOf(workload))) ?? workload;
  }

  private preemption(victim: Workload, queue: WorkloadQueueStatus, preemption: AdmissionDecision['preemption'], message: string): AdmissionDecision {
    const current = this.fresh(victim);
    let conditions = ownConditions(current);
    conditions = setCondition(conditions, { type: 'Admitted', status: 'False', reason: 'Preempted', message });
    conditions = setCondition(conditions, { type: 'Preempted', status: 'True', reason: 'Preempted', message });
    return { expected: current.status.admission, admission: undefined, queue, preemption, conditions };
  }

  /** Admitted workloads: NoCapacity while the scheduler finds no room, Admitted once placed; QueueNotFound for a queue that is not there. */
  private placementStandings(wanted: Map<string, { workload: Workload; queue: WorkloadQueueStatus }>): void {
    for (const key of this.placementChanged) {
      const w = this.listers.workload(key);
      if (!w || isFinished(w)) continue;
      const missing = this.state.standingOf(w);
      if (missing) {
        wanted.set(key, { workload: w, queue: missing });
        continue;
      }
      const admission = w.status.admission;
      if (!admission) continue;
      const scheduled = findCondition(w.status.conditions, 'Scheduled');
      const unplaced = placedReplicas(w.status) < Math.min(admission.replicas, w.spec.replicas);
      if (unplaced && scheduled?.status === 'False' && scheduled.reason !== 'Preempted') {
        wanted.set(key, { workload: w, queue: { name: admission.queue, reason: 'NoCapacity', message: scheduled.message ?? 'no cluster fits it now' } });
      } else if (!unplaced && w.status.queue?.reason !== 'Admitted') {
        wanted.set(key, { workload: w, queue: { name: admission.queue, reason: 'Admitted', message: `admitted by queue ${admission.queue} (priority ${admission.priority})` } });
      }
    }
    this.placementChanged.clear();
  }

  /** The first pending workloads of each changed queue get their position; those that fell behind lose it. */
  private positions(wanted: Map<string, { workload: Workload; queue: WorkloadQueueStatus }>): void {
    for (const queue of this.state.takeChangedQueues()) {
      const first = this.state.firstPending(queue, POSITIONS_SHOWN);
      const shown = new Set<string>();
      first.forEach((w, i) => {
        const key = refKey(refOf(w));
        shown.add(key);
        const base = wanted.get(key)?.queue ?? this.listers.workload(key)?.status.queue;
        const standing: WorkloadQueueStatus =
          base && base.name === queue && base.reason !== 'Admitted' && base.reason !== 'Preempted'
            ? { ...base, position: i + 1 }
            : { name: queue, position: i + 1, reason: 'Queued', message: i === 0 ? `next in queue ${queue}` : `waiting behind ${i} workload(s) in queue ${queue}` };
        wanted.set(key, { workload: w, queue: standing });
      });
      for (const key of this.positioned.get(queue) ?? []) {
        if (shown.has(key) || wanted.has(key)) continue;
        const w = this.listers.workload(key);
        if (w?.status.queue?.position !== undefined && !w.status.admission) {
          const { position: _dropped, ...rest } = w.status.queue;
          void _dropped;
          wanted.set(key, { workload: w, queue: rest });
        }
      }
      this.positioned.set(queue, shown);
    }
  }

  /** A new reason or position is written at once; a new message for the same reason at most every standingRefreshMs. */
  private standingDue(key: string, current: Workload, next: WorkloadQueueStatus, now: number): boolean {
    const was = current.status.queue;
    if (jsonEqual(was ?? null, next)) return false;
    if (was && was.reason === next.reason && was.position === next.position && was.name === next.name) {
      const last = this.standingWritten.get(key) ?? 0;
      if (now - last < this.options.standingRefreshMs) return false;
    }
    return true;
  }

  /** True when written; a refused write is forgotten and decided again. */
  private async write(workload: Workload, decision: AdmissionDecision, what?: string): Promise<boolean> {
    const key = refKey(refOf(workload));
    try {
      await this.writer.setAdmission(workload, decision);
      this.standingWritten.set(key, this.options.now());
      if (what) this.logger.info(`${describeRef(refOf(workload))} ${what}.`);
      return true;
    } catch (error) {
      // A stale view (another write came first): forget what was assumed and decide again.
      this.state.writeFailed(key, this.listers.workload(key));
      this.again = true;
      if (!(error instanceof ConflictError)) this.logger.warn({ err: error }, `Admission write for ${describeRef(refOf(workload))} failed.`);
      return false;
    }
  }

  private async writeQueueStatuses(totals: Map<string, number>): Promise<void> {
    const writes: (() => Promise<void>)[] = [];
    for (const queue of this.listers.queues.list()) {
      const name = queue.metadata.name;
      const next = this.state.queueStatus(name, totals);
      if (!next) continue;
      const status = withTransitionTimes(queue.status, next, new Date(this.options.now()).toISOString());
      if (jsonEqual(queue.status, status)) continue;
      writes.push(async () => {
        try {
          await this.writer.updateQueueStatus(name, status);
        } catch (error) {
          this.again = true;
          if (!(error instanceof ConflictError)) this.logger.warn({ err: error }, `Status write for queue ${name} failed.`);
        }
      });
    }
    await this.inParallel(writes);
  }

  private async inParallel(tasks: (() => Promise<unknown>)[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) await tasks[next++]();
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, tasks.length) }, worker));
  }
}

/** The conditions the admission controller owns, as the workload holds them. */
function ownConditions(workload: Workload): Condition[] {
  return workload.status.conditions.filter((c) => (ADMISSION_CONDITIONS as readonly string[]).includes(c.type));
}

function admittedConditions(workload: Workload, message: string): Condition[] {
  let conditions = setCondition(ownConditions(workload), { type: 'Admitted', status: 'True', reason: 'Admitted', message });
  const preempted = findCondition(conditions, 'Preempted');
  if (preempted?.status === 'True') {
    // The message keeps who preempted it: `status.preemptions` has the details.
    conditions = setCondition(conditions, { type: 'Preempted', status: 'False', reason: 'Readmitted', message: `admitted again; it was ${preempted.message ?? 'preempted'}`.replace('was Preempted', 'was preempted') });
  }
  return conditions;
}

/** Condition times kept from the current status where the condition did not change. */
function withTransitionTimes(current: QueueStatus | undefined, next: QueueStatus, now: string): QueueStatus {
  const conditions = next.conditions.map((c) => {
    const was = current?.conditions.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: was && was.status === c.status ? was.lastTransitionTime : now };
  });
  return { ...next, conditions };
}
