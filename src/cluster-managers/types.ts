/**
 * The one interface between Sky Manager and a member cluster (shaped like Nomad's DriverPlugin):
 * each implementation is the only code that speaks its cluster's API, so adding a manager (Ray,
 * Nomad) touches neither the scheduler nor the API. Only the controller manager calls it.
 *
 * Every call is idempotent, because controllers reconcile level-triggered and may repeat any step
 * after a crash: a workload's replicas get deterministic names and labels in the member cluster,
 * `submit` creates only what is missing and `delete` of something absent succeeds.
 */
import type { ManagerCapabilities } from '../domain/manager-capabilities.js';
import type { ClusterReplicaStatus, ClusterStatus, Workload } from '../domain/types.js';
import type { WorkloadRef } from '../domain/object-ref.js';

/** What a manager can do (DriverPlugin.Capabilities), declared per manager in the domain. */
export type { ManagerCapabilities } from '../domain/manager-capabilities.js';

/** The cluster's figures as a Skylet's ClusterHealth writes them into the Cluster's status. */
export type ClusterCapacity = Pick<ClusterStatus, 'capacity' | 'allocatable' | 'nodes' | 'acceleratorTypes' | 'releases'>;

export type ReplicaState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ReplicaReport {
  /** 0-based within this cluster; together with the cluster name it identifies the replica. */
  index: number;
  state: ReplicaState;
  exitCode?: number;
  /** How often the replica was started again after it exited. */
  restarts: number;
  /** RFC 3339. */
  startTime?: string;
  finishTime?: string;
  message?: string;
}

/** One workload as the cluster sees it: the counts of the workload's status, plus each replica. */
export interface WorkloadReport extends Omit<ClusterReplicaStatus, 'cluster'> {
  ref: WorkloadRef;
  replicas: ReplicaReport[];
}

export interface LogOptions {
  /** Only the last `tail` lines of each replica's log so far. */
  tail?: number;
  /** Keep yielding new lines until every replica has finished or `signal` aborts. */
  follow?: boolean;
  /** Ends a follow; a GraphQL subscription passes the one aborted when its client goes away. */
  signal?: AbortSignal;
}

export interface LogLine {
  replica: number;
  line: string;
}

export interface SubmitOptions {
  /**
   * Global index of this cluster's first replica: replicas are numbered across all clusters in
   * placement order, so `SKY_REPLICA_INDEX` is unique for the whole workload (cluster a runs
   * 0..2, cluster b 3). Reports still number replicas from 0 within the cluster.
   */
  firstReplicaIndex?: number;
}

export interface ClusterManager {
  readonly capabilities: ManagerCapabilities;

  /** Totals, what is free now, and per-node figures (the scheduler fits replicas on real nodes). */
  capacity(): Promise<ClusterCapacity>;

  /**
   * Makes the cluster run `replicas` replicas of the workload: starts the missing ones, stops the
   * ones above the count, and leaves running ones alone. Calling it again changes nothing.
   */
  submit(workload: Workload, replicas: number, options?: SubmitOptions): Promise<void>;

  /** Reports keyed by `describeRef(ref)` ("jobs/default/hello"); workloads it does not have are absent. */
  status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>>;

  /**
   * Calls `listener` whenever the state of the workloads it runs may have changed (its watch
   * caches saw an event), so the Skylet reports at once instead of at its next poll; returns the
   * unsubscribe. Managers without such a signal leave it out, and are polled only.
   */
  onStatusChange?(listener: () => void): () => void;

  /** Every workload the cluster runs for Sky, so a restarted controller can find orphans to delete. */
  list(): Promise<WorkloadRef[]>;

  /** Stops every replica and removes the workload from the cluster; absent is fine. */
  delete(workload: WorkloadRef): Promise<void>;

  logs(workload: WorkloadRef, options?: LogOptions): AsyncIterable<LogLine>;

  /** Creates the namespace in the member cluster if it is absent. */
  ensureNamespace(namespace: string): Promise<void>;

  /** Releases connections and timers. Replicas keep running: they belong to the cluster. */
  close(): Promise<void>;
}

/** What every manager is given besides its Cluster object. */
export interface ManagerOptions {
  /** Where a manager may keep files (the local manager's replica state and logs). */
  stateDir: string;
}
