/**
 * The status types Job and Deployment share, and the field-scoped status writes each of them
 * has (src/resolvers/workload-status.ts): for kind `Job`
 *
 *   Mutation  setJobAdmission(input: AdmissionDecisionInput!): Job!     the admission controller's decision
 *             setJobPlacements(input: PlacementDecisionInput!): Job!     the scheduler's decision
 *             reportJobReplicas(input: ReplicaReportInput!): Job!        a Skylet's replica report
 *
 * Who owns which status field is written beside WorkloadStatus in src/domain/types.ts.
 */
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { WorkloadKind } from '../domain/object-ref.js';
import {
  EVICTION_REASONS,
  JOB_PHASES,
  QUEUE_REASONS,
  type Admission,
  type ClusterPlacement,
  type ClusterReplicaStatus,
  type Eviction,
  type EvictionRequest,
  type ObjectsByKind,
  type Preemption,
  type ReplicaCost,
  type WorkloadQueueStatus,
  type WorkloadStatus,
} from '../domain/types.js';
import { workloadCost } from '../domain/replica-cost.js';
import { type ResolverContext } from '../resolvers/context.js';
import type { WorkloadStatusInput as StatusShape } from '../resolvers/workload.js';
import type {
  AdmissionDecisionInput,
  AdmissionInput,
  ClusterReplicaStatusInput,
  EvictionInput,
  EvictionRequestInput,
  PlacementDecisionInput,
  PreemptionInput,
  ReplicaCostInput,
  ReplicaReportInput,
  WorkloadQueueStatusInput,
} from '../resolvers/workload-status.js';
import { builder, type BuilderTypes } from './builder.js';
import { ConditionInput, ConditionRef } from './meta.js';
import { QuotaUsageInput, QuotaUsageRef } from './quota-usage.js';

export const JobPhaseEnum = builder.enumType('JobPhase', { values: JOB_PHASES });
const EvictionReasonEnum = builder.enumType('EvictionReason', { values: EVICTION_REASONS });
const QueueReasonEnum = builder.enumType('QueueReason', { values: QUEUE_REASONS });

const AdmissionRef = builder.objectRef<Admission>('Admission').implement({
  description: "A queue's admission of a workload: the quota it holds there while unfinished. Written by the admission controller only.",
  fields: (t) => ({
    queue: t.exposeString('queue'),
    priority: t.exposeInt('priority', { description: "The priority it was admitted with (its class's value then)." }),
    admittedAt: t.exposeString('admittedAt', { description: 'RFC 3339.' }),
    generation: t.exposeInt('generation', { description: 'The spec generation it was admitted for.' }),
    replicas: t.exposeInt('replicas', { description: 'Replicas admitted: the scheduler places at most this many.' }),
    usage: t.expose('usage', { type: QuotaUsageRef, description: "What all its replicas take from the queue's quota." }),
  }),
});

const WorkloadQueueStatusRef = builder.objectRef<WorkloadQueueStatus>('WorkloadQueueStatus').implement({
  description: 'Where a workload stands in its queue and why. Written by the admission controller only.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The queue that takes it.' }),
    position: t.exposeInt('position', { nullable: true, description: "1-based among the queue's pending workloads; null once admitted or further back." }),
    reason: t.expose('reason', { type: QueueReasonEnum }),
    message: t.exposeString('message'),
  }),
});

const PreemptionRef = builder.objectRef<Preemption>('Preemption').implement({
  description: 'One preemption of a workload: who took its place.',
  fields: (t) => ({
    by: t.exposeString('by', { description: 'The preemptor, as Kind/namespace/name ("Job/default/urgent").' }),
    queue: t.exposeString('queue', { description: "The preemptor's queue." }),
    priority: t.exposeInt('priority', { description: "The preemptor's priority." }),
    at: t.exposeString('at', { description: 'RFC 3339.' }),
  }),
});

const ClusterPlacementRef = builder.objectRef<ClusterPlacement>('ClusterPlacement').implement({
  fields: (t) => ({ cluster: t.exposeString('cluster'), replicas: t.exposeInt('replicas') }),
});

const EvictionRequestRef = builder.objectRef<EvictionRequest>('EvictionRequest').implement({
  description: "A Skylet's request that the scheduler move replicas off its cluster.",
  fields: (t) => ({
    replicas: t.exposeInt('replicas'),
    requestedAt: t.exposeString('requestedAt'),
    message: t.exposeString('message'),
  }),
});

const ReplicaCostRef = builder.objectRef<ReplicaCost>('ReplicaCost').implement({
  description:
    "One cluster's account of a workload's replicas, in the currency of the clusters' spec.cost: what they have cost so far is accrued + ratePerHour × hours since `since`. Kept by that cluster's Skylet, which closes the open interval and opens another whenever the rate changes.",
  fields: (t) => ({
    accrued: t.exposeFloat('accrued', { description: 'What the closed intervals cost.' }),
    ratePerHour: t.exposeFloat('ratePerHour', { description: 'Running replicas times the price of one per hour; 0 when no interval is open.' }),
    since: t.exposeString('since', { nullable: true, description: 'RFC 3339: start of the open interval; null while no replica runs at a price.' }),
  }),
});

const ClusterReplicaStatusRef = builder.objectRef<ClusterReplicaStatus>('ClusterReplicaStatus').implement({
  description: 'What one cluster reports about the replicas it runs; written by that cluster\'s Skylet only.',
  fields: (t) => ({
    cluster: t.exposeString('cluster'),
    pending: t.exposeInt('pending'),
    running: t.exposeInt('running'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    externalId: t.exposeString('externalId', { nullable: true }),
    exitCodes: t.exposeIntList('exitCodes', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    pendingSince: t.exposeString('pendingSince', {
      nullable: true,
      description: 'Since when the cluster has reported replicas waiting, without a break; the wait timeout counts from it.',
    }),
    evictionRequest: t.expose('evictionRequest', { type: EvictionRequestRef, nullable: true }),
    cost: t.expose('cost', { type: ReplicaCostRef, nullable: true, description: 'What its replicas have cost here; null: nothing, none ran at a price.' }),
  }),
});

const EvictionRef = builder.objectRef<Eviction>('Eviction').implement({
  description:
    'Replicas that left a cluster unfinished (evicted after the wait timeout, or moved off a cluster deleted or in ERROR); the scheduler keeps the workload off the cluster for a while after it.',
  fields: (t) => ({
    cluster: t.exposeString('cluster'),
    replicas: t.exposeInt('replicas'),
    at: t.exposeString('at'),
    reason: t.expose('reason', { type: EvictionReasonEnum }),
    message: t.exposeString('message'),
    requestedAt: t.exposeString('requestedAt', { nullable: true, description: 'The eviction request this answered.' }),
  }),
});

export const WorkloadStatusRef = builder.objectRef<WorkloadStatus>('WorkloadStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: JobPhaseEnum, description: 'Derived by the server from placements and replica reports.' }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
    placements: t.expose('placements', { type: [ClusterPlacementRef], description: 'Written by the scheduler only.' }),
    replicaStatus: t.expose('replicaStatus', { type: [ClusterReplicaStatusRef] }),
    evictions: t.field({ type: [EvictionRef], description: 'The newest eviction per cluster.', resolve: (status) => status.evictions ?? [] }),
    observedGeneration: t.exposeInt('observedGeneration', { nullable: true }),
    startTime: t.exposeString('startTime', { nullable: true }),
    completionTime: t.exposeString('completionTime', { nullable: true }),
    readyReplicas: t.exposeInt('readyReplicas', { nullable: true }),
    admission: t.expose('admission', {
      type: AdmissionRef,
      nullable: true,
      description: 'Null while not admitted (pending in its queue, preempted), and for work no queue takes.',
    }),
    queue: t.expose('queue', { type: WorkloadQueueStatusRef, nullable: true }),
    preemptions: t.field({ type: [PreemptionRef], description: 'The newest preemptions, oldest first.', resolve: (status) => status.preemptions ?? [] }),
    cost: t.float({
      description:
        "What its replicas have cost so far wherever they ran (the clusters' accounts summed, open intervals up to now), in the currency of the clusters' spec.cost; it grows while replicas run at a price. Derived when read, never stored.",
      resolve: (status, _args, ctx) => workloadCost(status, (ctx.now?.() ?? new Date()).getTime()),
    }),
  }),
});

const AdmissionInputRef = builder.inputRef<AdmissionInput>('AdmissionInput').implement({
  fields: (t) => ({
    queue: t.string({ required: true }),
    priority: t.int({ required: true }),
    admittedAt: t.string({ required: true }),
    generation: t.int({ required: true }),
    replicas: t.int({ required: true }),
    usage: t.field({ type: QuotaUsageInput, required: true }),
  }),
});

const WorkloadQueueStatusInputRef = builder.inputRef<WorkloadQueueStatusInput>('WorkloadQueueStatusInput').implement({
  fields: (t) => ({
    name: t.string({ required: true }),
    position: t.int(),
    reason: t.field({ type: QueueReasonEnum, required: true }),
    message: t.string({ required: true }),
  }),
});

const PreemptionInputRef = builder.inputRef<PreemptionInput>('PreemptionInput').implement({
  fields: (t) => ({
    by: t.string({ required: true }),
    queue: t.string({ required: true }),
    priority: t.int({ required: true }),
    at: t.string({ required: true }),
  }),
});

const ReplicaCostInputRef = builder.inputRef<ReplicaCostInput>('ReplicaCostInput').implement({
  fields: (t) => ({
    accrued: t.float({ required: true }),
    ratePerHour: t.float({ required: true }),
    since: t.string(),
  }),
});

const ClusterPlacementInput = builder.inputType('ClusterPlacementInput', {
  fields: (t) => ({ cluster: t.string({ required: true }), replicas: t.int({ required: true }) }),
});

const EvictionRequestInputRef = builder.inputRef<EvictionRequestInput>('EvictionRequestInput').implement({
  fields: (t) => ({
    replicas: t.int({ required: true }),
    requestedAt: t.string({ required: true }),
    message: t.string({ required: true }),
  }),
});

const EvictionInputRef = builder.inputRef<EvictionInput>('EvictionInput').implement({
  fields: (t) => ({
    cluster: t.string({ required: true }),
    replicas: t.int({ required: true }),
    at: t.string({ required: true }),
    reason: t.field({ type: EvictionReasonEnum, required: true }),
    message: t.string({ required: true }),
    requestedAt: t.string(),
  }),
});

type InputFields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

/** One cluster's entry, in the whole-status input and in a Skylet's report. */
const replicaEntryFields = (t: InputFields) => ({
  cluster: t.string({ required: true }),
  pending: t.int(),
  running: t.int(),
  succeeded: t.int(),
  failed: t.int(),
  externalId: t.string(),
  exitCodes: t.intList(),
  message: t.string(),
  pendingSince: t.string(),
  evictionRequest: t.field({ type: EvictionRequestInputRef }),
  cost: t.field({ type: ReplicaCostInputRef }),
});

/** Which workload a field-scoped write is for. */
const targetFields = (t: InputFields) => ({
  namespace: t.string({ defaultValue: 'default' }),
  name: t.string({ required: true }),
  uid: t.string({ description: 'Applies only to the object with this uid.' }),
});

const ClusterReplicaStatusInputRef = builder.inputRef<ClusterReplicaStatusInput>('ClusterReplicaStatusInput').implement({
  fields: (t) => replicaEntryFields(t),
});

export const WorkloadStatusInput: InputObjectRef<BuilderTypes, StatusShape> = builder.inputRef<StatusShape>('WorkloadStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: JobPhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
    placements: t.field({ type: [ClusterPlacementInput] }),
    replicaStatus: t.field({ type: [ClusterReplicaStatusInputRef] }),
    evictions: t.field({ type: [EvictionInputRef] }),
    observedGeneration: t.int(),
    startTime: t.string(),
    completionTime: t.string(),
    readyReplicas: t.int(),
    admission: t.field({ type: AdmissionInputRef }),
    queue: t.field({ type: WorkloadQueueStatusInputRef }),
    preemptions: t.field({ type: [PreemptionInputRef] }),
    cost: t.float({ description: 'Ignored: derived when read. Accepted so that a status read can be written back as it is.' }),
  }),
});

const ReplicaReportInputRef = builder.inputRef<ReplicaReportInput>('ReplicaReportInput').implement({
  description: "A Skylet's report of the replicas its cluster runs for one workload.",
  fields: (t) => ({
    ...targetFields(t),
    ...replicaEntryFields(t),
    conditions: t.field({ type: [ConditionInput], description: 'The conditions a Skylet owns: ImageIgnored.' }),
  }),
});

const PlacementDecisionInputRef = builder.inputRef<PlacementDecisionInput>('PlacementDecisionInput').implement({
  description: "The scheduler's decision about one workload.",
  fields: (t) => ({
    ...targetFields(t),
    generation: t.int({ required: true, description: 'The spec generation decided for; another one now → CONFLICT.' }),
    expectedPlacements: t.field({
      type: [ClusterPlacementInput],
      required: true,
      description: 'The placements the decision started from; others now → CONFLICT.',
    }),
    placements: t.field({ type: [ClusterPlacementInput], required: true }),
    evictions: t.field({ type: [EvictionInputRef] }),
    conditions: t.field({ type: [ConditionInput], description: "The scheduler's conditions (Scheduled, Evicted); they replace its earlier ones." }),
  }),
});

const AdmissionDecisionInputRef = builder.inputRef<AdmissionDecisionInput>('AdmissionDecisionInput').implement({
  description: "The admission controller's decision about one workload.",
  fields: (t) => ({
    ...targetFields(t),
    expectedAdmission: t.field({
      type: AdmissionInputRef,
      description: 'The admission the decision started from (null: it found the workload not admitted); another one now → CONFLICT.',
    }),
    admission: t.field({ type: AdmissionInputRef, description: 'The new admission; null withdraws it.' }),
    queue: t.field({ type: WorkloadQueueStatusInputRef, description: 'Where it stands in its queue; null clears it.' }),
    preemption: t.field({ type: PreemptionInputRef, description: 'Appended to status.preemptions (the newest 5 are kept).' }),
    conditions: t.field({ type: [ConditionInput], description: "The admission controller's conditions (Admitted, Preempted); they replace its earlier ones." }),
  }),
});

export interface WorkloadStatusResolvers<K extends WorkloadKind> {
  setAdmission(ctx: ResolverContext, args: { input: AdmissionDecisionInput }): Promise<ObjectsByKind[K]>;
  reportReplicas(ctx: ResolverContext, args: { input: ReplicaReportInput }): Promise<ObjectsByKind[K]>;
  setPlacements(ctx: ResolverContext, args: { input: PlacementDecisionInput }): Promise<ObjectsByKind[K]>;
}

export function defineWorkloadStatusFields<K extends WorkloadKind>(kind: K, objectRef: ObjectRef<BuilderTypes, ObjectsByKind[K]>, resolvers: WorkloadStatusResolvers<K>): void {
  builder.mutationFields((t) => ({
    [`set${kind}Admission`]: t.field({
      type: objectRef,
      description: "The admission controller's write: admission, queue position, preemptions and its conditions.",
      args: { input: t.arg({ type: AdmissionDecisionInputRef, required: true }) },
      resolve: (_root, args, ctx) => resolvers.setAdmission(ctx, args) as never,
    }),
    [`set${kind}Placements`]: t.field({
      type: objectRef,
      description: "The scheduler's write: placements, evictions, observedGeneration and its conditions. The phase follows.",
      args: { input: t.arg({ type: PlacementDecisionInputRef, required: true }) },
      resolve: (_root, args, ctx) => resolvers.setPlacements(ctx, args) as never,
    }),
    [`report${kind}Replicas`]: t.field({
      type: objectRef,
      description: "A Skylet's write: its cluster's entry of status.replicaStatus. The phase follows.",
      args: { input: t.arg({ type: ReplicaReportInputRef, required: true }) },
      resolve: (_root, args, ctx) => resolvers.reportReplicas(ctx, args) as never,
    }),
  }));
}
