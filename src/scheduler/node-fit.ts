/**
 * Per-node arithmetic: how many replicas of one request a cluster's nodes can take, and why not.
 *
 * A replica runs on one node, so a cluster with two nodes of 2 free cpu cannot take a 4-cpu
 * replica although it has 4 cpu free in total. All replicas of one workload are the same size, so
 * the number a cluster can take is exactly the sum over its ready nodes of what each node takes on
 * its own; the scheduler's plan can therefore count replicas per cluster instead of tracking nodes.
 */
import { copiesFitting, EPSILON } from '../domain/resource-math.js';
import type { Cluster, NodeStatus, Resources } from '../domain/types.js';

/** The dimensions a request counts in, with the words used in messages. */
const DIMENSIONS = [
  { key: 'cpu', unit: 'cpu' },
  { key: 'memory', unit: 'MiB memory' },
  { key: 'gpu', unit: 'gpu' },
] as const;

/** A ready node with the requested accelerator; an empty or absent accelerator means any will do. */
export function nodeCanHost(node: NodeStatus, request: Resources): boolean {
  return node.ready && (!request.accelerator || node.allocatable.accelerator === request.accelerator);
}

/** Replicas of `request` that fit in `free` on one node; Infinity when the request asks for nothing. */
export function replicasFitting(free: Resources, request: Resources): number {
  // Spelled out rather than looped over DIMENSIONS: this runs for every node of every cluster.
  return Math.min(
    copiesFitting(free.cpu, request.cpu),
    copiesFitting(free.memory, request.memory),
    copiesFitting(free.gpu, request.gpu),
  );
}

/** Replicas of `request` the cluster's ready nodes can take, each node counted on its own. */
export function replicaRoom(cluster: Cluster, request: Resources): number {
  let room = 0;
  for (const node of cluster.status.nodes) {
    if (nodeCanHost(node, request)) room += replicasFitting(node.allocatable, request);
  }
  return room;
}

/** Replicas of `request` the cluster's ready nodes could take with nothing running: what waiting for it can give. */
export function capacityRoom(cluster: Cluster, request: Resources): number {
  let room = 0;
  for (const node of cluster.status.nodes) {
    if (nodeCanHost(node, request)) room += replicasFitting(node.capacity, request);
  }
  return room;
}

/** 5.79, 1.5, 2048: at most two decimals, no trailing zeros. */
function formatAmount(amount: number): string {
  return String(Number(Math.max(0, amount).toFixed(2)));
}

/**
 * Why not even one replica fits, in the words of the PENDING condition: "needs 4 cpu, 1.5 free",
 * "needs 4 cpu on one node, at most 2 free on any node". Call it only when replicaRoom() is 0.
 */
export function explainNoRoom(cluster: Cluster, request: Resources): string {
  const ready = cluster.status.nodes.filter((node) => node.ready);
  if (ready.length === 0) return 'no ready nodes';
  const candidates = ready.filter((node) => nodeCanHost(node, request));
  if (candidates.length === 0) {
    const present = [...new Set(ready.map((n) => n.allocatable.accelerator).filter(Boolean))];
    return `no node with accelerator ${request.accelerator}` + (present.length ? ` (has ${present.join(', ')})` : '');
  }

  const shortages: string[] = [];
  for (const { key, unit } of DIMENSIONS) {
    const needed = request[key];
    if (needed <= 0) continue;
    const largest = Math.max(...candidates.map((n) => n.allocatable[key]));
    if (largest + EPSILON >= needed) continue;
    const total = candidates.reduce((sum, n) => sum + n.allocatable[key], 0);
    shortages.push(
      total + EPSILON >= needed
        ? `needs ${formatAmount(needed)} ${unit} on one node, at most ${formatAmount(largest)} free on any node`
        : `needs ${formatAmount(needed)} ${unit}, ${formatAmount(total)} free`,
    );
  }
  if (shortages.length > 0) return shortages.join(' and ');

  // Every figure is available on some node, but never all of them on the same one.
  const wanted = DIMENSIONS.filter(({ key }) => request[key] > 0)
    .map(({ key, unit }) => `${formatAmount(request[key])} ${unit}`)
    .join(', ');
  return `no single node has ${wanted} free at once`;
}

/** `free` minus `count` replicas of `request`, never below zero. */
export function subtractReplicas(free: Resources, request: Resources, count = 1): Resources {
  return {
    ...free,
    cpu: Math.max(0, free.cpu - count * request.cpu),
    memory: Math.max(0, free.memory - count * request.memory),
    gpu: Math.max(0, free.gpu - count * request.gpu),
  };
}

