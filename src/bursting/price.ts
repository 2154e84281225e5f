/**
 * What one replica of a workload costs per hour on a cluster: its cores, GPUs and GiB times the
 * cluster's spec.cost. A cluster without spec.cost is free (hardware the organization owns).
 */
import type { Cluster, Resources } from '../domain/types.js';

const MIB_PER_GIB = 1024;

export function pricePerHour(cluster: Cluster, perReplica: Resources): number {
  const cost = cluster.spec.cost;
  if (!cost) return 0;
  return perReplica.cpu * cost.cpu + perReplica.gpu * cost.gpu + (perReplica.memory / MIB_PER_GIB) * cost.memory;
}

/** Whether any cluster has a price: without one, placement never looks at costs. */
export function anyPriced(clusters: readonly Cluster[]): boolean {
  for (const c of clusters) {
    const cost = c.spec.cost;
    if (cost && (cost.cpu > 0 || cost.gpu > 0 || cost.memory > 0)) return true;
  }
  return false;
}

/** Amounts as people read them: two decimals, four for fractions of a cent. */
export function formatAmount(amount: number): string {
  return amount.toFixed(amount !== 0 && Math.abs(amount) < 0.01 ? 4 : 2);
}

/** "2.40/h": a price per hour, as formatAmount writes amounts. */
export function formatPrice(perHour: number): string {
  return `${formatAmount(perHour)}/h`;
}
