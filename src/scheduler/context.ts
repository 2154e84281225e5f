/**
 * What filters, scorers and dividers look at while one workload is placed: the workload, its
 * parsed selectors, the FilterPolicies that govern it, and the plan so far. Selectors are parsed
 * once per placement, not once per cluster, because a placement visits every cluster.
 */
import type { BurstGate } from '../bursting/burst-gate.js';
import { pricePerHour } from '../bursting/price.js';
import { parseLabelSelector, selectorFromMap, type LabelSelector } from '../domain/selector.js';
import type { Cluster, ClusterPlacement, FilterPolicy, Resources, Workload } from '../domain/types.js';
import { replicaRoom } from './node-fit.js';

export interface GoverningPolicy {
  name: string;
  include: ReadonlySet<string>;
  exclude: ReadonlySet<string>;
  clusterSelector: LabelSelector;
}

export interface Preference {
  selector: LabelSelector;
  weight: number;
}

/**
 * The replicas chosen so far (Nomad's plan). Replicas are added in batches, a count per cluster,
 * so a plan costs the same for 4 replicas as for 100,000; plan filters read it so that each
 * selection sees the ones before it.
 */
export class Plan {
  // Keyed by the object, not its name: this is looked up for every cluster at every selection.
  private readonly counts = new Map<Cluster, number>();
  private placedTotal = 0;

  constructor(readonly replicas: number) {}

  /** Replicas this plan has given the cluster. */
  placedOn(cluster: Cluster): number {
    // Asked of every cluster before anything is placed (a lone replica's one pass).
    if (this.placedTotal === 0) return 0;
    return this.counts.get(cluster) ?? 0;
  }

  /** Replicas still to place. */
  get remaining(): number {
    return this.replicas - this.placedTotal;
  }

  /** Gives the cluster `count` more replicas (never more than remain to place). */
  add(cluster: Cluster, count = 1): void {
    if (!Number.isInteger(count) || count < 0 || count > this.remaining) {
      throw new RangeError(`cannot add ${count} replicas to a plan with ${this.remaining} left`);
    }
    if (count === 0) return;
    this.counts.set(cluster, this.placedOn(cluster) + count);
    this.placedTotal += count;
  }

  /** Sorted by cluster name so that equal plans print and compare equally. */
  placements(): ClusterPlacement[] {
    return [...this.counts]
      .map(([cluster, replicas]) => ({ cluster: cluster.metadata.name, replicas }))
      .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
  }
}

export interface SchedulingContext {
  readonly workload: Workload;
  /** What one replica asks for. */
  readonly request: Resources;
  /** FilterPolicies of the workload's namespace whose labelsSelector matches its labels. */
  readonly policies: readonly GoverningPolicy[];
  /** The workload's own placement.clusterSelector. */
  readonly clusterSelector: LabelSelector;
  readonly preferences: readonly Preference[];
  readonly plan: Plan;
  /** Milliseconds since the epoch at which this placement is decided (eviction backoffs). */
  readonly now: number;
  /** Whether the workload's creator may `use` the cluster; absent: every cluster (no authorization). */
  readonly mayUse?: (cluster: string) => boolean;
  /** Replicas the cluster could take before this plan (per node, summed); computed once per cluster object and size. */
  room(cluster: Cluster): number;
  /** What one replica costs per hour there (0 without spec.cost). */
  price(cluster: Cluster): number;
  /** Whether it may go to costlier clusters now; absent: costs are not looked at (no cluster has a price). */
  readonly burst?: BurstGate;
  /** While the gate is closed: the price of the cheapest clusters that could ever run it all (set by place()). */
  cheapestTier?: number;
}

/**
 * Replicas of each request size a cluster object can take, shared by every placement: a cluster
 * object is a snapshot that is never changed in place (a report or a charge makes a new one), and
 * a probe by admission, the placement after it and the next workload of the same size all ask.
 */
const ROOMS = new WeakMap<Cluster, Map<string, number>>();

function sizeKey({ cpu, memory, gpu, accelerator }: Resources): string {
  return `${cpu}/${memory}/${gpu}/${accelerator ?? ''}`;
}

function governingPolicies(workload: Workload, policies: readonly FilterPolicy[]): GoverningPolicy[] {
  return policies
    .filter((p) => p.metadata.namespace === workload.metadata.namespace)
    .filter((p) => selectorFromMap(p.spec.labelsSelector).matches(workload.metadata.labels))
    .map((p) => ({
      name: p.metadata.name,
      include: new Set(p.spec.clusterFilter.include),
      exclude: new Set(p.spec.clusterFilter.exclude),
      clusterSelector: parseLabelSelector(p.spec.clusterFilter.clusterSelector, 'spec.clusterFilter.clusterSelector'),
    }));
}

export function createContext(
  workload: Workload,
  filterPolicies: readonly FilterPolicy[],
  replicas: number,
  now: number = Date.now(),
  mayUse?: (cluster: string) => boolean,
  burst?: BurstGate,
): SchedulingContext {
  const { resources, placement } = workload.spec;
  const size = sizeKey(resources);
  return {
    workload,
    request: resources,
    policies: governingPolicies(workload, filterPolicies),
    clusterSelector: parseLabelSelector(placement.clusterSelector, 'spec.placement.clusterSelector'),
    preferences: placement.preferences.map((p, i) => ({
      selector: parseLabelSelector(p.selector, `spec.placement.preferences[${i}].selector`),
      weight: p.weight,
    })),
    plan: new Plan(replicas),
    now,
    mayUse,
    burst,
    price: (cluster) => pricePerHour(cluster, resources),
    room(cluster) {
      let bySize = ROOMS.get(cluster);
      if (bySize === undefined) ROOMS.set(cluster, (bySize = new Map()));
      let room = bySize.get(size);
      if (room === undefined) bySize.set(size, (room = replicaRoom(cluster, resources)));
      return room;
    },
  };
}
