/**
 * The capacity model over real clusters: the scheduler's own placement (src/scheduler/place.ts)
 * asked whether a workload would fit, against the clusters as reported minus what is placed and
 * not reported yet (the caller's Reservations) minus what this cycle already admitted or held.
 * Admission and placement thus agree on what fits, and a gang Job is admitted only when all its
 * replicas could start together.
 */
import type { Cluster, FilterPolicy, Resources, Workload } from '../domain/types.js';
import { replicaRoom } from '../scheduler/node-fit.js';
import type { BurstGate } from '../bursting/burst-gate.js';
import { describeWait } from '../bursting/describe-wait.js';
import { placeUnderGate } from '../bursting/place-under-gate.js';
import { Reservations } from '../scheduler/reservations.js';
import type { CapacityModel } from './capacity.js';
import type { Vector } from './quota.js';

/** What the capacity model asks of the burst gates (src/controllers/burst-gates.ts). */
export interface CapacityGates {
  gate(workload: Workload, now: number): BurstGate | undefined;
  estimateStart(workload: Workload, tier: readonly string[], now: number): number | undefined;
}

export class ClusterCapacity implements CapacityModel {
  private readonly cycle = new Reservations();
  private holds = 0;

  /** `clusters`: as reported, with what is placed and not reported yet already charged. */
  constructor(
    private readonly clusters: readonly Cluster[],
    private readonly filterPolicies: readonly FilterPolicy[],
    private readonly now: number,
    /** Who may use which cluster, as placement will ask; absent: everyone may use every cluster. */
    private readonly access?: { mayUse(workload: Workload, cluster: string): boolean },
    /** The waiting policies, as placement will apply them; absent: costs play no part. */
    private readonly gates?: CapacityGates,
  ) {}

  /** The soonest a closed burst gate seen this cycle opens (ms): work parked behind it must be looked at again then. */
  nextGateOpening = Infinity;

  /** The clusters minus this cycle's holds, made again only after a hold (probes outnumber holds). */
  private view?: Cluster[];

  private current(): Cluster[] {
    this.view ??= this.cycle.apply(this.clusters);
    return this.view;
  }

  /** The last plan `fits` made, which `reserve` takes when asked for the same right after. */
  private last?: { workload: Workload; replicas: number; placements: { cluster: string; replicas: number }[] };

  private plan(workload: Workload, replicas: number, clusters: readonly Cluster[]) {
    const { access } = this;
    const mayUse = access && ((cluster: string) => access.mayUse(workload, cluster));
    const { gates, now } = this;
    const input = { workload, clusters, filterPolicies: this.filterPolicies, replicas, now, explain: false, mayUse };
    const { result, gate } = placeUnderGate(input, gates?.gate(workload, now), gates && ((tier) => gates.estimateStart(workload, tier, now)));
    if (gate && !gate.open && gate.until < this.nextGateOpening) this.nextGateOpening = gate.until;
    this.waiting = gate && !gate.open && result.unplaced > 0 && result.waitingFor ? { workload, gate, tier: result.waitingFor } : undefined;
    return result;
  }

  /** The last plan's workload, when its burst gate kept it on the cheapest tier. */
  private waiting?: { workload: Workload; gate: BurstGate; tier: string[] };

  waitingReason(workload: Workload): string | undefined {
    const w = this.waiting;
    if (!w || w.workload !== workload) return undefined;
    return describeWait(workload, w.gate, w.tier, this.clusters, this.now);
  }

  fits(workload: Workload, replicas: number): boolean {
    if (replicas <= 0) return true;
    const result = this.plan(workload, replicas, this.current());
    this.last = { workload, replicas, placements: result.placements };
    return result.unplaced === 0;
  }

  reserve(workload: Workload, replicas: number): void {
    if (replicas <= 0) return;
    const last = this.last;
    const placements = last && last.workload === workload && last.replicas === replicas ? last.placements : this.plan(workload, replicas, this.current()).placements;
    this.take(workload.spec.resources, placements);
  }

  /** The clusters with nothing running, made once: every starving head a cycle holds for asks. */
  private empty?: Cluster[];

  hold(workload: Workload, replicas: number): void {
    // Where it would go on empty clusters; there, hold what is free now, up to its share.
    this.empty ??= this.clusters.map((c) => ({ ...c, status: { ...c.status, allocatable: c.status.capacity, nodes: c.status.nodes.map((n) => ({ ...n, allocatable: n.capacity })) } }));
    const { placements } = this.plan(workload, replicas, this.empty);
    const now = new Map(this.current().map((c) => [c.metadata.name, c]));
    const held = placements
      .map((p) => ({ cluster: p.cluster, replicas: Math.min(p.replicas, replicaRoom(now.get(p.cluster)!, workload.spec.resources)) }))
      .filter((p) => p.replicas > 0 && Number.isFinite(p.replicas));
    this.take(workload.spec.resources, held);
  }

  fitsWithout(workload: Workload, replicas: number, removed: readonly Workload[], cluster?: string): boolean {
    let clusters = this.current().map((c) => credit(c, removed));
    if (cluster !== undefined) clusters = clusters.filter((c) => c.metadata.name === cluster);
    return this.plan(workload, replicas, clusters).unplaced === 0;
  }

  totals(): Vector {
    const total: Vector = new Map([
      ['cpu', 0],
      ['memory', 0],
      ['gpu', 0],
    ]);
    for (const c of this.clusters) {
      if (c.status.phase !== 'READY') continue;
      total.set('cpu', total.get('cpu')! + c.status.capacity.cpu);
      total.set('memory', total.get('memory')! + c.status.capacity.memory);
      total.set('gpu', total.get('gpu')! + c.status.capacity.gpu);
    }
    return total;
  }

  private take(resources: Resources, placements: readonly { cluster: string; replicas: number }[]): void {
    // Any plan or view made before this no longer holds.
    this.last = undefined;
    this.view = undefined;
    if (placements.length > 0) this.cycle.hold(`cycle/${this.holds++}`, resources, placements);
  }
}

/**
 * The cluster with the replicas `removed` run there given back. Each replica's resources go back
 * to the node with the most of them free that can host it (where the cluster's own scheduler most
 * likely put it: the figures are an estimate, as the nodes do not report who runs where).
 */
function credit(cluster: Cluster, removed: readonly Workload[]): Cluster {
  const name = cluster.metadata.name;
  const back = removed.flatMap((w) => w.status.placements.filter((p) => p.cluster === name).map((p) => ({ r: w.spec.resources, n: p.replicas })));
  if (back.length === 0) return cluster;
  const nodes = cluster.status.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable } }));
  const allocatable = { ...cluster.status.allocatable };
  for (const { r, n } of back) {
    allocatable.cpu += r.cpu * n;
    allocatable.memory += r.memory * n;
    allocatable.gpu += r.gpu * n;
    for (let i = 0; i < n && nodes.length > 0; i++) {
      const hosts = nodes.filter((node) => node.ready && (!r.accelerator || node.allocatable.accelerator === r.accelerator));
      const node = (hosts.length > 0 ? hosts : nodes).reduce((a, b) => (b.capacity.cpu - b.allocatable.cpu > a.capacity.cpu - a.allocatable.cpu ? b : a));
      node.allocatable.cpu = Math.min(node.capacity.cpu, node.allocatable.cpu + r.cpu);
      node.allocatable.memory = Math.min(node.capacity.memory, node.allocatable.memory + r.memory);
      node.allocatable.gpu = Math.min(node.capacity.gpu, node.allocatable.gpu + r.gpu);
    }
  }
  return { ...cluster, status: { ...cluster.status, allocatable, nodes } };
}
