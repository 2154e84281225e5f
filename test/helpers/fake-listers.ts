/**
 * Fakes of the controllers' seams (src/controllers/listers.ts) for unit tests, in the manner of
 * sample-controller's controller_test.go: seed the listers, reconcile once, assert the writes.
 * - FakeCache: an Informer's cache and handlers without the API; `apply`/`remove` change it and
 *   tell the handlers, as a watch event would.
 * - FakeListers: the Listers of one controller-manager process (clusters, filter policies,
 *   queues, priority classes, namespaces, jobs, deployments).
 * - FakeWriters: the status writers; every accepted write is recorded in order, and when given
 *   listers a write lands there as the API's watch would bring it back (a new resourceVersion,
 *   an update event). Workload writes are the API's field-scoped ones, with its preconditions and
 *   its derived phase (the same pure functions, src/domain/workload-status.ts). `failNext` makes
 *   the next matching write throw.
 */
import type { InformerHandlers } from '../../src/client/informer.js';
import {
  WorkloadListers,
  type ClusterAccess,
  type AdmissionDecision,
  type AdmissionWriter,
  type ClusterStatusWriter,
  type Listers,
  type PlacementDecision,
  type QueueStatusWriter,
  type WatchedCache,
  type WorkloadStatusWriter,
} from '../../src/controllers/listers.js';
import type { ConditionUpdate } from '../../src/domain/conditions.js';
import { ConflictError } from '../../src/domain/errors.js';
import type {
  Cluster,
  ClusterReplicaStatus,
  ClusterStatus,
  Deployment,
  FilterPolicy,
  Job,
  Namespace,
  PriorityClass,
  Queue,
  QueueStatus,
  SkyObject,
  Workload,
  WorkloadStatus,
} from '../../src/domain/types.js';
import { cacheKey, describeRef, refKey, refOf } from '../../src/domain/object-ref.js';
import {
  applyAdmissionDecision,
  applyPlacementDecision,
  applyReplicaReport,
  staleAdmissionDecision,
  stalePlacementDecision,
  withDerivedFields,
} from '../../src/domain/workload-status.js';

/** The time derived fields and new conditions get in the fakes' writes. */
export const NOW = '2026-12-01T12:00:00.000Z';

type CacheEvent = 'add' | 'update' | 'delete';

export class FakeCache<T extends SkyObject> implements WatchedCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers: { [E in CacheEvent]: InformerHandlers<T>[E][] } = { add: [], update: [], delete: [] };

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(namespace === undefined ? name : `${namespace}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  on<E extends CacheEvent>(event: E, handler: InformerHandlers<T>[E]): this {
    this.handlers[event].push(handler);
    return this;
  }

  off<E extends CacheEvent>(event: E, handler: InformerHandlers<T>[E]): this {
    const list = this.handlers[event];
    const at = list.indexOf(handler);
    if (at >= 0) list.splice(at, 1);
    return this;
  }

  /** How many handlers listen, so a test can check that a controller unsubscribed. */
  listenerCount(): number {
    return this.handlers.add.length + this.handlers.update.length + this.handlers.delete.length;
  }

  /** Puts objects in the cache without events: what the informer's first list held. */
  seed(...objects: T[]): this {
    for (const o of objects) this.objects.set(cacheKey(o.metadata), o);
    return this;
  }

  /** Adds or replaces an object and tells the handlers (add, or update with the old object). */
  apply(object: T): void {
    const key = cacheKey(object.metadata);
    const old = this.objects.get(key);
    this.objects.set(key, object);
    if (old) for (const h of [...this.handlers.update]) h(object, old);
    else for (const h of [...this.handlers.add]) h(object);
  }

  /** Deletes an object (absent is fine) and tells the handlers with its last state. */
  remove(name: string, namespace?: string): void {
    const key = namespace === undefined ? name : `${namespace}/${name}`;
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    for (const h of [...this.handlers.delete]) h(old);
  }
}

export class FakeListers extends WorkloadListers implements Listers {
  readonly clusters = new FakeCache<Cluster>();
  readonly filterPolicies = new FakeCache<FilterPolicy>();
  readonly queues = new FakeCache<Queue>();
  readonly priorityClasses = new FakeCache<PriorityClass>();
  readonly namespaces = new FakeCache<Namespace>();
  clusterAccess?: ClusterAccess;
  readonly jobs = new FakeCache<Job>();
  readonly deployments = new FakeCache<Deployment>();

  /** Seeds each object into the cache of its kind, without events. */
  seed(...objects: SkyObject[]): this {
    for (const o of objects) this.cacheOf(o).seed(o);
    return this;
  }

  /** Adds or replaces an object in the cache of its kind and tells that cache's handlers. */
  apply(object: SkyObject): void {
    this.cacheOf(object).apply(object);
  }

  remove(object: SkyObject): void {
    this.cacheOf(object).remove(object.metadata.name, object.metadata.namespace);
  }

  /** Handlers listening on any cache. */
  listenerCount(): number {
    return [this.clusters, this.filterPolicies, this.queues, this.priorityClasses, this.namespaces, this.jobs, this.deployments].reduce((n, c) => n + c.listenerCount(), 0);
  }

  private cacheOf(object: SkyObject): FakeCache<any> {
    switch (object.kind) {
      case 'Cluster':
        return this.clusters;
      case 'FilterPolicy':
        return this.filterPolicies;
      case 'Queue':
        return this.queues;
      case 'PriorityClass':
        return this.priorityClasses;
      case 'Namespace':
        return this.namespaces;
      case 'Job':
        return this.jobs;
      case 'Deployment':
        return this.deployments;
      default:
        throw new Error(`FakeListers holds no ${(object as SkyObject).kind} objects`);
    }
  }
}

/** One accepted status write. `resourceVersion`: the version the workload was read at. */
export type RecordedWrite =
  | { type: 'clusterStatus'; name: string; status: ClusterStatus }
  | { type: 'placements'; key: string; decision: PlacementDecision }
  | { type: 'admission'; key: string; decision: AdmissionDecision }
  | { type: 'queueStatus'; name: string; status: QueueStatus }
  | { type: 'replicaReport'; key: string; entry: ClusterReplicaStatus; conditions: ConditionUpdate[] };

export interface FakeWritersOptions {
  /** Where accepted writes land (as the watch would bring them back); none: only recorded. */
  listers?: FakeListers;
}

export class FakeWriters implements ClusterStatusWriter, WorkloadStatusWriter, AdmissionWriter, QueueStatusWriter {
  /** Accepted writes, in order. */
  readonly writes: RecordedWrite[] = [];
  /** Writes that threw (failNext, or a stale version), in order. */
  readonly rejected: Array<{ write: RecordedWrite; error: Error }> = [];
  private readonly failures: Array<{ error: Error; match: (write: RecordedWrite) => boolean }> = [];
  private version = 1000;

  constructor(private readonly options: FakeWritersOptions = {}) {}

  /** The next write that `match`es (default: any) throws `error` instead of landing. */
  failNext(error: Error, match: (write: RecordedWrite) => boolean = () => true): this {
    this.failures.push({ error, match });
    return this;
  }

  async updateClusterStatus(name: string, status: ClusterStatus): Promise<void> {
    this.record({ type: 'clusterStatus', name, status }, () => {
      const listers = this.options.listers;
      const cluster = listers?.clusters.get(name);
      if (cluster) listers!.apply(this.bumped(cluster, status));
    });
  }

  /** As the API server does: refused when the spec generation or placements moved on; the phase follows. */
  async setPlacements(workload: Workload, decision: PlacementDecision): Promise<void> {
    const key = refKey(refOf(workload));
    this.record({ type: 'placements', key, decision }, () => {
      this.land(key, (current) => {
        const stale = stalePlacementDecision(current, workload.metadata.generation, workload.status.placements);
        if (stale) throw new ConflictError(describeRef(refOf(workload)), stale, stale);
        return applyPlacementDecision(current.status, { ...decision, observedGeneration: workload.metadata.generation });
      });
    });
  }

  /** As the API server does: refused when the admission moved on from `decision.expected`; other owners' fields kept. */
  async setAdmission(workload: Workload, decision: AdmissionDecision): Promise<void> {
    const key = refKey(refOf(workload));
    this.record({ type: 'admission', key, decision }, () => {
      this.land(key, (current) => {
        const stale = staleAdmissionDecision(current, decision.expected);
        if (stale) throw new ConflictError(describeRef(refOf(workload)), stale, stale);
        const conditions = decision.conditions.map((c) => ({ ...c, lastTransitionTime: c.lastTransitionTime || NOW }));
        return applyAdmissionDecision(current.status, { ...decision, conditions });
      });
    });
  }

  async updateQueueStatus(name: string, status: QueueStatus): Promise<void> {
    this.record({ type: 'queueStatus', name, status }, () => {
      const listers = this.options.listers;
      const queue = listers?.queues.get(name);
      if (queue) listers!.apply(this.bumped(queue, status));
    });
  }

  async reportReplicas(workload: Workload, entry: ClusterReplicaStatus, conditions: readonly ConditionUpdate[]): Promise<void> {
    const key = refKey(refOf(workload));
    this.record({ type: 'replicaReport', key, entry, conditions: [...conditions] }, () => {
      this.land(key, (current) => applyReplicaReport(current.status, entry, conditions.map((c) => ({ ...c, lastTransitionTime: NOW }))));
    });
  }

  /** Applies a field-scoped write to the seeded workload, deriving the phase as the server does. */
  private land(key: string, change: (current: Workload) => WorkloadStatus): void {
    const listers = this.options.listers;
    if (!listers) return;
    const current = listers.workload(key);
    if (!current) throw new Error(`${key} not found`);
    listers.apply(this.bumped(current, withDerivedFields(current, change(current), NOW)));
  }

  /** Writes of one type, for tests that care about one writer only. */
  writesOf<T extends RecordedWrite['type']>(type: T): Extract<RecordedWrite, { type: T }>[] {
    return this.writes.filter((w): w is Extract<RecordedWrite, { type: T }> => w.type === type);
  }

  /**
   * Records `write` after `land` (which may throw, e.g. on a stale version) unless a failNext
   * matches first. New write methods (field-scoped status writes) go through here too.
   */
  protected record(write: RecordedWrite, land: () => void): void {
    const at = this.failures.findIndex((f) => f.match(write));
    try {
      if (at >= 0) throw this.failures.splice(at, 1)[0]!.error;
      land();
    } catch (error) {
      this.rejected.push({ write, error: error as Error });
      throw error;
    }
    this.writes.push(write);
  }

  /** `object` with `status` and the next resourceVersion, as the API returns a written object. */
  protected bumped<T extends SkyObject>(object: T, status: T['status']): T {
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.version) }, status };
  }
}
