/**
 * The sentence describe shows for work held on the cheapest tier: "waiting for on-prem until
 * 14:05 UTC (COMPUTE, budget 0.25), then it may burst to cloud at 2.40/h".
 */
import type { Cluster, Workload } from '../domain/types.js';
import type { BurstGate } from './burst-gate.js';
import { formatPrice, pricePerHour } from './price.js';
import { describePolicy } from './waiting-time.js';

/** "14:05 UTC" on the same day as `now`, else "2026-12-05 14:05 UTC". */
export function clockTime(ms: number, now: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

/** The costlier cluster it would burst to first: the cheapest one outside the tier, ties by name. */
function nextCluster(workload: Workload, tier: readonly string[], clusters: readonly Cluster[]): { name: string; price: number } | undefined {
  const inTier = new Set(tier);
  let best: { name: string; price: number } | undefined;
  for (const c of clusters) {
    if (inTier.has(c.metadata.name) || c.status.phase !== 'READY') continue;
    const price = pricePerHour(c, workload.spec.resources);
    if (!best || price < best.price || (price === best.price && c.metadata.name < best.name)) best = { name: c.metadata.name, price };
  }
  return best;
}

export function describeWait(workload: Workload, gate: BurstGate, tier: readonly string[], clusters: readonly Cluster[], now = Date.now()): string {
  const waitingFor = `waiting for ${tier.join(', ')}`;
  const policy = describePolicy(gate.policy);
  if (gate.until === Infinity) return `${waitingFor} (${policy}: it never goes to a costlier cluster)`;
  const next = nextCluster(workload, tier, clusters);
  const then = next ? `, then it may burst to ${next.name} at ${formatPrice(next.price * workload.spec.replicas)}` : '';
  return `${waitingFor} until ${clockTime(gate.until, now)} (${policy})${then}`;
}
