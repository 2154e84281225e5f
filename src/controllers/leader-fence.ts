/**
 * What one term of leadership may touch. Every write its controllers make, to the API or to a
 * member cluster, passes the fence first (refused with NotLeaderError once the term is over or its
 * lease could have run out), and every
 * event handler they register on the shared caches goes when the term ends, so the next term's
 * fresh controllers are the only ones listening.
 */
import type { ClusterManager } from '../cluster-managers/types.js';
import type { ConditionUpdate } from '../domain/conditions.js';
import type { ClusterReplicaStatus, ClusterStatus, QueueStatus, SkyObject, Workload } from '../domain/types.js';
import type {
  ClusterAccess,
  AdmissionDecision,
  AdmissionWriter,
  ClusterStatusWriter,
  Listers,
  PlacementDecision,
  QueueStatusWriter,
  WatchedCache,
  WorkloadStatusWriter,
} from './listers.js';

export type Writers = ClusterStatusWriter & WorkloadStatusWriter & AdmissionWriter & QueueStatusWriter;

const NOT_LEADING = 'this controller manager no longer leads';

/** A write of a term that no longer leads (or of a Skylet whose cluster lease is gone): nothing was sent. */
export class NotLeaderError extends Error {
  constructor(what: string, why = NOT_LEADING) {
    super(`not written: ${what}: ${why}`);
    this.name = 'NotLeaderError';
  }
}

/** `writer`, each write refused unless `leads()` holds when it is sent. */
export function fencedWriters(writer: Writers, leads: () => boolean, why = NOT_LEADING): Writers {
  const check = (what: string) => {
    if (!leads()) throw new NotLeaderError(what, why);
  };
  return {
    async updateClusterStatus(name: string, status: ClusterStatus) {
      check(`status of Cluster ${name}`);
      await writer.updateClusterStatus(name, status);
    },
    async setPlacements(workload: Workload, decision: PlacementDecision) {
      check(`placements of ${workload.kind} ${workload.metadata.name}`);
      await writer.setPlacements(workload, decision);
    },
    async reportReplicas(workload: Workload, entry: ClusterReplicaStatus, conditions: readonly ConditionUpdate[]) {
      check(`replicas of ${workload.kind} ${workload.metadata.name} on ${entry.cluster}`);
      await writer.reportReplicas(workload, entry, conditions);
    },
    async setAdmission(workload: Workload, decision: AdmissionDecision) {
      check(`admission of ${workload.kind} ${workload.metadata.name}`);
      await writer.setAdmission(workload, decision);
    },
    async updateQueueStatus(name: string, status: QueueStatus) {
      check(`status of Queue ${name}`);
      await writer.updateQueueStatus(name, status);
    },
  };
}

/**
 * `manager`, its changes to the member cluster (submit, delete, a new namespace) refused unless
 * `leads()` holds when they are made; reads, logs and close pass. Managers' submits are idempotent
 * besides, so even two holders for a moment start no replica twice.
 */
export function fencedManager(manager: ClusterManager, cluster: string, leads: () => boolean, why = NOT_LEADING): ClusterManager {
  const check = (what: string) => {
    if (!leads()) throw new NotLeaderError(`${what} on cluster ${cluster}`, why);
  };
  return {
    capabilities: manager.capabilities,
    capacity: () => manager.capacity(),
    async submit(workload, replicas, options) {
      check(`submit of ${workload.kind} ${workload.metadata.name}`);
      await manager.submit(workload, replicas, options);
    },
    status: (workloads) => manager.status(workloads),
    ...(manager.onStatusChange ? { onStatusChange: (listener: () => void) => manager.onStatusChange!(listener) } : {}),
    list: () => manager.list(),
    async delete(workload) {
      check(`delete of ${workload.kind} ${workload.name}`);
      await manager.delete(workload);
    },
    logs: (workload, options) => manager.logs(workload, options),
    async ensureNamespace(namespace) {
      check(`namespace ${namespace}`);
      await manager.ensureNamespace(namespace);
    },
    close: () => manager.close(),
  };
}

/** Listers whose handlers all come off the shared caches at `dispose()`. */
export class ListenerScope {
  private readonly removals: (() => void)[] = [];

  constructor(private readonly listers: Listers) {}

  /** The listers as one term sees them. */
  scoped(): Listers {
    const { listers } = this;
    return {
      clusters: this.watched(listers.clusters),
      filterPolicies: this.watched(listers.filterPolicies),
      queues: this.watched(listers.queues),
      priorityClasses: this.watched(listers.priorityClasses),
      namespaces: this.watched(listers.namespaces),
      workload: (key) => listers.workload(key),
      workloads: () => listers.workloads(),
      onWorkload: (handler) => {
        const off = listers.onWorkload(handler);
        this.removals.push(off);
        return off;
      },
      clusterAccess: listers.clusterAccess && this.scopedAccess(listers.clusterAccess),
    };
  }

  private scopedAccess(access: ClusterAccess): ClusterAccess {
    return {
      mayUse: (workload, cluster) => access.mayUse(workload, cluster),
      onChange: (handler) => {
        const off = access.onChange(handler);
        this.removals.push(off);
        return off;
      },
    };
  }

  /** Takes every handler registered through `scoped()` off the caches. */
  dispose(): void {
    for (const remove of this.removals.splice(0)) remove();
  }

  private watched<T extends SkyObject>(cache: WatchedCache<T>): WatchedCache<T> {
    const removals = this.removals;
    const view: WatchedCache<T> = {
      get: (name, namespace) => cache.get(name, namespace),
      list: (namespace) => cache.list(namespace),
      on(event, handler) {
        cache.on(event, handler);
        removals.push(() => cache.off(event, handler));
        return view;
      },
      off(event, handler) {
        cache.off(event, handler);
        return view;
      },
    };
    return view;
  }
}
