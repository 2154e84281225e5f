import { describe, expect, it } from 'vitest';
import { clusterResources, clusterResourcesWidth, formatMemory } from '../../../cli/resource-cells.js';
import type { Cluster, Resources } from '../../../src/domain/types.js';

const meta = { uid: 'u', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' };
const zero = { cpu: 0, memory: 0, gpu: 0 };
const cluster = (capacity: Resources, allocatable: Resources): Cluster => ({
  kind: 'Cluster',
  metadata: { ...meta, name: 'c' },
  spec: { manager: 'LOCAL' },
  status: { phase: 'READY', conditions: [], capacity, allocatable, nodes: [], acceleratorTypes: [] },
});
const widest = (text: string) => Math.max(...text.split('\n').map((line) => line.length));

describe('formatMemory', () => {
  it('uses the largest unit that keeps the figure as written', () => {
    expect([512, 1024, 1536, 1500, 2 ** 20, 0.25].map(formatMemory)).toEqual(['512 MiB', '1 GiB', '1.5 GiB', '1500 MiB', '1 TiB', '0.25 MiB']);
  });
});

describe('clusterResourcesWidth', () => {
  it('covers every free figure between 0 and the capacity, so a watch\'s column never widens', () => {
    const capacity = { cpu: 16, memory: 65_536, gpu: 8 };
    const width = clusterResourcesWidth(cluster(capacity, capacity));
    // Free figures as work comes and goes: the cell never gets wider than the width reserved.
    for (const used of [0, 0.21, 1.37, 7.5, 15.99, 16]) {
      const free = { cpu: 16 - used, memory: 65_536 - used * 1000, gpu: Math.round(8 - used / 2) };
      expect(widest(clusterResources(cluster(capacity, free)))).toBeLessThanOrEqual(width);
    }
    expect(width).toBe('memory: 63.99/64.0 GiB'.length);
  });

  it('leaves room for figures below 1000 while a cluster has reported nothing', () => {
    expect(clusterResourcesWidth(cluster(zero, zero))).toBe('memory: 999.99/999.99 GiB'.length);
  });
});
