/**
 * Which Queue takes a workload, which priority it has, and whether the scheduler may place it.
 * Shared by the admission controller, the scheduler and the API (describe), so they agree.
 *
 * - `spec.queue` names the queue; the queue must take the workload's namespace (by its
 *   `namespaces` list or its `namespaceSelector`), or take no namespace by default at all (a
 *   queue with neither is open to any workload that names it).
 * - Without `spec.queue`: the first queue by name that takes the namespace.
 * - No queue takes it: it is admitted without quota (placed as soon as it fits), as before
 *   queues existed.
 */
import { parseLabelSelector, type LabelSelector } from './selector.js';
import type { PriorityClass, Queue, QuotaUsage, Resources, Workload } from './types.js';

export type QueueResolution =
  /** No queue takes it: placed without admission. */
  | { kind: 'none' }
  | { kind: 'queue'; queue: Queue }
  /** spec.queue names a queue that does not exist or does not take the namespace. */
  | { kind: 'missing'; name: string; message: string };

/** Parsed once per Queue object (the scheduler resolves a queue on every reconcile). */
const SELECTORS = new WeakMap<Queue, LabelSelector>();

/** Whether `queue` takes workloads of namespace `namespace` (labels `labels`) without being named. */
function queueTakesNamespace(queue: Queue, namespace: string, labels: Record<string, string> | undefined): boolean {
  if (queue.spec.namespaces.includes(namespace)) return true;
  const text = queue.spec.namespaceSelector;
  if (text === undefined) return false;
  let selector = SELECTORS.get(queue);
  if (!selector) SELECTORS.set(queue, (selector = parseLabelSelector(text, 'spec.namespaceSelector')));
  return selector.matches(labels ?? {});
}

function takesNoNamespace(queue: Queue): boolean {
  return queue.spec.namespaces.length === 0 && queue.spec.namespaceSelector === undefined;
}

/**
 * The queue of `workload`. `queues` is every Queue (any order); `namespaceLabels` gives a
 * namespace's labels (for namespaceSelector).
 */
export function resolveQueue(
  workload: Workload,
  queues: readonly Queue[],
  namespaceLabels: (namespace: string) => Record<string, string> | undefined,
): QueueResolution {
  const namespace = workload.metadata.namespace ?? '';
  const named = workload.spec.queue;
  if (named !== undefined) {
    const queue = queues.find((q) => q.metadata.name === named);
    if (!queue) return { kind: 'missing', name: named, message: `queue ${named} does not exist` };
    if (takesNoNamespace(queue) || queueTakesNamespace(queue, namespace, namespaceLabels(namespace))) return { kind: 'queue', queue };
    return { kind: 'missing', name: named, message: `queue ${named} does not take namespace ${namespace}` };
  }
  let chosen: Queue | undefined;
  for (const queue of queues) {
    if (chosen && chosen.metadata.name < queue.metadata.name) continue;
    if (queueTakesNamespace(queue, namespace, namespaceLabels(namespace))) chosen = queue;
  }
  return chosen ? { kind: 'queue', queue: chosen } : { kind: 'none' };
}

export type PriorityResolution =
  | { kind: 'ok'; value: number; preemptionPolicy: PriorityClass['spec']['preemptionPolicy']; className?: string }
  | { kind: 'missing'; name: string };

/**
 * The priority of `workload`: its class's value, else the global default class's, else 0 (and
 * it may preempt, as Kubernetes' default preemption policy says).
 */
export function resolvePriority(workload: Workload, classes: readonly PriorityClass[]): PriorityResolution {
  const named = workload.spec.priorityClassName;
  if (named !== undefined) {
    const found = classes.find((c) => c.metadata.name === named);
    if (!found) return { kind: 'missing', name: named };
    return { kind: 'ok', value: found.spec.value, preemptionPolicy: found.spec.preemptionPolicy, className: named };
  }
  // Should two claim to be the default (a race between two writes), the lowest name wins.
  let fallback: PriorityClass | undefined;
  for (const c of classes) if (c.spec.globalDefault && (!fallback || c.metadata.name < fallback.metadata.name)) fallback = c;
  if (fallback) return { kind: 'ok', value: fallback.spec.value, preemptionPolicy: fallback.spec.preemptionPolicy, className: fallback.metadata.name };
  return { kind: 'ok', value: 0, preemptionPolicy: 'PREEMPT_LOWER_PRIORITY' };
}

/** What all replicas of a workload take from a quota. */
export function workloadUsage(workload: Workload): QuotaUsage {
  return usageOf(workload.spec.resources, workload.spec.replicas);
}

export function usageOf(perReplica: Resources, replicas: number): QuotaUsage {
  const gpu = perReplica.gpu * replicas;
  return {
    cpu: perReplica.cpu * replicas,
    memory: perReplica.memory * replicas,
    gpu,
    accelerators: perReplica.accelerator && gpu > 0 ? [{ name: perReplica.accelerator, gpu }] : [],
  };
}

/** Whether the scheduler may place it: admitted by its queue, or taken by no queue at all. */
export function mayPlace(workload: Workload, resolution: QueueResolution): boolean {
  if (workload.status.admission) return true;
  return resolution.kind === 'none';
}
