/**
 * What the capacity bars show: for each resource, how much of a cluster (or node) is in use and
 * how much there is. The API reports `capacity` (all of it) and `allocatable` (what is still free
 * for Sky work); in use is the difference.
 */
import type { Resources } from '../../domain/types.js';

export type ResourceName = 'cpu' | 'memory' | 'gpu';

export interface Usage {
  resource: ResourceName;
  used: number;
  total: number;
  /** 0..1; 0 when there is none of it. */
  fraction: number;
  /** `2.5 / 8 cores`, `3 / 16 GiB`, `0 / 2 GPUs`. */
  label: string;
}

const round = (value: number) => String(Math.round(value * 100) / 100);

/** `used / total unit`, or `used unit` alone; memory is MiB in the API, shown in GiB from one GiB up. */
function figures(resource: ResourceName, used: number, total?: number): string {
  const both = (scale: number, unit: string) => `${round(used / scale)}${total === undefined ? '' : ` / ${round(total / scale)}`} ${unit}`;
  if (resource === 'cpu') return both(1, 'cores');
  if (resource === 'gpu') return both(1, 'GPUs');
  return Math.max(used, total ?? 0) >= 1024 ? both(1024, 'GiB') : both(1, 'MiB');
}

export function usageOf(capacity: Resources, allocatable: Resources): Usage[] {
  return (['cpu', 'memory', 'gpu'] as const).map((resource) => {
    const total = capacity[resource];
    const used = Math.max(0, total - allocatable[resource]);
    return { resource, used, total, fraction: total > 0 ? Math.min(1, used / total) : 0, label: figures(resource, used, total) };
  });
}

/** Queue bars: usage against a quota that may be unset (then there is no bar, only the figure). */
export function quotaUsage(resource: ResourceName, used: number, quota: number | null | undefined): Usage {
  const total = quota ?? 0;
  const label = quota == null ? `${figures(resource, used)} (no quota)` : figures(resource, used, total);
  return { resource, used, total, fraction: total > 0 ? Math.min(1, used / total) : 0, label };
}
