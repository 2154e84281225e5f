/** A Slurm cluster's figures from sinfo's nodes: what each node has, what is free, which nodes count. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capacityFromNodes, nodeIsUsable } from '../../../src/cluster-managers/slurm/capacity.js';
import { parseSinfoJson, type SlurmNode } from '../../../src/cluster-managers/slurm/parse.js';

const captured = (file: string) => readFileSync(new URL(`./slurm-captured/${file}`, import.meta.url), 'utf8');

function node(name: string, overrides: Partial<SlurmNode> = {}): SlurmNode {
  return {
    name, state: 'idle', flags: [], cpus: 4, allocCpus: 0, memory: 8192, allocMemory: 0,
    gpus: 0, gpusUsed: 0, gpuTypes: [], partitions: ['main'], reason: '',
    ...overrides,
  };
}

describe('capacityFromNodes', () => {
  it('on captured sinfo: the drained and the down node offer nothing and count in no total', () => {
    const capacity = capacityFromNodes(parseSinfoJson(captured('sinfo-mixed.json')));
    expect(capacity.nodes).toEqual([
      { name: 'cap1', ready: true, capacity: { cpu: 4, memory: 8192, gpu: 2, accelerator: 'a100' }, allocatable: { cpu: 2, memory: 7992, gpu: 0, accelerator: 'a100' } },
      { name: 'cap2', ready: true, capacity: { cpu: 2, memory: 4096, gpu: 0 }, allocatable: { cpu: 2, memory: 4096, gpu: 0 } },
      { name: 'cap3', ready: false, capacity: { cpu: 2, memory: 4096, gpu: 0 }, allocatable: { cpu: 0, memory: 0, gpu: 0 } },
      { name: 'cap4', ready: false, capacity: { cpu: 1, memory: 1024, gpu: 0 }, allocatable: { cpu: 0, memory: 0, gpu: 0 } },
    ]);
    expect(capacity.capacity).toEqual({ cpu: 6, memory: 12_288, gpu: 2 });
    expect(capacity.allocatable).toEqual({ cpu: 4, memory: 12_088, gpu: 0 });
    expect(capacity.acceleratorTypes).toEqual(['a100']);
  });

  it('knows which states and flags make a node unusable', () => {
    expect(nodeIsUsable(node('a'))).toBe(true);
    expect(nodeIsUsable(node('a', { state: 'mixed' }))).toBe(true);
    expect(nodeIsUsable(node('a', { state: 'allocated' }))).toBe(true);
    expect(nodeIsUsable(node('a', { state: 'down' }))).toBe(false);
    expect(nodeIsUsable(node('a', { state: 'unknown' }))).toBe(false);
    expect(nodeIsUsable(node('a', { state: 'future' }))).toBe(false);
    // Draining: still running jobs, takes no new ones.
    expect(nodeIsUsable(node('a', { state: 'mixed', flags: ['DRAIN'] }))).toBe(false);
    expect(nodeIsUsable(node('a', { flags: ['NOT_RESPONDING'] }))).toBe(false);
    expect(nodeIsUsable(node('a', { flags: ['POWERED_DOWN'] }))).toBe(false);
  });

  it('counts only the nodes of the partition', () => {
    const nodes = [node('a', { partitions: ['cpu'] }), node('b', { partitions: ['gpu'], gpus: 1, gpuTypes: ['h100'] })];
    const gpu = capacityFromNodes(nodes, { partition: 'gpu' });
    expect(gpu.nodes.map((n) => n.name)).toEqual(['b']);
    expect(gpu.capacity).toEqual({ cpu: 4, memory: 8192, gpu: 1 });
    expect(gpu.acceleratorTypes).toEqual(['h100']);
    expect(capacityFromNodes(nodes).nodes).toHaveLength(2);
  });

  it('charges Sky’s queued elements to the roomiest node that can take them', () => {
    const nodes = [node('big', { cpus: 4 }), node('small', { cpus: 2 })];
    const request = { cpu: 2, memory: 100, gpu: 0 };
    const capacity = capacityFromNodes(nodes, { queued: [request, request, request, { cpu: 8, memory: 1, gpu: 0 }] });
    // big takes the first (4 > 2 free), then small and big tie at 2 and the first wins; the 8-cpu one fits nowhere.
    expect(capacity.nodes.map((n) => [n.name, n.allocatable.cpu])).toEqual([
      ['big', 0],
      ['small', 0],
    ]);
    expect(capacity.allocatable.cpu).toBe(0);
  });
});
