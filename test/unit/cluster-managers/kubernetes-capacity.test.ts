import { describe, expect, it } from 'vitest';
import { clusterCapacity, isUsableNode, podRequests } from '../../../src/cluster-managers/kubernetes/capacity.js';
import { container, node, pod } from './kubernetes-fixtures.js';

describe('podRequests', () => {
  it('adds up the containers', () => {
    const p = pod({ containers: [container({ cpu: '250m', memory: '128Mi' }), container({ cpu: '1', 'nvidia.com/gpu': '1' })] });
    expect(podRequests(p)).toEqual({ cpu: 1.25, memory: 128, gpu: 1 });
  });

  it('takes the largest init container when it asks for more than the containers, plus sidecars and overhead', () => {
    const p = pod({
      containers: [container({ cpu: '500m' })],
      initContainers: [
        container({ cpu: '2' }),
        container({ cpu: '100m', memory: '1Gi' }, { restartPolicy: 'Always' }), // a sidecar: runs beside the containers
      ],
      overhead: { cpu: '50m' },
    });
    // max(containers 0.5 + sidecar 0.1, init 2) + overhead 0.05; memory: the sidecar's 1 GiB.
    expect(podRequests(p).cpu).toBeCloseTo(2.05, 9);
    expect(podRequests(p).memory).toBe(1024);
  });

  it('asks nothing of a pod without requests', () => {
    expect(podRequests(pod())).toEqual({ cpu: 0, memory: 0, gpu: 0 });
  });
});

describe('isUsableNode', () => {
  it('needs Ready, not cordoned, and no taint that repels pods', () => {
    expect(isUsableNode(node('a', {}))).toBe(true);
    expect(isUsableNode(node('a', {}, { ready: false }))).toBe(false);
    expect(isUsableNode(node('a', {}, { unschedulable: true }))).toBe(false);
    expect(isUsableNode(node('a', {}, { taint: 'NoSchedule' }))).toBe(false);
    expect(isUsableNode(node('a', {}, { taint: 'NoExecute' }))).toBe(false);
    expect(isUsableNode(node('a', {}, { taint: 'PreferNoSchedule' }))).toBe(true);
  });
});

describe('clusterCapacity', () => {
  it('gives the original demo figures: allocatable minus the requests of unfinished pods bound to each node', () => {
    const nodes = [node('n1', { cpu: '4', memory: '8Gi', pods: '110' }), node('n2', { cpu: '2', memory: '4Gi' })];
    const pods = [
      pod({ node: 'n1', containers: [container({ cpu: '100m', memory: '256Mi' })] }),
      pod({ node: 'n2', containers: [container({ cpu: '110m' })], phase: 'Pending' }), // bound, not started: holds its requests
      pod({ node: 'n1', containers: [container({ cpu: '3' })], phase: 'Succeeded' }), // finished: holds nothing
      pod({ node: 'n2', containers: [container({ cpu: '1' })], phase: 'Failed' }),
    ];
    const result = clusterCapacity(nodes, pods);
    expect(result.capacity).toEqual({ cpu: 6, memory: 12288, gpu: 0 });
    expect(result.allocatable).toEqual({ cpu: 5.79, memory: 12032, gpu: 0 });
    expect(result.nodes).toEqual([
      { name: 'n1', capacity: { cpu: 4, memory: 8192, gpu: 0 }, allocatable: { cpu: 3.9, memory: 7936, gpu: 0 }, ready: true },
      { name: 'n2', capacity: { cpu: 2, memory: 4096, gpu: 0 }, allocatable: { cpu: 1.89, memory: 4096, gpu: 0 }, ready: true },
    ]);
    expect(result.acceleratorTypes).toEqual([]);
  });

  it('reports GPUs and accelerator models from node labels', () => {
    const nodes = [
      node('a100', { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '4' }, { labels: { 'nvidia.com/gpu.product': 'A100' } }),
      node('t4', { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' }, { labels: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' } }),
      node('tagged', { cpu: '1' }, { labels: { accelerator: 'V100', 'nvidia.com/gpu.product': 'ignored' } }),
      node('cpu', { cpu: '8' }),
    ];
    const pods = [pod({ node: 'a100', containers: [container({ 'nvidia.com/gpu': '3' })] })];
    const result = clusterCapacity(nodes, pods);
    expect(result.capacity.gpu).toBe(5);
    expect(result.allocatable.gpu).toBe(2);
    expect(result.acceleratorTypes).toEqual(['A100', 'V100', 'nvidia-tesla-t4']);
    const a100 = result.nodes.find((n) => n.name === 'a100')!;
    expect(a100.capacity).toEqual({ cpu: 8, memory: 32768, gpu: 4, accelerator: 'A100' });
    expect(a100.allocatable).toEqual({ cpu: 8, memory: 32768, gpu: 1, accelerator: 'A100' });
    expect(result.nodes.find((n) => n.name === 'cpu')!.allocatable.accelerator).toBeUndefined();
  });

  it('counts unusable nodes in the capacity but not in what is free', () => {
    const result = clusterCapacity([node('up', { cpu: '4' }), node('down', { cpu: '2' }, { ready: false }), node('cordoned', { cpu: '2' }, { unschedulable: true })], []);
    expect(result.capacity.cpu).toBe(8);
    expect(result.allocatable.cpu).toBe(4);
    expect(result.nodes.map((n) => [n.name, n.ready])).toEqual([
      ['cordoned', false],
      ['down', false],
      ['up', true],
    ]);
  });

  it('charges pods not bound yet to the usable node with the most room, but not those that fit nowhere', () => {
    const nodes = [node('small', { cpu: '2' }), node('big', { cpu: '8' }), node('off', { cpu: '16' }, { ready: false })];
    const pods = [
      pod({ containers: [container({ cpu: '3' })] }), // in flight: goes to big
      pod({ containers: [container({ cpu: '1' })] }), // in flight: big has 5 left, more than small
      pod({ containers: [container({ cpu: '4' })], unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' }),
      pod({ containers: [container({ cpu: '1' })], deleting: true }),
      pod({ containers: [container({ cpu: '64' })] }), // fits nowhere: charged nowhere
    ];
    const result = clusterCapacity(nodes, pods);
    expect(Object.fromEntries(result.nodes.map((n) => [n.name, n.allocatable.cpu]))).toEqual({ big: 4, off: 16, small: 2 });
    expect(result.allocatable.cpu).toBe(6);
  });

  it('never reports negative free figures (an overcommitted node, or pods bound to a node that shrank)', () => {
    const result = clusterCapacity([node('n', { cpu: '1', memory: '1Gi' })], [pod({ node: 'n', containers: [container({ cpu: '2', memory: '2Gi' })] })]);
    expect(result.allocatable).toEqual({ cpu: 0, memory: 0, gpu: 0 });
    expect(result.nodes[0].allocatable).toEqual({ cpu: 0, memory: 0, gpu: 0 });
  });

  it('ignores pods bound to nodes it does not know', () => {
    const result = clusterCapacity([node('n', { cpu: '1' })], [pod({ node: 'gone', containers: [container({ cpu: '1' })] })]);
    expect(result.allocatable.cpu).toBe(1);
  });
});
