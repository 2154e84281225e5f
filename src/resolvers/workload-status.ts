/**
 * The field-scoped status writes of Jobs and Deployments, one per owner (see WorkloadStatus in
 * src/domain/types.ts): the admission controller's decision, the scheduler's placement decision
 * and each Skylet's replica report. Each replaces only what its writer owns and the server
 * derives the rest, so writers of different fields never conflict with each other: a store-level
 * race between them is retried here, in the server, against the fresh object. Only a writer's
 * own preconditions (the admission the admission controller decided from; the spec generation
 * and the placements the scheduler decided from) can answer CONFLICT.
 */
import { BadUserInputError, NotFoundError, PreconditionFailedError } from '../domain/errors.js';
import { jsonEqual } from '../domain/json-equal.js';
import { describeRef, objectRef, type WorkloadKind, type WorkloadRef } from '../domain/object-ref.js';
import {
  ADMISSION_CONDITIONS,
  EVICTION_REASONS,
  QUEUE_REASONS,
  SCHEDULER_CONDITIONS,
  SKYLET_CONDITIONS,
  type ClusterPlacement,
  type ClusterReplicaStatus,
  type Condition,
  type Eviction,
  type EvictionReason,
  type EvictionRequest,
  type ObjectsByKind,
  type Admission,
  type Preemption,
  type QueueReason,
  type ReplicaCost,
  type Workload,
  type WorkloadQueueStatus,
  type WorkloadStatus,
} from '../domain/types.js';
import { MAX_ACCRUED_COST, MAX_COST_RATE_PER_HOUR, MAX_PRIORITY_VALUE, MAX_REPLICAS, MIN_PRIORITY_VALUE } from '../domain/limits.js';
import {
  applyAdmissionDecision,
  applyPlacementDecision,
  applyReplicaReport,
  staleAdmissionDecision,
  stalePlacementDecision,
  withDerivedFields,
} from '../domain/workload-status.js';
import { checkQuotaUsage, type QuotaUsageInput } from './quota-usage.js';
import { nowIso, type ResolverContext } from './context.js';
import { retryOnConflict } from './retry.js';
import {
  carryTransitionTimes,
  checkConditions,
  checkCount,
  checkName,
  checkNumber,
  checkObjectSize,
  checkText,
  checkTimestamp,
  type ConditionInput,
  type Maybe,
} from './validation.js';

const COUNT = { integer: true } as const;
/** More entries than any federation has clusters would only be a way to bloat the object. */
const MAX_ENTRIES = 10_000;
const MAX_MESSAGE_BYTES = 16 * 1024;

export interface WorkloadTargetInput {
  namespace?: Maybe<string>;
  name: string;
  /** When given, the write applies only to the object with this uid (not to one re-created under the name). */
  uid?: Maybe<string>;
}

export interface EvictionRequestInput {
  replicas: number;
  requestedAt: string;
  message: string;
}

/** A cluster's account of a workload's replicas (ReplicaCost in src/domain/types.ts). */
export interface ReplicaCostInput {
  accrued: number;
  ratePerHour: number;
  since?: Maybe<string>;
}

/** One cluster's entry of status.replicaStatus; counts default to 0. */
export interface ClusterReplicaStatusInput {
  cluster: string;
  pending?: Maybe<number>;
  running?: Maybe<number>;
  succeeded?: Maybe<number>;
  failed?: Maybe<number>;
  externalId?: Maybe<string>;
  exitCodes?: Maybe<number[]>;
  message?: Maybe<string>;
  pendingSince?: Maybe<string>;
  evictionRequest?: Maybe<EvictionRequestInput>;
  cost?: Maybe<ReplicaCostInput>;
}

export interface ReplicaReportInput extends WorkloadTargetInput, ClusterReplicaStatusInput {
  /** Conditions a Skylet owns (ImageIgnored); set, never removed by another report. */
  conditions?: Maybe<ConditionInput[]>;
}

export interface PlacementInput {
  cluster: string;
  replicas: number;
}

export interface EvictionInput {
  cluster: string;
  replicas: number;
  at: string;
  reason: EvictionReason;
  message: string;
  requestedAt?: Maybe<string>;
}

export interface PlacementDecisionInput extends WorkloadTargetInput {
  /** The spec generation decided for; another one now → CONFLICT. */
  generation: number;
  /** The placements the decision started from; others now → CONFLICT (the decider's view was stale). */
  expectedPlacements: PlacementInput[];
  placements: PlacementInput[];
  evictions?: Maybe<EvictionInput[]>;
  /** The scheduler's conditions (Scheduled, Evicted); they replace the ones it wrote before. */
  conditions?: Maybe<ConditionInput[]>;
}

export interface AdmissionInput {
  queue: string;
  priority: number;
  admittedAt: string;
  generation: number;
  replicas: number;
  usage: QuotaUsageInput;
}

export interface WorkloadQueueStatusInput {
  name: string;
  position?: Maybe<number>;
  reason: QueueReason;
  message: string;
}

export interface PreemptionInput {
  by: string;
  queue: string;
  priority: number;
  at: string;
}

export interface AdmissionDecisionInput extends WorkloadTargetInput {
  /** The admission the decision started from; null: it found the workload not admitted. Another one now → CONFLICT. */
  expectedAdmission?: Maybe<AdmissionInput>;
  /** The new admission; null withdraws it (a preemption, a queue that no longer takes it). */
  admission?: Maybe<AdmissionInput>;
  /** Where it stands in its queue; null clears it. */
  queue?: Maybe<WorkloadQueueStatusInput>;
  /** Appended to status.preemptions (the newest few are kept). */
  preemption?: Maybe<PreemptionInput>;
  /** The admission controller's conditions (Admitted, Preempted); they replace its earlier ones. */
  conditions?: Maybe<ConditionInput[]>;
}

/** Priorities within the bounds of PriorityClass values. */
const PRIORITY = { integer: true, min: MIN_PRIORITY_VALUE, max: MAX_PRIORITY_VALUE } as const;
/** refKey of a workload: "Job/default/urgent". */
const WORKLOAD_REF_KEY = /^(Job|Deployment)\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkAdmission(input: AdmissionInput, field: string): Admission {
  return {
    queue: checkName(input.queue, `${field}.queue`),
    priority: checkNumber(input.priority, `${field}.priority`, PRIORITY),
    admittedAt: checkTimestamp(input.admittedAt, `${field}.admittedAt`),
    generation: checkNumber(input.generation, `${field}.generation`, { integer: true, min: 1 }),
    replicas: checkNumber(input.replicas, `${field}.replicas`, { integer: true, max: MAX_REPLICAS }),
    usage: checkQuotaUsage(input.usage, `${field}.usage`),
  };
}

export function checkQueueStatus(input: WorkloadQueueStatusInput, field: string): WorkloadQueueStatus {
  if (!QUEUE_REASONS.includes(input.reason)) throw new BadUserInputError(`${field}.reason`, `must be one of ${QUEUE_REASONS.join(', ')}`);
  const queue: WorkloadQueueStatus = {
    name: checkName(input.name, `${field}.name`),
    reason: input.reason,
    message: checkText(input.message, `${field}.message`, { maxBytes: MAX_MESSAGE_BYTES }),
  };
  if (input.position != null) queue.position = checkNumber(input.position, `${field}.position`, { integer: true, min: 1 });
  return queue;
}

export function checkPreemption(input: PreemptionInput, field: string): Preemption {
  if (!WORKLOAD_REF_KEY.test(input.by)) {
    throw new BadUserInputError(`${field}.by`, `${JSON.stringify(input.by.slice(0, 200))} does not name a workload as Job/NAMESPACE/NAME or Deployment/NAMESPACE/NAME`);
  }
  return {
    by: input.by,
    queue: checkName(input.queue, `${field}.queue`),
    priority: checkNumber(input.priority, `${field}.priority`, PRIORITY),
    at: checkTimestamp(input.at, `${field}.at`),
  };
}

function checkPlacements(input: readonly PlacementInput[], field: string, minReplicas = 1): ClusterPlacement[] {
  const placements = checkCount(input, field, MAX_ENTRIES).map((p, i) => ({
    cluster: checkName(p.cluster, `${field}[${i}].cluster`),
    replicas: checkNumber(p.replicas, `${field}[${i}].replicas`, { integer: true, min: minReplicas }),
  }));
  const seen = new Set<string>();
  placements.forEach((p, i) => {
    if (seen.has(p.cluster)) throw new BadUserInputError(`${field}[${i}].cluster`, `cluster ${p.cluster} is listed twice`);
    seen.add(p.cluster);
  });
  return placements.sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
}

function checkOwnedConditions(inputs: Maybe<ConditionInput[]>, field: string, owned: readonly string[]): Condition[] {
  const conditions = checkConditions(inputs, field);
  conditions.forEach((c, i) => {
    if (!owned.includes(c.type)) throw new BadUserInputError(`${field}[${i}].type`, `must be one of ${owned.join(', ')} (the conditions this writer owns)`);
  });
  return conditions;
}

export function checkEviction(input: EvictionInput, field: string): Eviction {
  if (!EVICTION_REASONS.includes(input.reason)) throw new BadUserInputError(`${field}.reason`, `must be one of ${EVICTION_REASONS.join(', ')}`);
  const eviction: Eviction = {
    cluster: checkName(input.cluster, `${field}.cluster`),
    // 0: a request answered after its replicas had gone anyway.
    replicas: checkNumber(input.replicas, `${field}.replicas`, COUNT),
    at: checkTimestamp(input.at, `${field}.at`),
    reason: input.reason,
    message: checkText(input.message, `${field}.message`, { maxBytes: MAX_MESSAGE_BYTES }),
  };
  if (input.requestedAt != null) eviction.requestedAt = checkTimestamp(input.requestedAt, `${field}.requestedAt`);
  return eviction;
}

export function checkEvictionRequest(r: EvictionRequestInput, field: string): EvictionRequest {
  return {
    replicas: checkNumber(r.replicas, `${field}.replicas`, { integer: true, min: 1 }),
    requestedAt: checkTimestamp(r.requestedAt, `${field}.requestedAt`),
    message: checkText(r.message, `${field}.message`, { maxBytes: MAX_MESSAGE_BYTES }),
  };
}

export function checkReplicaCost(input: ReplicaCostInput, field: string): ReplicaCost {
  const cost: ReplicaCost = {
    accrued: checkNumber(input.accrued, `${field}.accrued`, { max: MAX_ACCRUED_COST }),
    ratePerHour: checkNumber(input.ratePerHour, `${field}.ratePerHour`, { max: MAX_COST_RATE_PER_HOUR }),
  };
  if (input.since != null) {
    // An open interval at no rate would only say replicas run for free; a Skylet opens none then.
    if (cost.ratePerHour === 0) throw new BadUserInputError(`${field}.since`, 'must be left out when ratePerHour is 0 (no interval is open)');
    cost.since = checkTimestamp(input.since, `${field}.since`);
  }
  return cost;
}

export function checkReplicaEntry(input: ClusterReplicaStatusInput, field: string): ClusterReplicaStatus {
  const at = (name: string) => `${field}.${name}`;
  const entry: ClusterReplicaStatus = {
    cluster: checkName(input.cluster, at('cluster')),
    pending: checkNumber(input.pending ?? 0, at('pending'), COUNT),
    running: checkNumber(input.running ?? 0, at('running'), COUNT),
    succeeded: checkNumber(input.succeeded ?? 0, at('succeeded'), COUNT),
    failed: checkNumber(input.failed ?? 0, at('failed'), COUNT),
  };
  if (input.externalId != null) entry.externalId = checkText(input.externalId, at('externalId'), { maxBytes: MAX_MESSAGE_BYTES });
  if (input.exitCodes != null) entry.exitCodes = checkCount(input.exitCodes, at('exitCodes'), MAX_ENTRIES).map((c, i) => checkNumber(c, `${at('exitCodes')}[${i}]`, { integer: true, min: -Infinity }));
  if (input.message != null) entry.message = checkText(input.message, at('message'), { maxBytes: MAX_MESSAGE_BYTES });
  if (input.pendingSince != null) entry.pendingSince = checkTimestamp(input.pendingSince, at('pendingSince'));
  if (input.evictionRequest != null) entry.evictionRequest = checkEvictionRequest(input.evictionRequest, at('evictionRequest'));
  if (input.cost != null) entry.cost = checkReplicaCost(input.cost, at('cost'));
  return entry;
}

function target(kind: WorkloadKind, input: WorkloadTargetInput): WorkloadRef {
  return objectRef(kind, checkName(input.name, 'input.name'), input.namespace == null ? undefined : checkName(input.namespace, 'input.namespace'));
}

/**
 * Read, change the owned fields, derive the rest, write with the version read; a store CONFLICT
 * (another owner wrote in between) re-reads and re-applies. `change` throws for its own
 * preconditions.
 */
async function patchStatus<K extends WorkloadKind>(
  ctx: ResolverContext,
  ref: WorkloadRef,
  uid: Maybe<string>,
  change: (current: Workload) => WorkloadStatus,
): Promise<ObjectsByKind[K]> {
  return retryOnConflict(async () => {
    const current = (await ctx.store.get(ref)) as Workload | undefined;
    if (!current || (uid != null && current.metadata.uid !== uid)) throw new NotFoundError(describeRef(ref));
    const now = nowIso(ctx);
    const changed = change(current);
    const status = withDerivedFields(current, { ...changed, conditions: carryTransitionTimes(changed.conditions, current.status.conditions, now) }, now);
    if (jsonEqual(current.status, status)) return current as ObjectsByKind[K];
    const next = { ...current, status } as Workload;
    checkObjectSize(next, 'input');
    return (await ctx.store.update(next, current.metadata.resourceVersion)) as ObjectsByKind[K];
  });
}

export function workloadStatusResolvers<K extends WorkloadKind>(kind: K) {
  return {
    /** A Skylet's report of its cluster's replicas: replaces that cluster's entry only. */
    reportReplicas(ctx: ResolverContext, { input }: { input: ReplicaReportInput }): Promise<ObjectsByKind[K]> {
      const ref = target(kind, input);
      const entry = checkReplicaEntry(input, 'input');
      const conditions = checkOwnedConditions(input.conditions, 'input.conditions', SKYLET_CONDITIONS);
      return patchStatus<K>(ctx, ref, input.uid, (current) => applyReplicaReport(current.status, entry, conditions));
    },

    /** The scheduler's decision: placements, evictions, observedGeneration and its conditions. */
    setPlacements(ctx: ResolverContext, { input }: { input: PlacementDecisionInput }): Promise<ObjectsByKind[K]> {
      const ref = target(kind, input);
      const generation = checkNumber(input.generation, 'input.generation', { integer: true, min: 1 });
      // As stored, which a whole-status write may have left with empty entries.
      const expected = checkPlacements(input.expectedPlacements, 'input.expectedPlacements', 0);
      const placements = checkPlacements(input.placements, 'input.placements');
      const evictions = checkCount(input.evictions ?? [], 'input.evictions', MAX_ENTRIES).map((e, i) => checkEviction(e, `input.evictions[${i}]`));
      const conditions = checkOwnedConditions(input.conditions, 'input.conditions', SCHEDULER_CONDITIONS);
      return patchStatus<K>(ctx, ref, input.uid, (current) => {
        const stale = stalePlacementDecision(current, generation, expected);
        if (stale) throw new PreconditionFailedError(describeRef(ref), stale);
        return applyPlacementDecision(current.status, { placements, evictions, conditions, observedGeneration: generation });
      });
    },

    /**
     * The admission controller's decision: admission, queue position, a preemption and its
     * conditions; the scheduler's and the Skylets' fields are left as they are.
     */
    async setAdmission(ctx: ResolverContext, { input }: { input: AdmissionDecisionInput }): Promise<ObjectsByKind[K]> {
      const ref = target(kind, input);
      const expected = input.expectedAdmission == null ? undefined : checkAdmission(input.expectedAdmission, 'input.expectedAdmission');
      const admission = input.admission == null ? undefined : checkAdmission(input.admission, 'input.admission');
      const queue = input.queue == null ? undefined : checkQueueStatus(input.queue, 'input.queue');
      const preemption = input.preemption == null ? undefined : checkPreemption(input.preemption, 'input.preemption');
      const conditions = checkOwnedConditions(input.conditions, 'input.conditions', ADMISSION_CONDITIONS);
      return patchStatus<K>(ctx, ref, input.uid, (current) => {
        const stale = staleAdmissionDecision(current, expected);
        if (stale) throw new PreconditionFailedError(describeRef(ref), stale);
        return applyAdmissionDecision(current.status, { admission, queue, preemption, conditions });
      });
    },
  };
}
