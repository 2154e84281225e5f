/**
 * The Resources cells of `skym get`: a cluster's free/total figures and a workload's request per
 * replica, with units (cpu in cores, gpu in devices, memory in MiB, GiB or TiB; the API's figures
 * are cores, devices and MiB), and how wide a cluster's cell may grow as its free figures change.
 */
import type { Cluster, Resources } from '../src/domain/types.js';

/** Up to two decimals, no trailing zeros: `cpu: 1`, `cpu: 0.5`. */
export function formatQuantity(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Figures of a cluster as the demo printed them, floats always with a decimal: `6.0`, `5.79`. */
function formatFloat(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

const MEMORY_UNITS = [
  { name: 'TiB', mib: 1024 * 1024 },
  { name: 'GiB', mib: 1024 },
  { name: 'MiB', mib: 1 },
] as const;

type MemoryUnit = (typeof MEMORY_UNITS)[number];

/** The largest unit of which `mib` is at least one. */
function memoryUnit(mib: number): MemoryUnit {
  return MEMORY_UNITS.find((unit) => mib >= unit.mib) ?? MEMORY_UNITS[MEMORY_UNITS.length - 1];
}

/**
 * A request as people wrote it: `512 MiB`, `2 GiB`, `1.5 GiB`; in MiB when a larger unit would
 * round it (`1500 MiB`, not `1.46 GiB`).
 */
export function formatMemory(mib: number): string {
  for (const unit of MEMORY_UNITS) {
    const figure = mib / unit.mib;
    if (figure >= 1 && Math.round(figure * 100) / 100 === figure) return `${formatQuantity(figure)} ${unit.name}`;
  }
  return `${formatQuantity(mib)} MiB`;
}

const isEmpty = (r: Resources) => r.cpu === 0 && r.memory === 0 && r.gpu === 0;

/**
 * `cpu: 5.79/6.0` lines (allocatable/capacity), memory in the unit of the capacity
 * (`memory: 17.68/23.3 GiB`); `{}` while nothing is reported, as in the demo.
 */
export function clusterResources(cluster: Cluster): string {
  const { allocatable, capacity } = cluster.status;
  if (isEmpty(capacity) && isEmpty(allocatable)) return '{}';
  const unit = memoryUnit(Math.max(capacity.memory, allocatable.memory));
  return [
    `cpu: ${formatFloat(allocatable.cpu)}/${formatFloat(capacity.cpu)}`,
    `gpu: ${allocatable.gpu}/${capacity.gpu}`,
    `memory: ${formatFloat(allocatable.memory / unit.mib)}/${formatFloat(capacity.memory / unit.mib)} ${unit.name}`,
  ].join('\n');
}

/** Digits of the whole part, plus `.dd`: the widest a figure up to `max` prints with formatFloat. */
const widestFloat = (max: number) => String(Math.floor(Math.max(0, max))).length + 3;

/** Room for figures below 1000 in each line, for a cluster that has reported nothing yet. */
const UNREPORTED_WIDTH = 'memory: 999.99/999.99 GiB'.length;

/**
 * The widest the cluster's cell can get while its capacity stays: the free figures move between
 * 0 and the total as work starts and ends, and a watch leaves room for that up front.
 */
export function clusterResourcesWidth(cluster: Cluster): number {
  const { allocatable, capacity } = cluster.status;
  if (isEmpty(capacity) && isEmpty(allocatable)) return UNREPORTED_WIDTH;
  const unit = memoryUnit(Math.max(capacity.memory, allocatable.memory));
  const cpu = 'cpu: /'.length + widestFloat(capacity.cpu) + formatFloat(capacity.cpu).length;
  const gpu = 'gpu: /'.length + 2 * String(capacity.gpu).length;
  const memory = 'memory: /'.length + widestFloat(capacity.memory / unit.mib) + formatFloat(capacity.memory / unit.mib).length + unit.name.length + 1;
  return Math.max(cpu, gpu, memory);
}

/** A workload's per-replica request: `cpu: 1` always, the others only when asked for. */
export function workloadResources(resources: Resources): string {
  const lines = [`cpu: ${formatQuantity(resources.cpu)}`];
  if (resources.gpu !== 0) lines.push(`gpu: ${resources.gpu}${resources.accelerator ? ` (${resources.accelerator})` : ''}`);
  if (resources.memory !== 0) lines.push(`memory: ${formatMemory(resources.memory)}`);
  return lines.join('\n');
}
