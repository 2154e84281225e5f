/**
 * A Slurm cluster's figures as Sky reports them, from sinfo's nodes: per node what it has and
 * what is free (declared CPUs, RealMemory and GRES GPUs minus what running jobs hold).
 *
 * A node that cannot start work now offers nothing and counts in no total: DOWN, DRAINED or
 * DRAINING, not responding, failing, powered down or rebooting. Such a node is still listed
 * (ready: false), so people see it. Totals are those of the usable nodes, so a node set DOWN
 * shrinks the cluster's capacity, not only what is free.
 *
 * Elements of Sky's own arrays that wait in Slurm's queue are charged to the roomiest node that
 * could take them, as the local manager counts queued replicas: they are promised that room, and
 * the scheduler must not hand it out again.
 */
import { fits, minus, NO_RESOURCES as ZERO, plus } from '../../domain/resource-math.js';
import type { NodeStatus, Resources } from '../../domain/types.js';
import type { ClusterCapacity } from '../types.js';
import type { SlurmNode } from './parse.js';

const USABLE_STATES = new Set(['idle', 'mixed', 'allocated', 'completing']);
const UNUSABLE_FLAGS = new Set([
  'DRAIN',
  'DRAINED',
  'DRAINING',
  'NOT_RESPONDING',
  'FAIL',
  'POWERED_DOWN',
  'POWERING_DOWN',
  'POWER_DOWN',
  'POWERING_UP',
  'REBOOT_ISSUED',
  'REBOOT_REQUESTED',
  'MAINTENANCE',
]);

export function nodeIsUsable(node: SlurmNode): boolean {
  return USABLE_STATES.has(node.state) && !node.flags.some((f) => UNUSABLE_FLAGS.has(f));
}

function withAccelerator(resources: Resources, types: string[]): Resources {
  return types.length > 0 ? { ...resources, accelerator: types[0] } : resources;
}

/** Room on the node for `request`, of the requested accelerator model if it names one. */
function canTake(free: Resources, request: Resources): boolean {
  if (request.accelerator && free.accelerator !== request.accelerator) return false;
  return fits(request, free);
}

function nodeStatus(node: SlurmNode): NodeStatus {
  const capacity = withAccelerator({ cpu: node.cpus, memory: node.memory, gpu: node.gpus }, node.gpuTypes);
  const ready = nodeIsUsable(node);
  const free = {
    cpu: Math.max(0, node.cpus - node.allocCpus),
    memory: Math.max(0, node.memory - node.allocMemory),
    gpu: Math.max(0, node.gpus - node.gpusUsed),
  };
  return { name: node.name, capacity, allocatable: withAccelerator(ready ? free : ZERO, node.gpuTypes), ready };
}

/**
 * The cluster's capacity from its nodes (only those of `partition` when one is given), less
 * `queued`: the requests of Sky's replicas still waiting in Slurm's queue.
 */
export function capacityFromNodes(
  slurmNodes: readonly SlurmNode[],
  options: { partition?: string; queued?: readonly Resources[] } = {},
): ClusterCapacity {
  const { partition, queued = [] } = options;
  const nodes = slurmNodes.filter((n) => !partition || n.partitions.includes(partition)).map(nodeStatus);
  for (const request of queued) {
    let best: NodeStatus | undefined;
    for (const node of nodes) {
      if (node.ready && canTake(node.allocatable, request) && (!best || node.allocatable.cpu > best.allocatable.cpu)) best = node;
    }
    if (!best) continue; // Fits nowhere now: Slurm cannot start it either, so it holds nothing.
    best.allocatable = { ...best.allocatable, ...minus(best.allocatable, request) };
  }
  const usable = nodes.filter((n) => n.ready);
  return {
    capacity: usable.reduce((sum, n) => plus(sum, n.capacity), ZERO),
    allocatable: usable.reduce((sum, n) => plus(sum, n.allocatable), ZERO),
    nodes,
    acceleratorTypes: [...new Set(nodes.flatMap((n) => (n.capacity.accelerator ? [n.capacity.accelerator] : [])))].sort(),
  };
}
