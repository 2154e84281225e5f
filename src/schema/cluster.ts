/**
 * Cluster: its object type, status types, inputs, enums and root fields. The spec types derive
 * from src/domain/spec/cluster-spec.ts.
 */
import { CLUSTER_SPEC } from '../domain/spec/cluster-spec.js';
import { CLUSTER_PHASES, type Cluster, type ClusterStatus, type NodeStatus, type ResourceRelease } from '../domain/types.js';
import { clusterResolvers, type ClusterStatusInput, type NodeStatusInput } from '../resolvers/cluster.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef, ResourcesInput, ResourcesRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';

export const ClusterPhaseEnum = builder.enumType('ClusterPhase', { values: CLUSTER_PHASES });

const NodeStatusRef = builder.objectRef<NodeStatus>('NodeStatus').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    capacity: t.expose('capacity', { type: ResourcesRef }),
    allocatable: t.expose('allocatable', { type: ResourcesRef }),
    ready: t.exposeBoolean('ready'),
  }),
});

const ResourceReleaseRef = builder.objectRef<ResourceRelease>('ResourceRelease').implement({
  description: 'Cores, MiB and GPUs that come free at a time.',
  fields: (t) => ({
    at: t.exposeString('at', { description: 'RFC 3339.' }),
    cpu: t.exposeFloat('cpu'),
    memory: t.exposeFloat('memory'),
    gpu: t.exposeFloat('gpu'),
  }),
});

const ResourceReleaseInput = builder.inputRef<ResourceRelease>('ResourceReleaseInput').implement({
  fields: (t) => ({
    at: t.string({ required: true, description: 'RFC 3339.' }),
    cpu: t.float({ required: true }),
    memory: t.float({ required: true }),
    gpu: t.float({ required: true }),
  }),
});

const ClusterStatusRef = builder.objectRef<ClusterStatus>('ClusterStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: ClusterPhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
    capacity: t.expose('capacity', { type: ResourcesRef }),
    allocatable: t.expose('allocatable', { type: ResourcesRef }),
    nodes: t.expose('nodes', { type: [NodeStatusRef] }),
    acceleratorTypes: t.exposeStringList('acceleratorTypes'),
    message: t.exposeString('message', { nullable: true }),
    skyletEndpoint: t.exposeString('skyletEndpoint', {
      nullable: true,
      description: "Where the Skylet managing this cluster serves it (http://host:port/clusters/NAME); the API server reads the cluster's logs there.",
    }),
    releases: t.field({
      type: [ResourceReleaseRef],
      nullable: true,
      description: "What work from outside the federation gives back here, and when (Slurm: other users' jobs at the end of their time limits); absent when the manager cannot tell.",
      resolve: (status) => status.releases,
    }),
  }),
});

export const ClusterRef = builder.objectRef<Cluster>('Cluster').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: objectTypeOf(CLUSTER_SPEC) }),
    status: t.expose('status', { type: ClusterStatusRef }),
  }),
});

const NodeStatusInput = builder.inputRef<NodeStatusInput>('NodeStatusInput').implement({
  fields: (t) => ({
    name: t.string({ required: true }),
    capacity: t.field({ type: ResourcesInput, required: true }),
    allocatable: t.field({ type: ResourcesInput, required: true }),
    ready: t.boolean({ required: true }),
  }),
});

const ClusterStatusInputRef = builder.inputRef<ClusterStatusInput>('ClusterStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: ClusterPhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
    capacity: t.field({ type: ResourcesInput }),
    allocatable: t.field({ type: ResourcesInput }),
    nodes: t.field({ type: [NodeStatusInput] }),
    acceleratorTypes: t.stringList(),
    message: t.string(),
    skyletEndpoint: t.string({ description: 'An http(s) URL without credentials, query or fragment.' }),
    releases: t.field({ type: [ResourceReleaseInput], description: 'At most 100, oldest first.' }),
  }),
});

defineResourceFields({
  kind: 'Cluster',
  singular: 'cluster',
  plural: 'clusters',
  objectRef: ClusterRef,
  specInput: inputTypeOf(CLUSTER_SPEC),
  statusInput: ClusterStatusInputRef,
  resolvers: clusterResolvers,
});
