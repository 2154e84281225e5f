/**
 * The cost cells of `skym get` and `skym describe`: a cluster's prices (`cpu 0.05/h, gpu 2.40/h`,
 * or `free`), and what a workload, queue or namespace has cost so far (`12.40`), as the server
 * derived it when it answered.
 */
import { formatAmount, formatPrice } from '../src/bursting/price.js';
import { entryCost, workloadCost } from '../src/domain/replica-cost.js';
import type { Cluster, ClusterReplicaStatus, Namespace, Queue, Workload } from '../src/domain/types.js';

export { formatAmount };

/** The prices a cluster charges, those above 0 only; `free` for owned hardware. */
export function clusterPrices(cluster: Cluster): string {
  const cost = cluster.spec.cost;
  if (!cost) return 'free';
  const parts = ([['cpu', cost.cpu], ['gpu', cost.gpu], ['GiB', cost.memory]] as const).filter(([, price]) => price > 0).map(([unit, price]) => `${unit} ${formatPrice(price)}`);
  return parts.length === 0 ? 'free' : parts.join(', ');
}

/** What the server said the workload had cost when it answered; computed here from the accounts if it did not say. */
export function workloadCostOf(workload: Workload, now: Date = new Date()): number {
  const answered = (workload.status as { cost?: number }).cost;
  return answered ?? workloadCost(workload.status, now.getTime());
}

/** What it accrues per hour now: the open intervals of the clusters it is placed on. */
export function workloadRateOf(workload: Workload): number {
  const placed = new Set(workload.status.placements.filter((p) => p.replicas > 0).map((p) => p.cluster));
  return workload.status.replicaStatus.reduce((sum, r) => sum + (placed.has(r.cluster) && r.cost?.since !== undefined ? r.cost.ratePerHour : 0), 0);
}

/** One cluster's part of a workload's cost, up to `now`. */
export function clusterCostOf(workload: Workload, entry: ClusterReplicaStatus | undefined, now: Date = new Date()): number {
  return entry ? entryCost(workload.status, entry, now.getTime()) : 0;
}

/** Queue.cost and Namespace.cost: derived by the server beside status. */
export function sumCostOf(object: Queue | Namespace): number {
  return (object as { cost?: number }).cost ?? 0;
}

/** `12.40`, and `(accruing 10.00/h)` while replicas run at a price. */
export function workloadCostPhrase(workload: Workload, now: Date = new Date()): string {
  const rate = workloadRateOf(workload);
  const total = formatAmount(workloadCostOf(workload, now));
  return rate > 0 ? `${total} (accruing ${formatPrice(rate)})` : total;
}
