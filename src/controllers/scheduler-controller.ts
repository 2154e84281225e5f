/**
 * The scheduler controller: decides which clusters run how many replicas of every Job and
 * Deployment. It is the only writer of a workload's placements, evictions, observedGeneration
 * and its Scheduled and Evicted conditions (one setXPlacements write per decision); Skylets take
 * it from there, and the API server derives the phase.
 *
 * reconcile(key), level-triggered from the cached workload and clusters:
 * - placements on clusters that no longer exist, or that have been in ERROR for longer than the
 *   failover grace period, are dropped, so their replicas get a new home (failover); an eviction
 *   is recorded for a lost cluster that still exists, and its Skylet deletes the stale copies
 *   once the cluster answers again (its orphan sweep). Replicas no other cluster takes stay on
 *   the cluster in ERROR: it may well still be running them (only the way to it is broken), and
 *   moving them nowhere would get them cancelled when it answers and started again from scratch;
 * - a Skylet's eviction request (replicas that waited too long there) is answered by taking that
 *   many replicas off its cluster and recording the eviction;
 * - placements above spec.replicas are trimmed (scale down), from the last cluster by name;
 * - replicas still unplaced are placed by the pure scheduler (src/scheduler) against the
 *   clusters' reported capacity minus what this controller handed out that the clusters have
 *   not reported yet (Reservations), so a burst never over-commits a cluster;
 * - what does not fit stays unplaced with a `Scheduled=False` condition naming why each cluster
 *   refused, and is retried whenever a cluster or FilterPolicy changes.
 *
 * Admission gates all of it (src/domain/queueing.ts): a workload a Queue takes is placed only
 * while admitted, and no further than the replicas admitted (target()). One a queue takes that is
 * not admitted and holds nothing is left alone, without a write (a queue may hold 100,000 of
 * them); one that holds placements but is no longer admitted was preempted: all its placements go
 * in one decision, with a Preempted eviction per cluster, and its Skylets delete the replicas.
 */
import type pino from 'pino';

import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import { findCondition, setCondition } from '../domain/conditions.js';
import { ConflictError } from '../domain/errors.js';
import { jsonEqual } from '../domain/json-equal.js';
import { describeRef, refKey, refOf } from '../domain/object-ref.js';
import { SCHEDULER_CONDITIONS, type Cluster, type ClusterPlacement, type Condition, type Eviction, type Workload, type WorkloadStatus } from '../domain/types.js';
import { mayPlace, usageOf, type QueueResolution } from '../domain/queueing.js';
import { isFinished, placedReplicas, unreportedPlacements } from '../domain/workload-status.js';
import { nextEvictionExpiry, recordEviction } from '../scheduler/eviction.js';
import { describeRejections, sendingLogLine } from '../scheduler/messages.js';
import { describeWait } from '../bursting/describe-wait.js';
import type { BurstGate } from '../bursting/burst-gate.js';
import { placeUnderGate } from '../bursting/place-under-gate.js';
import { Reservations } from '../scheduler/reservations.js';
import { Controller, type ReconcileResult } from './controller.js';
import type { BurstGates } from './burst-gates.js';
import type { Listers, PlacementDecision, WorkloadStatusWriter } from './listers.js';

export interface SchedulerControllerOptions {
  listers: Listers;
  writer: WorkloadStatusWriter;
  logger: pino.Logger;
  resyncIntervalMs?: number;
  /**
   * Reconciles in flight at once. Each one mostly waits for its status write, so more workers
   * mean more placements per second. They cannot over-commit a cluster: a reconcile places and
   * holds the capacity in one synchronous step, before its first await.
   */
  workers?: number;
  /**
   * How long a cluster may stay in ERROR before its workloads are placed elsewhere. A blip must
   * not move work (moving restarts it); a dead cluster must not hold it forever.
   */
  failoverGraceMs?: number;
  /**
   * The Queue that takes a workload (resolveQueue over the listers' Queues and Namespaces).
   * Default: none takes any, so every workload is placed as soon as it fits, as before queues.
   */
  queueOf?: (workload: Workload) => QueueResolution;
  /** Told of each decision written that placed replicas: the workload before it, and what it added (the metrics). */
  onPlaced?: (workload: Workload, added: readonly ClusterPlacement[]) => void;
  /** Waiting policies and start estimates (src/controllers/burst-gates.ts); absent: costs play no part. */
  gates?: BurstGates;
}

/** What a withdrawn admission's evictions and Scheduled condition say when the queue says nothing. */
export const PREEMPTED_MESSAGE = 'preempted: its admission was withdrawn';

/** How soon a decision refused as stale is made again, if no watch event comes first. */
const CONFLICT_RETRY_MS = 100;

export class SchedulerController {
  private readonly controller: Controller;
  private readonly reservations = new Reservations();
  private readonly listers: Listers;
  private readonly writer: WorkloadStatusWriter;
  private readonly logger: pino.Logger;
  private readonly failoverGraceMs: number;
  private readonly queueOf: (workload: Workload) => QueueResolution;
  private readonly onPlaced?: (workload: Workload, added: readonly ClusterPlacement[]) => void;
  private readonly gates?: BurstGates;

  constructor({
    listers,
    writer,
    logger,
    resyncIntervalMs = CONTROLLER_DEFAULTS.resyncIntervalMs,
    workers = 16,
    failoverGraceMs = CONTROLLER_DEFAULTS.failoverGraceMs,
    queueOf = () => ({ kind: 'none' }),
    onPlaced,
    gates,
  }: SchedulerControllerOptions) {
    this.listers = listers;
    this.gates = gates;
    this.onPlaced = onPlaced;
    this.queueOf = queueOf;
    this.writer = writer;
    this.failoverGraceMs = failoverGraceMs;
    this.logger = logger.child({ controller: 'scheduler' });
    this.controller = new Controller({
      name: 'scheduler',
      logger: this.logger,
      reconcile: (key) => this.reconcile(key),
      listKeys: () => listers.workloads().map((w) => refKey(refOf(w))),
      resyncIntervalMs,
      workers,
    });
    listers.onWorkload((w) => this.controller.enqueue(refKey(refOf(w))));
    // Capacity, readiness or policy changes can make waiting replicas fit; a deleted cluster
    // leaves replicas to place again.
    const retryWaiting = () => this.enqueueWaiting();
    // A cluster that turns ERROR starts the failover clock of the workloads placed on it.
    listers.clusters
      .on('add', retryWaiting)
      .on('update', (cluster) => this.enqueueWaiting(cluster.status.phase === 'READY' ? undefined : cluster.metadata.name))
      .on('delete', (gone) => this.enqueueWaiting(gone.metadata.name));
    listers.filterPolicies.on('add', retryWaiting).on('update', retryWaiting).on('delete', retryWaiting);
    // A queue that goes away (or stops taking a namespace) lets its unadmitted work be placed as before queues.
    // (Queue status writes come back as updates too: only a new spec counts.)
    listers.queues
      .on('add', retryWaiting)
      .on('update', (queue, old) => queue.metadata.generation !== old.metadata.generation && retryWaiting())
      .on('delete', retryWaiting);
    listers.namespaces.on('update', (namespace, old) => !jsonEqual(namespace.metadata.labels, old.metadata.labels) && retryWaiting());
    // A binding that lets a creator use another cluster may let waiting work fit.
    listers.clusterAccess?.onChange(retryWaiting);
  }

  /** Which clusters the workload's creator may use, for placement; undefined without access rules. */
  private mayUse(workload: Workload): ((cluster: string) => boolean) | undefined {
    const access = this.listers.clusterAccess;
    return access && ((cluster) => access.mayUse(workload, cluster));
  }

  start(): void {
    this.logger.info('Running Scheduler controller - Manages workload submission over multiple clusters.');
    // Placements made before this start (by this process before a restart, or by the last leader)
    // that no Skylet has reported yet hold their capacity before the first new one is decided.
    for (const workload of this.listers.workloads()) {
      if (isFinished(workload)) continue;
      const key = refKey(refOf(workload));
      this.reservations.hold(key, workload.spec.resources, unreportedPlacements(workload.status));
      this.controller.enqueue(key);
    }
    this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const workload = this.listers.workload(key);
    if (!workload || isFinished(workload)) {
      this.reservations.forget(key);
      return;
    }
    if (!mayPlace(workload, this.queueOf(workload))) return this.withdraw(key, workload);
    const now = Date.now();
    const clusters = this.listers.clusters.list();
    const byName = new Map(clusters.map((c) => [c.metadata.name, c]));
    const at = new Date(now).toISOString();
    let evictions = workload.status.evictions ?? [];

    const lost = workload.status.placements.filter((p) => this.lostSince(byName.get(p.cluster), now) !== undefined);
    let placements = workload.status.placements.filter((p) => !lost.includes(p));
    const answered = answerEvictionRequests(workload, placements, evictions, at);
    placements = answered.placements;
    evictions = answered.evictions;
    const desired = target(workload, sum(placements));
    placements = trim(placements, sum(placements) - desired);

    // What this pass decided so far, as the scheduler's filters must see it (evictions keep the
    // workload off the clusters it just left).
    const view: Workload = { ...workload, status: { ...workload.status, placements, evictions } } as Workload;
    let added: ClusterPlacement[] = [];
    let reasons: Record<string, string> = {};
    let division: string | undefined;
    /** Set while its waiting policy holds it on the cheapest clusters: the words that say so. */
    let waiting: string | undefined;
    let gate: BurstGate | undefined;
    const missing = desired - sum(placements);
    if (missing > 0) {
      // Outstanding holds of this workload must not count against itself.
      this.reservations.forget(key);
      const available = this.reservations.apply(clusters);
      gate = this.gates?.gate(view, now);
      const placed = placeUnderGate(
        { workload: view, clusters: available, filterPolicies: this.listers.filterPolicies.list(), replicas: missing, mayUse: this.mayUse(view), now },
        gate,
        (tier) => this.gates!.estimateStart(view, tier, now),
      );
      const { result } = placed;
      gate = placed.gate;
      added = result.placements;
      reasons = result.reasons;
      if (added.length > 0) division = result.division;
      placements = merge(placements, added);
      const tier = result.unplaced > 0 && gate && !gate.open ? result.waitingFor : undefined;
      this.gates?.noteWaiting(workload, tier);
      if (tier && gate) waiting = describeWait(view, gate, tier, available);
      if (added.length > 0 && gate?.open && division) division = `${division}; ${gate.reason}`;
    } else this.gates?.noteWaiting(workload, undefined);
    // Lost replicas that found no other home stay where they were (see the top); the others moved.
    const stay = staying(lost, byName, desired - sum(placements));
    placements = merge(placements, stay);
    const moved = lost
      .map((p) => ({ cluster: p.cluster, replicas: p.replicas - (stay.find((s) => s.cluster === p.cluster)?.replicas ?? 0) }))
      .filter((p) => p.replicas > 0);
    for (const p of moved) {
      if (!byName.has(p.cluster)) continue; // deleted: nothing to keep away from
      const message = `${p.replicas} replica(s) moved elsewhere: ${this.lostReason(byName.get(p.cluster))}`;
      evictions = recordEviction(evictions, { cluster: p.cluster, replicas: p.replicas, at, reason: 'ClusterLost', message });
    }

    const decision: PlacementDecision = {
      placements,
      evictions,
      conditions: this.nextConditions(workload, desired, placements, reasons, division, answered.evicted, waiting),
    };
    const status: WorkloadStatus = { ...workload.status, ...decision };
    this.reservations.hold(key, workload.spec.resources, unreportedPlacements(status));
    const result = this.nextLook(workload, desired, status, byName, now, waiting !== undefined ? gate : undefined);
    if (!changes(workload, decision)) return result;
    try {
      await this.writer.setPlacements(workload, decision);
    } catch (error) {
      // The cache had not caught up with a change (this scheduler's last write, or a new spec);
      // its watch event enqueues the workload again.
      if (error instanceof ConflictError) return { requeueAfterMs: CONFLICT_RETRY_MS };
      throw error;
    }
    for (const p of moved) {
      this.logger.info(`Moving ${p.replicas} replicas of ${describeRef(refOf(workload))} off cluster ${p.cluster}: ${this.lostReason(byName.get(p.cluster))}.`);
    }
    for (const e of answered.evicted) {
      this.logger.info(`Evicting ${e.replicas} waiting replicas of ${describeRef(refOf(workload))} from cluster ${e.cluster}.`);
    }
    if (added.length > 0) {
      this.logger.info(sendingLogLine(workload, added));
      this.onPlaced?.(workload, added);
    }
    return result;
  }

  /**
   * The workload may not be placed (a queue takes it and has not admitted it). Holding nothing,
   * it gets no write at all. Holding placements, it was preempted: they all go in one decision,
   * each with a Preempted eviction (which keeps it off no cluster), and Scheduled turns False.
   */
  private async withdraw(key: string, workload: Workload): Promise<ReconcileResult | void> {
    this.reservations.forget(key);
    const held = workload.status.placements.filter((p) => p.replicas > 0);
    if (held.length === 0) return;
    const at = new Date().toISOString();
    const message = workload.status.queue?.message || PREEMPTED_MESSAGE;
    const clusters = new Set(this.listers.clusters.list().map((c) => c.metadata.name));
    let evictions = workload.status.evictions ?? [];
    for (const p of held) {
      if (!clusters.has(p.cluster)) continue; // deleted: nothing to tell its Skylet
      evictions = recordEviction(evictions, { cluster: p.cluster, replicas: p.replicas, at, reason: 'Preempted', message });
    }
    const scheduled = { type: 'Scheduled', status: 'False', reason: 'Preempted', message } as const;
    const decision: PlacementDecision = { placements: [], evictions, conditions: setCondition(ownConditions(workload), scheduled) };
    try {
      await this.writer.setPlacements(workload, decision);
    } catch (error) {
      if (error instanceof ConflictError) return { requeueAfterMs: CONFLICT_RETRY_MS };
      throw error;
    }
    this.logger.info(`Removing ${describeRef(refOf(workload))} from clusters ${describePlacements(held)}: ${message}.`);
  }

  /**
   * Since when (ms) the cluster counts as lost for its placements, or undefined while it is not:
   * deleted clusters at once, clusters in ERROR once the grace period has passed.
   */
  private lostSince(cluster: Cluster | undefined, now: number): number | undefined {
    if (!cluster) return now;
    const since = errorSince(cluster);
    return since !== undefined && now - since >= this.failoverGraceMs ? since : undefined;
  }

  private lostReason(cluster: Cluster | undefined): string {
    if (!cluster) return 'the cluster was deleted';
    return `the cluster has been ERROR for more than ${this.failoverGraceMs / 1000}s (${cluster.status.message ?? 'no reason given'})`;
  }

  /**
   * When to look again without an event: when a cluster holding placements of this workload
   * reaches the end of its failover grace, or when an eviction that keeps unplaced replicas off a
   * cluster expires. Replicas kept on a lost cluster wait for a cluster event instead
   * (enqueueWaiting), not for a clock that has already run out.
   */
  private nextLook(workload: Workload, desired: number, status: WorkloadStatus, byName: Map<string, Cluster>, now: number, closedGate?: BurstGate): ReconcileResult | undefined {
    const times: number[] = [];
    // Its wait for the cheaper clusters ends: it may go to a costlier one then.
    if (closedGate && Number.isFinite(closedGate.until)) times.push(closedGate.until);
    for (const p of status.placements) {
      const since = errorSince(byName.get(p.cluster)!);
      if (since !== undefined && since + this.failoverGraceMs > now) times.push(since + this.failoverGraceMs);
    }
    if (placedReplicas(status) < desired) {
      const expiry = nextEvictionExpiry({ ...workload, status }, [...byName.values()], now);
      if (expiry !== undefined) times.push(expiry);
    }
    if (times.length === 0) return undefined;
    return { requeueAfterMs: Math.max(0, Math.min(...times) - now) + 50 };
  }

  /**
   * The scheduler's conditions. `division` says why each cluster got what it got when this pass
   * placed replicas; a later pass that places nothing keeps the message as long as the
   * placements are the same.
   */
  private nextConditions(
    workload: Workload,
    desired: number,
    placements: ClusterPlacement[],
    reasons: Record<string, string>,
    division: string | undefined,
    evicted: readonly Eviction[],
    waiting?: string,
  ): Condition[] {
    const unplaced = desired - sum(placements);
    const placedOn = `placed on ${describePlacements(placements)}`;
    const previous = findCondition(workload.status.conditions, 'Scheduled');
    const kept = previous?.status === 'True' && previous.message?.startsWith(`${placedOn}. `) ? previous.message : placedOn;
    const scheduled =
      unplaced <= 0
        ? { type: 'Scheduled', status: 'True', reason: 'Scheduled', message: division ? `${placedOn}. ${division}` : kept }
        : waiting
          ? { type: 'Scheduled', status: 'False', reason: 'WaitingForCheaperClusters', message: waiting }
          : {
            type: 'Scheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: `${unplaced} of ${desired} replicas do not fit: ${describeRejections(reasons)}`,
          };
    let conditions = setCondition(ownConditions(workload), scheduled);
    for (const e of evicted) conditions = setCondition(conditions, { type: 'Evicted', status: 'True', reason: 'WaitTimeout', message: e.message });
    return conditions;
  }

  /**
   * Workloads with replicas to place, those placed on `troubledCluster` (deleted or not READY),
   * and those holding replicas on a lost cluster, which another cluster may now take. Those
   * waiting for admission are not: a cluster's change cannot admit them.
   */
  private enqueueWaiting(troubledCluster?: string): void {
    const now = Date.now();
    const lost = (name: string) => this.lostSince(this.listers.clusters.get(name), now) !== undefined;
    for (const w of this.listers.workloads()) {
      if (isFinished(w)) continue;
      const onTroubled = w.status.placements.some((p) => p.cluster === troubledCluster || lost(p.cluster));
      if (onTroubled) this.controller.enqueue(refKey(refOf(w)));
      else if (placedReplicas(w.status) !== w.spec.replicas && mayPlace(w, this.queueOf(w))) this.controller.enqueue(refKey(refOf(w)));
    }
  }
}

/** Since when (ms) the cluster has been in ERROR, from its Ready condition; undefined if it is not. */
function errorSince(cluster: Cluster): number | undefined {
  if (cluster.status.phase !== 'ERROR') return undefined;
  const ready = findCondition(cluster.status.conditions, 'Ready');
  const since = ready?.status === 'False' ? Date.parse(ready.lastTransitionTime) : NaN;
  // ERROR without a readable transition time: count from now, so the grace period still applies.
  return Number.isNaN(since) ? Date.now() : since;
}

/**
 * How many replicas the workload should have placed: spec.replicas, or for one admitted through
 * a queue no more than it was admitted for. A spec that outgrew its admission (more replicas or
 * bigger ones) keeps what it holds until the admission is renewed for its generation; a scale
 * down applies at once.
 */
export function target(workload: Workload, held: number): number {
  const admission = workload.status.admission;
  const wanted = workload.spec.replicas;
  if (!admission) return wanted;
  const admitted = Math.min(wanted, admission.replicas);
  if (admission.generation === workload.metadata.generation || !outgrew(workload)) return admitted;
  return Math.min(admitted, held);
}

/** Whether the spec asks for more than its admission covers. */
function outgrew(workload: Workload): boolean {
  const { admission } = workload.status;
  if (!admission) return false;
  if (workload.spec.replicas > admission.replicas) return true;
  const wanted = usageOf(workload.spec.resources, Math.min(workload.spec.replicas, admission.replicas));
  const has = admission.usage;
  if (wanted.cpu > has.cpu || wanted.memory > has.memory || wanted.gpu > has.gpu) return true;
  return wanted.accelerators.some((a) => a.gpu > (has.accelerators.find((h) => h.name === a.name)?.gpu ?? 0));
}

function sum(placements: readonly ClusterPlacement[]): number {
  return placements.reduce((n, p) => n + p.replicas, 0);
}

/** Adds replicas per cluster, keeping clusters sorted by name. */
function merge(current: readonly ClusterPlacement[], added: readonly ClusterPlacement[]): ClusterPlacement[] {
  const byCluster = new Map(current.map((p) => [p.cluster, p.replicas]));
  for (const p of added) byCluster.set(p.cluster, (byCluster.get(p.cluster) ?? 0) + p.replicas);
  return [...byCluster].sort(([a], [b]) => (a < b ? -1 : 1)).map(([cluster, replicas]) => ({ cluster, replicas }));
}

/**
 * Of the replicas on lost clusters, the `unplaced` ones no other cluster took, in placement
 * order, on the clusters that still exist (a deleted cluster keeps nothing).
 */
function staying(lost: readonly ClusterPlacement[], byName: ReadonlyMap<string, Cluster>, unplaced: number): ClusterPlacement[] {
  const stay: ClusterPlacement[] = [];
  for (const p of lost) {
    if (unplaced <= 0) break;
    if (!byName.has(p.cluster)) continue;
    const replicas = Math.min(p.replicas, unplaced);
    stay.push({ cluster: p.cluster, replicas });
    unplaced -= replicas;
  }
  return stay;
}

/**
 * Answers the Skylets' eviction requests not answered yet: takes the replicas off the cluster
 * (as many as are still placed there) and records the eviction with the request's time.
 */
function answerEvictionRequests(workload: Workload, placements: ClusterPlacement[], evictions: Eviction[], at: string) {
  const evicted: Eviction[] = [];
  for (const entry of workload.status.replicaStatus) {
    const request = entry.evictionRequest;
    if (!request || evictions.some((e) => e.cluster === entry.cluster && e.requestedAt === request.requestedAt)) continue;
    const placed = placements.find((p) => p.cluster === entry.cluster)?.replicas ?? 0;
    const replicas = Math.min(placed, request.replicas);
    placements = placements.map((p) => (p.cluster === entry.cluster ? { ...p, replicas: p.replicas - replicas } : p)).filter((p) => p.replicas > 0);
    const eviction: Eviction = { cluster: entry.cluster, replicas, at, reason: 'WaitTimeout', message: request.message, requestedAt: request.requestedAt };
    evictions = recordEviction(evictions, eviction);
    if (replicas > 0) evicted.push(eviction);
  }
  return { placements, evictions, evicted };
}

/** The conditions the scheduler owns, as the workload holds them. */
function ownConditions(workload: Workload): Condition[] {
  return workload.status.conditions.filter((c) => (SCHEDULER_CONDITIONS as readonly string[]).includes(c.type));
}

/** Whether the decision differs from what the workload holds (else there is nothing to write). */
function changes(workload: Workload, decision: PlacementDecision): boolean {
  const { status, metadata } = workload;
  return (
    status.observedGeneration !== metadata.generation ||
    !jsonEqual(status.placements, decision.placements) ||
    !jsonEqual(status.evictions ?? [], decision.evictions) ||
    !jsonEqual(ownConditions(workload), decision.conditions)
  );
}

/** Removes `excess` replicas, from the last cluster in the list backwards. */
function trim(placements: ClusterPlacement[], excess: number): ClusterPlacement[] {
  if (excess <= 0) return placements;
  const result = placements.map((p) => ({ ...p }));
  for (let i = result.length - 1; i >= 0 && excess > 0; i--) {
    const take = Math.min(result[i].replicas, excess);
    result[i].replicas -= take;
    excess -= take;
  }
  return result.filter((p) => p.replicas > 0);
}

function describePlacements(placements: readonly ClusterPlacement[]): string {
  return placements.map((p) => `${p.cluster} (${p.replicas})`).join(', ');
}

