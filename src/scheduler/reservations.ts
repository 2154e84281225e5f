/**
 * Capacity the scheduler has handed out but the cluster has not reported as used yet. Without it a
 * burst of jobs, placed faster than clusters refresh their status, would all see the same free
 * capacity and over-commit the cluster. The scheduler controller holds each placement here until
 * the cluster reports the replicas, and places every workload against `apply(clusters)`.
 */
import type { Cluster, ClusterPlacement, Resources } from '../domain/types.js';
import { nodeCanHost, replicasFitting, subtractReplicas } from './node-fit.js';

/** Replicas of one size placed on one cluster and not yet counted in its reported capacity. */
export interface InFlightReplicas {
  cluster: string;
  resources: Resources;
  replicas: number;
}

type Held = Omit<InFlightReplicas, 'cluster'>;

/**
 * How many of `count` replicas each node gets when every replica goes to the node with the most
 * room for it (ties to the earlier node), computed at once rather than replica by replica. That
 * rule levels the nodes: every node ends at some level L or below where it started, and the few
 * replicas left over at L go one each to the first nodes at L. Rooms of nodes that cannot host
 * the request are 0.
 */
export function roomiestFirst(rooms: readonly number[], count: number): number[] {
  const total = rooms.reduce((sum, r) => sum + r, 0);
  if (count >= total) return [...rooms];
  const most = rooms.reduce((max, r) => Math.max(max, r), 0);
  if (!Number.isSafeInteger(most)) {
    // A room past 2^53 (a request of almost nothing) does not shrink by one in floating point:
    // one at a time, every replica would go to that node.
    const taken = rooms.map(() => 0);
    taken[rooms.indexOf(most)] = count;
    return taken;
  }
  const above = (level: number) => rooms.reduce((sum, r) => sum + Math.max(0, r - level), 0);
  // The lowest level whose surplus does not exceed `count`; above(most) = 0 <= count.
  let low = 0;
  let high = most;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (above(mid) <= count) high = mid;
    else low = mid + 1;
  }
  const taken = rooms.map((r) => Math.max(0, r - low));
  let left = count - above(low);
  for (let i = 0; i < rooms.length && left > 0; i++) {
    if (rooms[i] >= low && low > 0) {
      taken[i]++;
      left--;
    }
  }
  return taken;
}

/**
 * A copy of the cluster with the held replicas charged to its nodes and totals. Each replica goes
 * to the node with the most room for it, where a least-allocated scheduler (Kubernetes' default)
 * would put it. Replicas that fit on no node are not charged: the cluster cannot start them either.
 * A replica that asks for nothing changes no figure.
 */
function charge(cluster: Cluster, held: Iterable<Held>): Cluster {
  const nodes = cluster.status.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable } }));
  let allocatable = cluster.status.allocatable;
  for (const { resources, replicas } of held) {
    const rooms = nodes.map((n) => (nodeCanHost(n, resources) ? replicasFitting(n.allocatable, resources) : 0));
    if (rooms.some((r) => r === Infinity)) continue;
    const taken = roomiestFirst(rooms, replicas);
    let charged = 0;
    nodes.forEach((node, i) => {
      if (taken[i] === 0) return;
      node.allocatable = subtractReplicas(node.allocatable, resources, taken[i]);
      charged += taken[i];
    });
    allocatable = subtractReplicas(allocatable, resources, charged);
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
  /**
   * The last apply's input and answer: admission asks again over the same array after every hold,
   * and then only the clusters whose holds changed since (`dirty`) are looked at.
   */
  private last?: { input: readonly Cluster[]; output: Cluster[]; index?: Map<string, number> };
  private readonly dirty = new Set<string>();

  hold(workloadKey: string, resources: Resources, placements: readonly ClusterPlacement[]): void {
    this.forget(workloadKey);
    for (const { cluster, replicas } of placements) {
      if (!this.byCluster.has(cluster)) this.byCluster.set(cluster, new Map());
      this.byCluster.get(cluster)!.set(workloadKey, { resources, replicas });
      this.charged.delete(cluster);
      this.dirty.add(cluster);
    }
    this.clustersOf.set(workloadKey, new Set(placements.map((p) => p.cluster)));
  }

  /** The cluster now reports the workload's replicas (or the workload is gone from it). */
  release(workloadKey: string, cluster: string): void {
    const held = this.byCluster.get(cluster);
    if (!held?.delete(workloadKey)) return;
    if (held.size === 0) this.byCluster.delete(cluster);
    this.charged.delete(cluster);
    this.dirty.add(cluster);
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
    const last = this.last;
    let output: Cluster[];
    if (last?.input === clusters) {
      // The same clusters as last time: copy that answer, recharge what changed. (A new array each
      // time, so an answer handed out earlier never changes under its holder.)
      last.index ??= new Map(clusters.map((c, i) => [c.metadata.name, i]));
      output = this.dirty.size === 0 ? last.output : last.output.slice();
      for (const name of this.dirty) {
        const i = last.index.get(name);
        if (i !== undefined) output[i] = this.chargedCopy(clusters[i]);
      }
      last.output = output;
    } else {
      output = clusters.map((cluster) => this.chargedCopy(cluster));
      this.last = { input: clusters, output };
    }
    this.dirty.clear();
    return output;
  }

  private chargedCopy(cluster: Cluster): Cluster {
    const name = cluster.metadata.name;
    const held = this.byCluster.get(name);
    if (!held) return cluster;
    const cached = this.charged.get(name);
    if (cached?.reported === cluster) return cached.result;
    const result = charge(cluster, held.values());
    this.charged.set(name, { reported: cluster, result });
    return result;
  }
}
