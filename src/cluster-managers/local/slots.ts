/**
 * Slot accounting of a local cluster: it offers a fixed number of cpu/memory/gpu slots
 * (spec.local; by default the whole machine), each replica holds its workload's request, and a
 * replica starts only when its request fits in what is left.
 */
import os from 'node:os';
import { fits, minus, nonNegative } from '../../domain/resource-math.js';
import type { LocalConfig, Resources } from '../../domain/types.js';
import type { ClusterCapacity } from '../types.js';

/** The slots a local cluster offers: what spec.local says, this machine's figures otherwise. */
export function localSlots(local: LocalConfig | undefined): Resources {
  return {
    cpu: local?.cpu ?? os.cpus().length,
    memory: local?.memory ?? Math.floor(os.totalmem() / 2 ** 20),
    gpu: local?.gpu ?? 0,
  };
}

/** What is left of `slots` once each of `held` is taken; negative when more is held than offered. */
export function slotsLeft(slots: Resources, held: Iterable<Resources>): Resources {
  let free = slots;
  for (const request of held) free = minus(free, request);
  return free;
}

/**
 * Which of `requests`, taken in order, start now: each that fits in what the ones before it left.
 * One that does not fit does not stop a smaller one behind it.
 */
export function admit(free: Resources, requests: readonly Resources[]): boolean[] {
  return requests.map((request) => {
    if (!fits(request, free)) return false;
    free = minus(free, request);
    return true;
  });
}

/** The cluster's figures: one node, this machine, with what `promised` replicas hold taken off. */
export function localCapacity(slots: Resources, promised: Iterable<Resources>, nodeName = os.hostname()): ClusterCapacity {
  const allocatable = nonNegative(slotsLeft(slots, promised));
  return {
    capacity: slots,
    allocatable,
    nodes: [{ name: nodeName, capacity: slots, allocatable, ready: true }],
    acceleratorTypes: [],
  };
}
