/**
 * The Sky object model: every object is `{kind, metadata, spec, status}` as in the original demo.
 * These are plain data shapes shared by the API server, the store, the client and controllers.
 */
import type { Kind } from './kinds.js';
import type { ClusterSpec } from './spec/cluster-spec.js';
import type { FilterPolicySpec } from './spec/filter-policy-spec.js';
import type { LeaseSpec } from './spec/lease-spec.js';
import type { RoleBindingSpec, RoleSpec } from './spec/rbac-spec.js';
import type { PriorityClassSpec } from './spec/priority-class-spec.js';
import type { QueueSpec } from './spec/queue-spec.js';
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
  type ClusterCost,
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
  /**
   * What work from outside the federation holds here gives back, and when (Slurm: its other
   * users' running jobs, at the end of their time limits), oldest first; absent when the manager
   * cannot tell. Start-time estimates count it with the ends of the federation's own replicas.
   */
  releases?: ResourceRelease[];
}

/** Cores, MiB and GPUs that come free at `at` (RFC 3339). */
export interface ResourceRelease {
  at: string;
  cpu: number;
  memory: number;
  gpu: number;
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
  /**
   * Since when (ISO 8601) the cluster has reported replicas waiting, without a break: the clock
   * of the wait timeout, kept here so that a Skylet started elsewhere goes on with it.
   */
  pendingSince?: string;
  evictionRequest?: EvictionRequest;
  /**
   * What the replicas have cost here (src/domain/replica-cost.ts), kept in the entry so that a
   * Skylet started elsewhere goes on with the same account. Absent: nothing accrued, none running
   * at a price.
   */
  cost?: ReplicaCost;
}

/**
 * A cluster's account of a workload's replicas: closed intervals summed in `accrued`, plus the
 * open one, at `ratePerHour` since `since`, while replicas run at a price. Amounts are in the
 * currency of the clusters' spec.cost.
 */
export interface ReplicaCost {
  accrued: number;
  /** Running replicas times the price of one per hour; 0 when no interval is open. */
  ratePerHour: number;
  /** RFC 3339: start of the open interval; absent when none is open. */
  since?: string;
}

export const EVICTION_REASONS = ['WaitTimeout', 'ClusterLost', 'Preempted'] as const;
export type EvictionReason = (typeof EVICTION_REASONS)[number];

/**
 * Replicas that left a cluster unfinished: evicted after waiting longer than the wait timeout
 * (on the cluster's request), moved off a cluster deleted or in ERROR past the failover grace
 * period, or taken off because the workload was preempted (its admission withdrawn). The
 * scheduler keeps the workload off that cluster for a while after a WaitTimeout or ClusterLost
 * eviction (src/scheduler/eviction.ts), not after a preemption. The newest eviction per cluster
 * is kept.
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

/**
 * A queue's admission of a workload: the quota it holds in that queue while it is unfinished.
 * Owner: the admission controller. Queue usage is the sum of the admissions of unfinished
 * workloads, so any controller manager computes it from the API objects alone.
 */
export interface Admission {
  queue: string;
  /** The priority it was admitted with (its class's value then). */
  priority: number;
  /** RFC 3339. */
  admittedAt: string;
  /** The spec generation it was admitted for: a new spec (more replicas, bigger ones) is admitted again. */
  generation: number;
  /** Replicas admitted: the scheduler places at most this many. */
  replicas: number;
  /** What all its replicas take from the queue's quota. */
  usage: QuotaUsage;
}

/** Resources summed over replicas (cores, MiB, GPUs), with GPUs per accelerator model. */
export interface QuotaUsage {
  cpu: number;
  memory: number;
  gpu: number;
  accelerators: { name: string; gpu: number }[];
}

export const QUEUE_REASONS = [
  /** Waiting for its turn: work ahead of it in the queue goes first. */
  'Queued',
  'Admitted',
  'WaitingForQuota',
  'ExceedsQuota',
  'WaitingForCapacity',
  /** Its waiting policy holds it for the cheapest clusters, which are full, before it may go to costlier ones. */
  'WaitingForCheaperClusters',
  'NoCapacity',
  'Preempted',
  'QueuePaused',
  'QueueNotFound',
  'PriorityClassNotFound',
] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

/** Where a workload stands in its queue and why. Owner: the admission controller. */
export interface WorkloadQueueStatus {
  /** The queue that takes it. */
  name: string;
  /** 1-based among the queue's pending workloads, for the first ones; absent once admitted or further back. */
  position?: number;
  reason: QueueReason;
  message: string;
}

/** One preemption of a workload (newest last, a few kept). Owner: the admission controller. */
export interface Preemption {
  /** The preemptor, as refKey ("Job/default/urgent"). */
  by: string;
  /** The preemptor's queue and priority. */
  queue: string;
  priority: number;
  /** RFC 3339. */
  at: string;
}

/** Workload conditions by owner (the writes of each owner may set only its own). */
export const SCHEDULER_CONDITIONS = ['Scheduled', 'Evicted'] as const;
export const ADMISSION_CONDITIONS = ['Admitted', 'Preempted'] as const;
export const SKYLET_CONDITIONS = ['ImageIgnored'] as const;

/**
 * Each field has one writer:
 * - the scheduler (setXPlacements): placements, evictions, observedGeneration and the
 *   conditions Scheduled and Evicted;
 * - the Skylet of cluster C (reportXReplicas): the replicaStatus entry of C, and the condition
 *   ImageIgnored;
 * - the admission controller (setXAdmission): admission, queue, preemptions and the conditions
 *   Admitted and Preempted. The scheduler places a workload only while it is admitted, or when
 *   no queue takes it (src/domain/queueing.ts);
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
  /** Absent while not admitted (pending in its queue, preempted), and for work no queue takes. */
  admission?: Admission;
  queue?: WorkloadQueueStatus;
  preemptions?: Preemption[];
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

// ---------------------------------------------------------------- Queue, PriorityClass

export type { AcceleratorQuota, QueueingStrategy, QueueSpec, ResourceQuota } from './spec/queue-spec.js';
export type { PreemptionPolicy, PriorityClassSpec } from './spec/priority-class-spec.js';

export const QUEUE_PHASES = ['ACTIVE', 'PAUSED'] as const;
export type QueuePhase = (typeof QUEUE_PHASES)[number];

/** What the admission controller, the only writer, reports of a queue. */
export interface QueueStatus {
  phase: QueuePhase;
  conditions: Condition[];
  /** Sum of its admitted, unfinished workloads' admissions. */
  usage: QuotaUsage;
  /** The part of usage beyond the nominal quota (borrowed from the cohort). */
  borrowed: QuotaUsage;
  pending: number;
  admitted: number;
  /** Weighted dominant-resource share in its cohort (usage over the cohort's quota, over weight). */
  share: number;
}

export const PRIORITY_CLASS_PHASES = ['ACTIVE'] as const;
export type PriorityClassPhase = (typeof PRIORITY_CLASS_PHASES)[number];

export interface PriorityClassStatus {
  phase: PriorityClassPhase;
  conditions: Condition[];
}

// ---------------------------------------------------------------- Lease

export type { LeaseSpec } from './spec/lease-spec.js';

/** Nothing writes a Lease's status: its holders write the spec. */
export const LEASE_PHASES = ['ACTIVE'] as const;
export type LeasePhase = (typeof LEASE_PHASES)[number];

export interface LeaseStatus {
  phase: LeasePhase;
  conditions: Condition[];
}

// ---------------------------------------------------------------- Roles and bindings

export type { PolicyRule, RoleBindingSpec, RoleRef, RoleSpec, Subject } from './spec/rbac-spec.js';

/** Nothing writes the status of a Role, ClusterRole or binding: they take effect as written. */
export const RBAC_PHASES = ['ACTIVE'] as const;
export type RbacPhase = (typeof RBAC_PHASES)[number];

export interface RbacStatus {
  phase: RbacPhase;
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
export type Queue = SkyObjectOf<'Queue', QueueSpec, QueueStatus>;
export type PriorityClass = SkyObjectOf<'PriorityClass', PriorityClassSpec, PriorityClassStatus>;
export type Lease = SkyObjectOf<'Lease', LeaseSpec, LeaseStatus>;
export type Role = SkyObjectOf<'Role', RoleSpec, RbacStatus>;
export type ClusterRole = SkyObjectOf<'ClusterRole', RoleSpec, RbacStatus>;
export type RoleBinding = SkyObjectOf<'RoleBinding', RoleBindingSpec, RbacStatus>;
export type ClusterRoleBinding = SkyObjectOf<'ClusterRoleBinding', RoleBindingSpec, RbacStatus>;

export type SkyObject =
  | Cluster
  | Namespace
  | Job
  | Deployment
  | FilterPolicy
  | Queue
  | PriorityClass
  | Lease
  | Role
  | ClusterRole
  | RoleBinding
  | ClusterRoleBinding;
export type Workload = Job | Deployment;

export interface ObjectsByKind {
  Cluster: Cluster;
  Namespace: Namespace;
  Job: Job;
  Deployment: Deployment;
  FilterPolicy: FilterPolicy;
  Queue: Queue;
  PriorityClass: PriorityClass;
  Lease: Lease;
  Role: Role;
  ClusterRole: ClusterRole;
  RoleBinding: RoleBinding;
  ClusterRoleBinding: ClusterRoleBinding;
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
