/**
 * The seams between controllers and the API, as in sample-controller: controllers read only
 * listers (watch-fed caches) and change the world only through writers. SharedCaches implements
 * them over the API's informers; unit tests hand in fakes (test/helpers/fake-listers.ts), seed
 * them, reconcile once and assert the writes.
 */
import type { InformerHandlers, ObjectCache } from '../client/informer.js';
import type { Cluster, ClusterStatus, FilterPolicy, SkyObject, Workload, WorkloadStatus } from '../domain/types.js';

/** A cache a controller reads and whose changes it hears about (an Informer is one). */
export interface WatchedCache<T extends SkyObject> extends ObjectCache<T> {
  on<E extends 'add' | 'update' | 'delete'>(event: E, handler: InformerHandlers<T>[E]): this;
  off<E extends 'add' | 'update' | 'delete'>(event: E, handler: InformerHandlers<T>[E]): this;
}

/** Everything the scheduler and the Skylets read. */
export interface Listers {
  clusters: WatchedCache<Cluster>;
  filterPolicies: WatchedCache<FilterPolicy>;
  /** By work-queue key ("Job/default/hello"). */
  workload(key: string): Workload | undefined;
  workloads(): Workload[];
  /** Calls `handler` on every add, update and delete of a Job or Deployment; returns the unsubscribe. */
  onWorkload(handler: (workload: Workload, old?: Workload) => void): () => void;
}

/** The one write a cluster's health probe makes. */
export interface ClusterStatusWriter {
  updateClusterStatus(name: string, status: ClusterStatus): Promise<void>;
}

/** Status writes of workloads (compare-and-swap on the version the workload was read at). */
export interface WorkloadStatusWriter {
  writeStatus(workload: Workload, status: WorkloadStatus): Promise<void>;
}
