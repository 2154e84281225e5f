/**
 * The seams between controllers and the API, as in sample-controller: controllers read only
 * listers (watch-fed caches) and change the world only through writers. SharedCaches implements
 * them over the API's informers; unit tests hand in fakes (test/helpers/fake-listers.ts), seed
 * them, reconcile once and assert the writes.
 */
import type { InformerHandlers, ObjectCache } from '../client/informer.js';
import type { ConditionUpdate } from '../domain/conditions.js';
import { parseWorkloadRefKey } from '../domain/object-ref.js';
import type {
  Admission,
  Cluster,
  ClusterPlacement,
  ClusterReplicaStatus,
  ClusterStatus,
  Condition,
  Deployment,
  Eviction,
  FilterPolicy,
  Job,
  Namespace,
  Preemption,
  PriorityClass,
  Queue,
  QueueStatus,
  SkyObject,
  Workload,
  WorkloadQueueStatus,
} from '../domain/types.js';

/** A cache a controller reads and whose changes it hears about (an Informer is one). */
export interface WatchedCache<T extends SkyObject> extends ObjectCache<T> {
  on<E extends 'add' | 'update' | 'delete'>(event: E, handler: InformerHandlers<T>[E]): this;
  off<E extends 'add' | 'update' | 'delete'>(event: E, handler: InformerHandlers<T>[E]): this;
}

/** Who may use which cluster, from Roles and bindings (src/controllers/cluster-access.ts). */
export interface ClusterAccess {
  /** Whether the workload may be placed on the cluster: true when no authenticated user is recorded as its creator. */
  mayUse(workload: Workload, cluster: string): boolean;
  /** Calls `handler` after any change of the access objects; returns the unsubscribe. */
  onChange(handler: () => void): () => void;
}

/** Everything the admission controller, the scheduler and the Skylets read. */
export interface Listers {
  clusters: WatchedCache<Cluster>;
  filterPolicies: WatchedCache<FilterPolicy>;
  queues: WatchedCache<Queue>;
  priorityClasses: WatchedCache<PriorityClass>;
  /** For the labels a queue's namespaceSelector matches. */
  namespaces: WatchedCache<Namespace>;
  /** Who may use which cluster (Roles and bindings); absent: every workload may use every cluster. */
  clusterAccess?: ClusterAccess;
  /** By work-queue key ("Job/default/hello"). */
  workload(key: string): Workload | undefined;
  workloads(): Workload[];
  /** Calls `handler` on every add, update and delete of a Job or Deployment; returns the unsubscribe. */
  onWorkload(handler: (workload: Workload, old?: Workload) => void): () => void;
}

/** The workload half of Listers, over one cache of Jobs and one of Deployments. */
export abstract class WorkloadListers {
  abstract readonly jobs: WatchedCache<Job>;
  abstract readonly deployments: WatchedCache<Deployment>;

  /** By work-queue key ("Job/default/hello"). */
  workload(key: string): Workload | undefined {
    const { kind, namespace, name } = parseWorkloadRefKey(key);
    return kind === 'Job' ? this.jobs.get(name, namespace) : this.deployments.get(name, namespace);
  }

  workloads(): Workload[] {
    return [...this.jobs.list(), ...this.deployments.list()];
  }

  /** Calls `handler` on every add, update and delete of a Job or Deployment; returns the unsubscribe. */
  onWorkload(handler: (workload: Workload, old?: Workload) => void): () => void {
    const add = (w: Workload) => handler(w);
    const update = (w: Workload, old: Workload) => handler(w, old);
    const caches = [this.jobs, this.deployments] as unknown as WatchedCache<Workload>[];
    for (const c of caches) c.on('add', add).on('update', update).on('delete', add);
    return () => {
      for (const c of caches) c.off('add', add).off('update', update).off('delete', add);
    };
  }
}

/** The one write a cluster's health probe makes. */
export interface ClusterStatusWriter {
  updateClusterStatus(name: string, status: ClusterStatus): Promise<void>;
}

/** The scheduler's decision about one workload: everything it owns in the status. */
export interface PlacementDecision {
  placements: ClusterPlacement[];
  evictions: Eviction[];
  /** Its conditions (Scheduled, Evicted), which replace the ones it wrote before. */
  conditions: Condition[];
}

/**
 * The field-scoped status writes of workloads, one per owner (see WorkloadStatus). Neither
 * conflicts with the other's writes; the server derives the phase.
 */
export interface WorkloadStatusWriter {
  /**
   * The scheduler's write. Refused with CONFLICT when the workload's spec generation or
   * placements are no longer the ones in `workload` (the decision was made from a stale view).
   */
  setPlacements(workload: Workload, decision: PlacementDecision): Promise<void>;
  /** A Skylet's write: its cluster's replicaStatus entry, and the conditions it owns. */
  reportReplicas(workload: Workload, entry: ClusterReplicaStatus, conditions: readonly ConditionUpdate[]): Promise<void>;
}

/** The admission controller's decision about one workload: everything it owns in the status. */
export interface AdmissionDecision {
  /** The admission it decided from (the workload's as read; undefined: not admitted). */
  expected: Admission | undefined;
  /** The new admission; undefined withdraws it (or leaves the workload unadmitted). */
  admission: Admission | undefined;
  /** Where it stands in its queue; undefined clears it. */
  queue: WorkloadQueueStatus | undefined;
  /** Appended to status.preemptions (the newest few are kept). */
  preemption?: Preemption;
  /** Its conditions (Admitted, Preempted), which replace the ones it wrote before. */
  conditions: Condition[];
}

/** The admission controller's workload write (setJobAdmission / setDeploymentAdmission). */
export interface AdmissionWriter {
  /**
   * Refused with CONFLICT when the workload's admission is no longer `decision.expected` (the
   * decision was made from a stale view); the scheduler's and Skylets' fields are left alone.
   */
  setAdmission(workload: Workload, decision: AdmissionDecision): Promise<void>;
}

/** The admission controller's queue write. */
export interface QueueStatusWriter {
  updateQueueStatus(name: string, status: QueueStatus): Promise<void>;
}
