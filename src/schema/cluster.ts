/**
 * Cluster: its object type, spec and status types, inputs, enums and root fields.
 */
import {
  CLUSTER_MANAGERS,
  CLUSTER_PHASES,
  type Cluster,
  type ClusterSpec,
  type ClusterStatus,
  type KubernetesConfig,
  type LocalConfig,
  type NodeStatus,
  type SlurmConfig,
} from '../domain/types.js';
import { clusterResolvers, type ClusterSpecInput, type ClusterStatusInput, type NodeStatusInput } from '../resolvers/cluster.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef, ResourcesInput, ResourcesRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';

export const ClusterManagerEnum = builder.enumType('ClusterManager', { values: CLUSTER_MANAGERS });
export const ClusterPhaseEnum = builder.enumType('ClusterPhase', { values: CLUSTER_PHASES });

const KubernetesConfigRef = builder.objectRef<KubernetesConfig>('KubernetesConfig').implement({
  fields: (t) => ({
    context: t.exposeString('context', { nullable: true, description: "A context of the controller machine's kubeconfig." }),
    kubeconfigPath: t.exposeString('kubeconfigPath', { nullable: true }),
  }),
});

const SlurmConfigRef = builder.objectRef<SlurmConfig>('SlurmConfig').implement({
  fields: (t) => ({
    slurmConf: t.exposeString('slurmConf', { nullable: true }),
    sshHost: t.exposeString('sshHost', { nullable: true }),
    partition: t.exposeString('partition', { nullable: true }),
  }),
});

const LocalConfigRef = builder.objectRef<LocalConfig>('LocalConfig').implement({
  fields: (t) => ({
    cpu: t.exposeFloat('cpu', { nullable: true }),
    memory: t.exposeFloat('memory', { nullable: true }),
    gpu: t.exposeInt('gpu', { nullable: true }),
  }),
});

const ClusterSpecRef = builder.objectRef<ClusterSpec>('ClusterSpec').implement({
  fields: (t) => ({
    manager: t.expose('manager', { type: ClusterManagerEnum }),
    kubernetes: t.expose('kubernetes', { type: KubernetesConfigRef, nullable: true }),
    slurm: t.expose('slurm', { type: SlurmConfigRef, nullable: true }),
    local: t.expose('local', { type: LocalConfigRef, nullable: true }),
    waitTimeout: t.exposeInt('waitTimeout', {
      nullable: true,
      description: "Seconds a replica may wait in this cluster before it is evicted and placed elsewhere, for workloads that set no waitTimeout of their own.",
    }),
  }),
});

const NodeStatusRef = builder.objectRef<NodeStatus>('NodeStatus').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    capacity: t.expose('capacity', { type: ResourcesRef }),
    allocatable: t.expose('allocatable', { type: ResourcesRef }),
    ready: t.exposeBoolean('ready'),
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
  }),
});

export const ClusterRef = builder.objectRef<Cluster>('Cluster').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: ClusterSpecRef }),
    status: t.expose('status', { type: ClusterStatusRef }),
  }),
});

const KubernetesConfigInput = builder.inputType('KubernetesConfigInput', {
  fields: (t) => ({ context: t.string(), kubeconfigPath: t.string() }),
});

const SlurmConfigInput = builder.inputType('SlurmConfigInput', {
  fields: (t) => ({ slurmConf: t.string(), sshHost: t.string(), partition: t.string() }),
});

const LocalConfigInput = builder.inputType('LocalConfigInput', {
  fields: (t) => ({ cpu: t.float(), memory: t.float(), gpu: t.int() }),
});

const ClusterSpecInputRef = builder.inputRef<ClusterSpecInput>('ClusterSpecInput').implement({
  fields: (t) => ({
    manager: t.field({ type: ClusterManagerEnum, required: true }),
    kubernetes: t.field({ type: KubernetesConfigInput, description: 'Only with manager KUBERNETES.' }),
    slurm: t.field({ type: SlurmConfigInput, description: 'Only with manager SLURM.' }),
    local: t.field({ type: LocalConfigInput, description: 'Only with manager LOCAL.' }),
    waitTimeout: t.int({ description: 'Seconds; the default wait timeout of workloads placed here.' }),
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
  }),
});

defineResourceFields({
  kind: 'Cluster',
  singular: 'cluster',
  plural: 'clusters',
  objectRef: ClusterRef,
  specInput: ClusterSpecInputRef,
  statusInput: ClusterStatusInputRef,
  resolvers: clusterResolvers,
});
