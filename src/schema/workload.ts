/**
 * The spec types Job and Deployment share (WorkloadSpec, its parts and inputs). Their status
 * types are in workload-status.ts; job.ts and deployment.ts add the object types and root fields.
 */
import type { InputObjectRef } from '@pothos/core';
import {
  JOB_PHASES,
  PLACEMENT_STRATEGIES,
  RESTART_POLICIES,
  type ClusterPreference,
  type EnvVar,
  type Placement,
  type WorkloadSpec,
} from '../domain/types.js';
import type { PlacementInput, WorkloadSpecInput as SpecShape } from '../resolvers/workload.js';
import { builder, type BuilderTypes } from './builder.js';
import { ResourcesInput, ResourcesRef } from './meta.js';

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

