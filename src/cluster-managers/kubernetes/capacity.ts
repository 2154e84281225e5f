/**
 * A member cluster's figures from its Nodes and Pods, as kube-scheduler counts them: a node offers
 * its allocatable (capacity minus what the kubelet reserves for the system), and every pod bound to
 * it that has not finished holds its requests there, whether it runs yet or not. Pure functions
 * over the API objects, so the arithmetic is unit-tested without a cluster.
 */
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import { fits, minus, NO_RESOURCES as ZERO, nonNegative, plus } from '../../domain/resource-math.js';
import type { NodeStatus, Resources } from '../../domain/types.js';
import type { ClusterCapacity } from '../types.js';
import { cpuCores, deviceCount, memoryMiB, roundFigure } from './quantity.js';

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Node labels that name the accelerator model, most specific first. */
export const ACCELERATOR_LABELS = ['accelerator', 'nvidia.com/gpu.product', 'cloud.google.com/gke-accelerator'] as const;

type ResourceMap = Record<string, string> | undefined;

function figures(map: ResourceMap): Resources {
  return { cpu: cpuCores(map?.cpu), memory: memoryMiB(map?.memory), gpu: deviceCount(map?.[GPU_RESOURCE]) };
}

const max = (a: Resources, b: Resources): Resources => ({
  cpu: Math.max(a.cpu, b.cpu),
  memory: Math.max(a.memory, b.memory),
  gpu: Math.max(a.gpu, b.gpu),
});
const requestsOf = (c: V1Container): Resources => figures(c.resources?.requests);

/**
 * What a pod holds on its node, by the scheduler's rule: its containers together, or its largest
 * init container if that is more (init containers run one at a time, before the others); sidecars
 * (init containers that keep running) add to both; plus the pod overhead of its runtime class.
 */
export function podRequests(pod: V1Pod): Resources {
  const spec = pod.spec;
  if (!spec) return ZERO;
  let sidecars = ZERO;
  let largestInit = ZERO;
  for (const init of spec.initContainers ?? []) {
    if (init.restartPolicy === 'Always') sidecars = plus(sidecars, requestsOf(init));
    else largestInit = max(largestInit, plus(sidecars, requestsOf(init)));
  }
  const running = spec.containers.reduce((sum, c) => plus(sum, requestsOf(c)), sidecars);
  return plus(max(running, largestInit), figures(spec.overhead));
}

/** Succeeded and Failed pods hold nothing; every other pod does, until it is gone. */
export function isFinishedPod(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** kube-scheduler tried the pod and found no node for it. */
export function isUnschedulable(pod: V1Pod): boolean {
  return !!pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
}

/**
 * A node Sky's pods can land on: Ready, not cordoned, and without a taint that repels pods
 * without tolerations (Sky's pods have none), such as a control-plane node's.
 */
export function isUsableNode(node: V1Node): boolean {
  const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const repelled = node.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute') ?? false;
  return ready && !node.spec?.unschedulable && !repelled;
}

export function acceleratorOf(node: V1Node): string | undefined {
  const labels = node.metadata?.labels ?? {};
  for (const key of ACCELERATOR_LABELS) if (labels[key]) return labels[key];
  return undefined;
}

function rounded(r: Resources): Resources {
  return { ...r, cpu: roundFigure(r.cpu), memory: roundFigure(r.memory), gpu: roundFigure(r.gpu) };
}

/** How many of `request` fit in `free`, by the scarcest dimension the request asks for. */
function room(free: Resources, request: Resources): number {
  const per = (f: number, r: number) => (r > 0 ? f / r : Infinity);
  return Math.min(per(free.cpu, request.cpu), per(free.memory, request.memory), per(free.gpu, request.gpu));
}

interface NodeAccount {
  name: string;
  usable: boolean;
  capacity: Resources;
  free: Resources;
}

/**
 * The cluster's figures: per node, allocatable minus the requests of the unfinished pods bound to
 * it; totals are their sums, with only usable nodes' free figures counted as free (the original
 * demo's "cpu: 5.79/6.0" is free/total).
 *
 * Pods not bound yet are promised capacity as well: they are charged to the usable node with the
 * most room for them, where kube-scheduler's least-allocated scoring would most likely put them,
 * so that a burst of Sky submissions does not see room its own pending pods are about to take.
 * Pods the scheduler already found no node for are not charged: they will not take any.
 */
export function clusterCapacity(nodes: readonly V1Node[], pods: readonly V1Pod[]): ClusterCapacity {
  const accounts = new Map<string, NodeAccount>();
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const accelerator = acceleratorOf(node);
    const capacity: Resources = { ...figures(node.status?.allocatable), ...(accelerator ? { accelerator } : {}) };
    accounts.set(name, { name, usable: isUsableNode(node), capacity, free: capacity });
  }

  const unbound: Resources[] = [];
  for (const pod of pods) {
    if (isFinishedPod(pod)) continue;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      if (!isUnschedulable(pod) && !pod.metadata?.deletionTimestamp) unbound.push(podRequests(pod));
      continue;
    }
    const account = accounts.get(nodeName);
    if (account) account.free = minus(account.free, podRequests(pod));
  }
  for (const request of unbound) {
    let best: NodeAccount | undefined;
    for (const account of accounts.values()) {
      if (!account.usable || !fits(request, account.free)) continue;
      if (!best || room(account.free, request) > room(best.free, request)) best = account;
    }
    if (best) best.free = minus(best.free, request);
  }

  let capacity = ZERO;
  let allocatable = ZERO;
  const nodeStatuses: NodeStatus[] = [];
  const acceleratorTypes = new Set<string>();
  for (const account of accounts.values()) {
    const free = nonNegative(account.free);
    capacity = plus(capacity, account.capacity);
    if (account.usable) allocatable = plus(allocatable, free);
    if (account.capacity.accelerator) acceleratorTypes.add(account.capacity.accelerator);
    nodeStatuses.push({
      name: account.name,
      capacity: rounded(account.capacity),
      allocatable: { ...rounded(free), ...(account.capacity.accelerator ? { accelerator: account.capacity.accelerator } : {}) },
      ready: account.usable,
    });
  }
  nodeStatuses.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    capacity: rounded(capacity),
    allocatable: rounded(allocatable),
    nodes: nodeStatuses,
    acceleratorTypes: [...acceleratorTypes].sort(),
  };
}
