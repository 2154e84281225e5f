/**
 * The spec and status types Job and Deployment share (WorkloadSpec, WorkloadStatus, their parts
 * and inputs). job.ts and deployment.ts add the object types and root fields.
 */
import type { InputObjectRef } from '@pothos/core';
import {
  JOB_PHASES,
  PLACEMENT_STRATEGIES,
  RESTART_POLICIES,
  type ClusterPlacement,
  type ClusterPreference,
  type ClusterReplicaStatus,
  type EnvVar,
  type Placement,
  type WorkloadSpec,
  type WorkloadStatus,
} from '../domain/types.js';
import type { ClusterReplicaStatusInput, PlacementInput, WorkloadSpecInput as SpecShape, WorkloadStatusInput as StatusShape } from '../resolvers/workload.js';
import { builder, type BuilderTypes } from './builder.js';
import { ConditionInput, ConditionRef, ResourcesInput, ResourcesRef } from './meta.js';

export const JobPhaseEnum = builder.enumType('JobPhase', { values: JOB_PHASES });
export const RestartPolicyEnum = builder.enumType('RestartPolicy', { values: RESTART_POLICIES });
export const PlacementStrategyEnum = builder.enumType('PlacementStrategy', { values: PLACEMENT_STRATEGIES });

const EnvVarRef = builder.objectRef<EnvVar>('EnvVar').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

const ClusterPreferenceRef = builder.objectRef<ClusterPreference>('ClusterPreference').implement({
  fields: (t) => ({
    selector: t.exposeString('selector', { description: 'Label selector over cluster labels.' }),
    weight: t.exposeInt('weight', { description: '1..100, as in Kubernetes preferred affinity.' }),
  }),
});

const PlacementRef = builder.objectRef<Placement>('Placement').implement({
  fields: (t) => ({
    clusterSelector: t.exposeString('clusterSelector', { nullable: true }),
    preferences: t.expose('preferences', { type: [ClusterPreferenceRef] }),
    strategy: t.expose('strategy', { type: PlacementStrategyEnum }),
  }),
});

export const WorkloadSpecRef = builder.objectRef<WorkloadSpec>('WorkloadSpec').implement({
  fields: (t) => ({
    image: t.exposeString('image'),
    run: t.exposeString('run'),
    envs: t.expose('envs', { type: [EnvVarRef] }),
    resources: t.expose('resources', { type: ResourcesRef, description: 'Per replica.' }),
    replicas: t.exposeInt('replicas'),
    restartPolicy: t.expose('restartPolicy', { type: RestartPolicyEnum }),
    placement: t.expose('placement', { type: PlacementRef }),
    waitTimeout: t.exposeInt('waitTimeout', { nullable: true, description: 'Seconds a replica may wait in a cluster before it is placed elsewhere.' }),
  }),
});

const ClusterPlacementRef = builder.objectRef<ClusterPlacement>('ClusterPlacement').implement({
  fields: (t) => ({ cluster: t.exposeString('cluster'), replicas: t.exposeInt('replicas') }),
});

const ClusterReplicaStatusRef = builder.objectRef<ClusterReplicaStatus>('ClusterReplicaStatus').implement({
  fields: (t) => ({
    cluster: t.exposeString('cluster'),
    pending: t.exposeInt('pending'),
    running: t.exposeInt('running'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    externalId: t.exposeString('externalId', { nullable: true }),
    exitCodes: t.exposeIntList('exitCodes', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    evictedAt: t.exposeString('evictedAt', {
      nullable: true,
      description: 'When replicas last left this cluster unfinished (evicted after the wait timeout, or moved off a cluster in ERROR).',
    }),
  }),
});

export const WorkloadStatusRef = builder.objectRef<WorkloadStatus>('WorkloadStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: JobPhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
    placements: t.expose('placements', { type: [ClusterPlacementRef] }),
    replicaStatus: t.expose('replicaStatus', { type: [ClusterReplicaStatusRef] }),
    observedGeneration: t.exposeInt('observedGeneration', { nullable: true }),
    startTime: t.exposeString('startTime', { nullable: true }),
    completionTime: t.exposeString('completionTime', { nullable: true }),
    readyReplicas: t.exposeInt('readyReplicas', { nullable: true }),
  }),
});

const EnvVarInput = builder.inputType('EnvVarInput', {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});

const ClusterPreferenceInput = builder.inputType('ClusterPreferenceInput', {
  fields: (t) => ({ selector: t.string({ required: true }), weight: t.int({ description: 'Defaults to 1.' }) }),
});

const PlacementInputRef = builder.inputRef<PlacementInput>('PlacementInput').implement({
  fields: (t) => ({
    clusterSelector: t.string(),
    preferences: t.field({ type: [ClusterPreferenceInput] }),
    strategy: t.field({ type: PlacementStrategyEnum }),
  }),
});

export const WorkloadSpecInput: InputObjectRef<BuilderTypes, SpecShape> = builder.inputRef<SpecShape>('WorkloadSpecInput').implement({
  fields: (t) => ({
    image: t.string(),
    run: t.string(),
    envs: t.field({ type: [EnvVarInput] }),
    resources: t.field({ type: ResourcesInput }),
    replicas: t.int(),
    restartPolicy: t.field({ type: RestartPolicyEnum }),
    placement: t.field({ type: PlacementInputRef }),
    waitTimeout: t.int(),
  }),
});

const ClusterPlacementInput = builder.inputType('ClusterPlacementInput', {
  fields: (t) => ({ cluster: t.string({ required: true }), replicas: t.int({ required: true }) }),
});

const ClusterReplicaStatusInputRef = builder.inputRef<ClusterReplicaStatusInput>('ClusterReplicaStatusInput').implement({
  fields: (t) => ({
    cluster: t.string({ required: true }),
    pending: t.int(),
    running: t.int(),
    succeeded: t.int(),
    failed: t.int(),
    externalId: t.string(),
    exitCodes: t.intList(),
    message: t.string(),
    evictedAt: t.string(),
  }),
});

export const WorkloadStatusInput: InputObjectRef<BuilderTypes, StatusShape> = builder.inputRef<StatusShape>('WorkloadStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: JobPhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
    placements: t.field({ type: [ClusterPlacementInput] }),
    replicaStatus: t.field({ type: [ClusterReplicaStatusInputRef] }),
    observedGeneration: t.int(),
    startTime: t.string(),
    completionTime: t.string(),
    readyReplicas: t.int(),
  }),
});
