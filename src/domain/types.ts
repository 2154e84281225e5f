/**
 * The Sky object model: every object is `{kind, metadata, spec, status}` as in the original demo.
 * These are plain data shapes shared by the API server, the store, the client and controllers.
 */
import type { Kind } from './kinds.js';
import type { ClusterSpec } from './spec/cluster-spec.js';
import type { FilterPolicySpec } from './spec/filter-policy-spec.js';
import type { Resources } from './spec/resources.js';
import type { WorkloadSpec } from './spec/workload-spec.js';

export type StringMap = Record<string, string>;

export interface ObjectMeta {
  name: string;
  /** Set for namespaced kinds only. */
  namespace?: string;
  uid: string;
  labels: StringMap;
  annotations: StringMap;
  /** Opaque to clients; one store-wide counter (like an etcd revision), as a decimal string. */
  resourceVersion: string;
  /** Bumped on every spec change; status writes leave it alone. */
  generation: number;
  /** RFC 3339. */
  creationTimestamp: string;
}

export interface Condition {
  type: string;
  /** 'True' | 'False' | 'Unknown', as in Kubernetes. */
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime: string;
}

/** Figures in cores, MiB and whole GPUs; `accelerator` is a GPU model ("A100"), absent when any will do. */
export type { Resources } from './spec/resources.js';

// ---------------------------------------------------------------- Cluster

export const CLUSTER_PHASES = ['INIT', 'READY', 'ERROR', 'DELETING'] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];

// The spec, its parts and its rules are declared once, with zod, in spec/cluster-spec.ts.
export {
  CLUSTER_MANAGERS,
  type ClusterManagerType,
  type ClusterSpec,
  type KubernetesConfig,
  type LocalConfig,
  type SlurmConfig,
} from './spec/cluster-spec.js';

export interface NodeStatus {
  name: string;
  capacity: Resources;
  allocatable: Resources;
  ready: boolean;
}

export interface ClusterStatus {
  phase: ClusterPhase;
  conditions: Condition[];
  /** Totals of the cluster's nodes. */
  capacity: Resources;
  /** What is free now (capacity minus what is running or requested). */
  allocatable: Resources;
  nodes: NodeStatus[];
  acceleratorTypes: string[];
  message?: string;
  /**
   * Where the Skylet that manages this cluster serves it (`http://host:port/clusters/NAME`),
   * published by the Skylet's health probe: the API server reads logs there, the way
   * kube-apiserver reaches a kubelet at the address its Node status publishes. Absent while no
   * Skylet runs for the cluster. See src/domain/skylet-api.ts.
   */
  skyletEndpoint?: string;
}

// ---------------------------------------------------------------- Namespace

export const NAMESPACE_PHASES = ['ACTIVE', 'DELETING'] as const;
export type NamespacePhase = (typeof NAMESPACE_PHASES)[number];

export type NamespaceSpec = Record<string, never>;

export interface NamespaceStatus {
  phase: NamespacePhase;
  conditions: Condition[];
}

// ---------------------------------------------------------------- Workloads (Job, Deployment)

// The spec, its parts and its rules are declared once, with zod, in spec/workload-spec.ts.
export {
  PLACEMENT_STRATEGIES,
  RESTART_POLICIES,
  type ClusterPreference,
  type EnvVar,
  type Placement,
  type PlacementStrategy,
  type RestartPolicy,
  type WorkloadSpec,
} from './spec/workload-spec.js';
export type JobSpec = WorkloadSpec;
export type DeploymentSpec = WorkloadSpec;

// A new Job or Deployment is PENDING until the scheduler places it (SCHEDULED).
export const JOB_PHASES = ['PENDING', 'SCHEDULED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/** How many replicas the scheduler gave one cluster. */
export interface ClusterPlacement {
  cluster: string;
  replicas: number;
}

/**
 * A Skylet's request that the scheduler move replicas off its cluster (they waited there longer
 * than the wait timeout). Skylets never edit placements; the scheduler acts on the request once
 * and records an Eviction with the same `requestedAt`.
 */
export interface EvictionRequest {
  replicas: number;
  /** RFC 3339; identifies the request. */
  requestedAt: string;
  message: string;
}

/** What one cluster reports about the replicas it runs. Owner: that cluster's Skylet, alone. */
export interface ClusterReplicaStatus {
  cluster: string;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  /** The member cluster's own id for the submission (Kubernetes object name, Slurm job id, ...). */
  externalId?: string;
  exitCodes?: number[];
  message?: string;
  evictionRequest?: EvictionRequest;
}

export const EVICTION_REASONS = ['WaitTimeout', 'ClusterLost'] as const;
export type EvictionReason = (typeof EVICTION_REASONS)[number];

/**
 * Replicas that left a cluster unfinished: evicted after waiting longer than the wait timeout
 * (on the cluster's request), or moved off a cluster deleted or in ERROR past the failover grace
 * period. The scheduler keeps the workload off that cluster for a while after it
 * (src/scheduler/eviction.ts). The newest eviction per cluster is kept.
 */
export interface Eviction {
  cluster: string;
  replicas: number;
  /** RFC 3339. */
  at: string;
  reason: EvictionReason;
  message: string;
  /** The EvictionRequest this answered, for WaitTimeout. */
  requestedAt?: string;
}

/** Workload conditions by owner (the writes of each owner may set only its own). */
export const SCHEDULER_CONDITIONS = ['Scheduled', 'Evicted'] as const;
export const SKYLET_CONDITIONS = ['ImageIgnored'] as const;

/**
 * Each field has one writer:
 * - the scheduler (setXPlacements): placements, evictions, observedGeneration and the
 *   conditions Scheduled and Evicted;
 * - the Skylet of cluster C (reportXReplicas): the replicaStatus entry of C, and the condition
 *   ImageIgnored;
 * - the API server, on every one of those writes (src/domain/workload-status.ts): phase,
 *   startTime, completionTime and readyReplicas, derived from the fields above.
 * updateXStatus replaces the whole status as given (tools and tests; no controller uses it).
 */
export interface WorkloadStatus {
  phase: JobPhase;
  conditions: Condition[];
  placements: ClusterPlacement[];
  replicaStatus: ClusterReplicaStatus[];
  evictions?: Eviction[];
  /** Generation of the spec the scheduler last acted on. */
  observedGeneration?: number;
  startTime?: string;
  completionTime?: string;
  /** Deployments: replicas ready across all clusters. */
  readyReplicas?: number;
}

export type JobStatus = WorkloadStatus;
export type DeploymentStatus = WorkloadStatus;

// ---------------------------------------------------------------- FilterPolicy

// The spec and its rules are declared once, with zod, in spec/filter-policy-spec.ts.
export type { ClusterFilter, FilterPolicySpec } from './spec/filter-policy-spec.js';

export const FILTER_POLICY_PHASES = ['ACTIVE'] as const;
export type FilterPolicyPhase = (typeof FILTER_POLICY_PHASES)[number];

export interface FilterPolicyStatus {
  phase: FilterPolicyPhase;
  conditions: Condition[];
}

// ---------------------------------------------------------------- Objects

export interface SkyObjectOf<K extends Kind, Spec, Status> {
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status: Status;
}

export type Cluster = SkyObjectOf<'Cluster', ClusterSpec, ClusterStatus>;
export type Namespace = SkyObjectOf<'Namespace', NamespaceSpec, NamespaceStatus>;
export type Job = SkyObjectOf<'Job', JobSpec, JobStatus>;
export type Deployment = SkyObjectOf<'Deployment', DeploymentSpec, DeploymentStatus>;
export type FilterPolicy = SkyObjectOf<'FilterPolicy', FilterPolicySpec, FilterPolicyStatus>;

export type SkyObject = Cluster | Namespace | Job | Deployment | FilterPolicy;
export type Workload = Job | Deployment;

export interface ObjectsByKind {
  Cluster: Cluster;
  Namespace: Namespace;
  Job: Job;
  Deployment: Deployment;
  FilterPolicy: FilterPolicy;
}

// ---------------------------------------------------------------- Logs

/** One line of one replica's log. `replica` is 0-based within its cluster, as the cluster reports it. */
export interface LogLine {
  cluster: string;
  replica: number;
  line: string;
}

/**
 * Something a successful answer could not include, sent beside it (GraphQL `extensions.warnings`)
 * rather than failing it: "cluster b: its Skylet is unreachable" while cluster a's logs are there.
 */
export interface Warning {
  message: string;
  /** The cluster it is about, when it is about one. */
  cluster?: string;
}

// ---------------------------------------------------------------- Watch

export const WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

export interface WatchEvent<T extends SkyObject = SkyObject> {
  type: WatchEventType;
  /** Absent for BOOKMARK, which only carries a newer resourceVersion. */
  object?: T;
  resourceVersion: string;
}

export interface ObjectList<T extends SkyObject = SkyObject> {
  kind: string;
  items: T[];
  resourceVersion: string;
}
