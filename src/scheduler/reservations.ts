/**
 * Capacity the scheduler has handed out but the cluster has not reported as used yet. Without it a
 * burst of jobs, placed faster than clusters refresh their status, would all see the same free
 * capacity and over-commit the cluster. The scheduler controller holds each placement here until
 * the cluster reports the replicas, and places every workload against `apply(clusters)`.
 */
import type { Cluster, ClusterPlacement, NodeStatus, Resources } from '../domain/types.js';
import { nodeCanHost, replicasFitting, subtractReplica } from './node-fit.js';

/** Replicas of one size placed on one cluster and not yet counted in its reported capacity. */
export interface InFlightReplicas {
  cluster: string;
  resources: Resources;
  replicas: number;
}

type Held = Omit<InFlightReplicas, 'cluster'>;

function roomiest(nodes: NodeStatus[], request: Resources): NodeStatus | undefined {
  let best: NodeStatus | undefined;
  let bestRoom = 0;
  for (const node of nodes) {
    if (!nodeCanHost(node, request)) continue;
    const room = replicasFitting(node.allocatable, request);
    if (room > bestRoom) [best, bestRoom] = [node, room];
  }
  return best;
}

/**
 * A copy of the cluster with the held replicas charged to its nodes and totals. Each replica goes
 * to the node with the most room for it, where a least-allocated scheduler (Kubernetes' default)
 * would put it. Replicas that fit on no node are not charged: the cluster cannot start them either.
 */
function charge(cluster: Cluster, held: Iterable<Held>): Cluster {
  const nodes = cluster.status.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable } }));
  let allocatable = cluster.status.allocatable;
  for (const { resources, replicas } of held) {
    for (let i = 0; i < replicas; i++) {
      const node = roomiest(nodes, resources);
      if (!node) break;
      node.allocatable = subtractReplica(node.allocatable, resources);
      allocatable = subtractReplica(allocatable, resources);
    }
  }
  return { ...cluster, status: { ...cluster.status, nodes, allocatable } };
}

/**
 * The ledger of in-flight placements, keyed by workload ("jobs/default/hello"). Holding a
 * workload again replaces its previous hold, so re-placing after an eviction never counts twice.
 *
 * `apply` runs before every placement, against a thousand clusters and thousands of holds, so it
 * recharges only the clusters whose holds or reported status changed since the last call.
 */
export class Reservations {
  /** cluster name → workload key → what that workload holds there. */
  private readonly byCluster = new Map<string, Map<string, Held>>();
  /** workload key → the clusters it holds capacity on. */
  private readonly clustersOf = new Map<string, Set<string>>();
  /** cluster name → the last charged copy, and the reported object it was made from. */
  private readonly charged = new Map<string, { reported: Cluster; result: Cluster }>();

  hold(workloadKey: string, resources: Resources, placements: readonly ClusterPlacement[]): void {
    this.forget(workloadKey);
    for (const { cluster, replicas } of placements) {
      if (!this.byCluster.has(cluster)) this.byCluster.set(cluster, new Map());
      this.byCluster.get(cluster)!.set(workloadKey, { resources, replicas });
      this.charged.delete(cluster);
    }
    this.clustersOf.set(workloadKey, new Set(placements.map((p) => p.cluster)));
  }

  /** The cluster now reports the workload's replicas (or the workload is gone from it). */
  release(workloadKey: string, cluster: string): void {
    const held = this.byCluster.get(cluster);
    if (!held?.delete(workloadKey)) return;
    if (held.size === 0) this.byCluster.delete(cluster);
    this.charged.delete(cluster);
    const clusters = this.clustersOf.get(workloadKey)!;
    clusters.delete(cluster);
    if (clusters.size === 0) this.clustersOf.delete(workloadKey);
  }

  /** The workload was deleted or is placed from scratch: drop every hold it has. */
  forget(workloadKey: string): void {
    for (const cluster of this.clustersOf.get(workloadKey) ?? []) this.release(workloadKey, cluster);
  }

  inFlight(): InFlightReplicas[] {
    return [...this.byCluster].flatMap(([cluster, held]) => [...held.values()].map((h) => ({ cluster, ...h })));
  }

  /** The clusters as the scheduler should see them: reported figures minus what is in flight. */
  apply(clusters: readonly Cluster[]): Cluster[] {
    return clusters.map((cluster) => {
      const name = cluster.metadata.name;
      const held = this.byCluster.get(name);
      if (!held) return cluster;
      const cached = this.charged.get(name);
      if (cached?.reported === cluster) return cached.result;
      const result = charge(cluster, held.values());
      this.charged.set(name, { reported: cluster, result });
      return result;
    });
  }
}
