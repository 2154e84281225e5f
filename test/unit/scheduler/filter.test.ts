import { describe, expect, it } from 'vitest';
import type { Cluster, FilterPolicy, Workload } from '../../../src/domain/types.js';
import { describeRejections } from '../../../src/scheduler/messages.js';
import { place } from '../../../src/scheduler/place.js';
import { cluster, filterPolicy, workload } from './fixtures.js';

/** The reason a lone cluster gives for refusing the workload; undefined when it takes it. */
function rejection(target: Cluster, work: Workload = workload('job'), policies: FilterPolicy[] = []) {
  const result = place({ workload: work, clusters: [target], filterPolicies: policies });
  const reason = result.reasons[target.metadata.name];
  expect(result.placements.length === 0).toBe(reason !== undefined);
  return reason;
}

describe('cluster phase', () => {
  it('takes READY clusters', () => {
    expect(rejection(cluster('a'))).toBeUndefined();
  });

  it.each(['INIT', 'ERROR', 'DELETING'] as const)('rejects %s clusters', (phase) => {
    expect(rejection(cluster('a', { phase }))).toBe(`cluster is ${phase}, not READY`);
  });
});

describe('manager supports the kind', () => {
  it('keeps Deployments off Slurm and lets Jobs in', () => {
    const slurm = cluster('hpc', { manager: 'SLURM' });
    expect(rejection(slurm, workload('web', { kind: 'Deployment' }))).toBe('SLURM clusters do not run Deployments');
    expect(rejection(slurm, workload('train'))).toBeUndefined();
  });

  it('runs Deployments on Kubernetes and local clusters', () => {
    const web = workload('web', { kind: 'Deployment' });
    expect(rejection(cluster('k8s', { manager: 'KUBERNETES' }), web)).toBeUndefined();
    expect(rejection(cluster('local', { manager: 'LOCAL' }), web)).toBeUndefined();
  });
});

describe('FilterPolicies', () => {
  // The original demo's policy: remove mluo-cloud for workloads labelled my_app=testing.
  const removeCloud = filterPolicy('remove-mluo-cloud', {
    include: ['mluo-onprem', 'mluo-cloud', 'cloud-2'],
    exclude: ['mluo-cloud'],
    labelsSelector: { my_app: 'testing' },
  });
  const testing = workload('sky-bfd441fa', { labels: { my_app: 'testing' } });

  it('excludes a cluster for the workloads its labelsSelector matches (demo 2)', () => {
    const result = place({
      workload: testing,
      clusters: [cluster('mluo-cloud', { nodes: [{ cpu: 6 }] }), cluster('mluo-onprem')],
      filterPolicies: [removeCloud],
    });
    expect(result.placements).toEqual([{ cluster: 'mluo-onprem', replicas: 1 }]);
    expect(result.reasons).toEqual({ 'mluo-cloud': 'excluded by FilterPolicy remove-mluo-cloud' });
  });

  it('leaves workloads its labelsSelector does not match alone', () => {
    expect(rejection(cluster('mluo-cloud'), workload('other', { labels: { my_app: 'prod' } }), [removeCloud])).toBe(
      undefined,
    );
    expect(rejection(cluster('mluo-cloud'), workload('unlabelled'), [removeCloud])).toBeUndefined();
  });

  it('governs every workload of its namespace when labelsSelector is empty', () => {
    const policy = filterPolicy('no-cloud', { exclude: ['cloud'] });
    expect(rejection(cluster('cloud'), workload('any', { labels: { x: 'y' } }), [policy])).toBe(
      'excluded by FilterPolicy no-cloud',
    );
  });

  it('ignores policies of other namespaces', () => {
    const elsewhere = filterPolicy('no-cloud', { exclude: ['cloud'], namespace: 'team-b' });
    expect(rejection(cluster('cloud'), workload('job'), [elsewhere])).toBeUndefined();
    expect(rejection(cluster('cloud'), workload('job', { namespace: 'team-b' }), [elsewhere])).toBe(
      'excluded by FilterPolicy no-cloud',
    );
  });

  it('rejects clusters missing from a non-empty include list; an empty one includes all', () => {
    const only = filterPolicy('only-onprem', { include: ['onprem'] });
    expect(rejection(cluster('cloud'), workload('job'), [only])).toBe('not included by FilterPolicy only-onprem');
    expect(rejection(cluster('onprem'), workload('job'), [only])).toBeUndefined();
    expect(rejection(cluster('cloud'), workload('job'), [filterPolicy('nothing')])).toBeUndefined();
  });

  it('lets exclude win over include', () => {
    const both = filterPolicy('both', { include: ['cloud'], exclude: ['cloud'] });
    expect(rejection(cluster('cloud'), workload('job'), [both])).toBe('excluded by FilterPolicy both');
  });

  it('matches its clusterSelector against cluster labels', () => {
    const eu = filterPolicy('eu-only', { clusterSelector: 'region in (eu-west,eu-north)' });
    expect(rejection(cluster('a', { labels: { region: 'eu-west' } }), workload('job'), [eu])).toBeUndefined();
    expect(rejection(cluster('b', { labels: { region: 'us-east' } }), workload('job'), [eu])).toBe(
      'labels do not match clusterSelector "region in (eu-west,eu-north)" of FilterPolicy eu-only',
    );
  });

  it('applies several policies together', () => {
    const policies = [
      filterPolicy('no-cloud', { exclude: ['cloud'] }),
      filterPolicy('gpu-only', { clusterSelector: 'gpu=true' }),
    ];
    const clusters = [
      cluster('cloud', { labels: { gpu: 'true' } }),
      cluster('onprem', { labels: { gpu: 'false' } }),
      cluster('lab', { labels: { gpu: 'true' } }),
    ];
    const result = place({ workload: workload('job'), clusters, filterPolicies: policies });
    expect(result.placements).toEqual([{ cluster: 'lab', replicas: 1 }]);
    expect(result.reasons).toEqual({
      cloud: 'excluded by FilterPolicy no-cloud',
      onprem: 'labels do not match clusterSelector "gpu=true" of FilterPolicy gpu-only',
    });
  });
});

describe("the workload's clusterSelector", () => {
  it('keeps the workload on clusters whose labels match', () => {
    const picky = workload('job', { clusterSelector: 'tier=gold,!spot' });
    expect(rejection(cluster('a', { labels: { tier: 'gold' } }), picky)).toBeUndefined();
    expect(rejection(cluster('b', { labels: { tier: 'gold', spot: 'yes' } }), picky)).toBe(
      `labels do not match the Job's clusterSelector "tier=gold,!spot"`,
    );
  });
});

describe('replica fits on a real node', () => {
  const needs = (resources: { cpu?: number; memory?: number; gpu?: number; accelerator?: string }) =>
    workload('job', { resources: { cpu: 0, ...resources } });

  it('says how much is missing when the cluster is short in total', () => {
    expect(rejection(cluster('onprem', { nodes: [{ cpu: 1 }, { cpu: 0.5 }] }), needs({ cpu: 4 }))).toBe(
      'needs 4 cpu, 1.5 free',
    );
  });

  it('uses per-node figures, not the sum', () => {
    const twoSmallNodes = cluster('a', { nodes: [{ cpu: 2 }, { cpu: 2 }] });
    expect(rejection(twoSmallNodes, needs({ cpu: 4 }))).toBe('needs 4 cpu on one node, at most 2 free on any node');
    expect(rejection(cluster('b', { nodes: [{ cpu: 2 }, { cpu: 4 }] }), needs({ cpu: 4 }))).toBeUndefined();
  });

  it('needs every figure free on the same node', () => {
    const lopsided = cluster('a', { nodes: [{ cpu: 8, memory: 512 }, { cpu: 1, memory: 8192 }] });
    expect(rejection(lopsided, needs({ cpu: 2, memory: 4096 }))).toBe(
      'no single node has 2 cpu, 4096 MiB memory free at once',
    );
  });

  it('names every short figure', () => {
    expect(rejection(cluster('a', { nodes: [{ cpu: 1, memory: 1024 }] }), needs({ cpu: 2, memory: 2048 }))).toBe(
      'needs 2 cpu, 1 free and needs 2048 MiB memory, 1024 free',
    );
  });

  it('matches gpus and the accelerator model on one node', () => {
    const gpus = cluster('a', {
      nodes: [
        { cpu: 8, gpu: 4, accelerator: 'V100' },
        { cpu: 8, gpu: 1, accelerator: 'A100' },
      ],
    });
    expect(rejection(gpus, needs({ gpu: 2, accelerator: 'A100' }))).toBe('needs 2 gpu, 1 free');
    expect(rejection(gpus, needs({ gpu: 1, accelerator: 'A100' }))).toBeUndefined();
    expect(rejection(gpus, needs({ gpu: 1, accelerator: 'H100' }))).toBe(
      'no node with accelerator H100 (has V100, A100)',
    );
    expect(rejection(gpus, needs({ gpu: 4 }))).toBeUndefined();
  });

  it('ignores nodes that are not ready', () => {
    const halfDown = cluster('a', { nodes: [{ cpu: 8, ready: false }, { cpu: 1 }] });
    expect(rejection(halfDown, needs({ cpu: 2 }))).toBe('needs 2 cpu, 1 free');
    expect(rejection(cluster('b', { nodes: [{ cpu: 8, ready: false }] }), needs({ cpu: 1 }))).toBe('no ready nodes');
  });

  it('counts fractions exactly', () => {
    const tenths = workload('job', { replicas: 3, resources: { cpu: 0.1 } });
    expect(rejection(cluster('a', { nodes: [{ cpu: 0.3 }] }), tenths)).toBeUndefined();
  });
});

describe('describeRejections', () => {
  it('names each cluster and its reason, in name order (the issue example)', () => {
    const result = place({
      workload: workload('big', { resources: { cpu: 4 } }),
      clusters: [cluster('onprem', { nodes: [{ cpu: 1.5 }] }), cluster('cloud', { nodes: [{ cpu: 8 }] })],
      filterPolicies: [filterPolicy('remove-cloud', { exclude: ['cloud'] })],
    });
    expect(result.unplaced).toBe(1);
    expect(describeRejections(result.reasons)).toBe(
      'cloud: excluded by FilterPolicy remove-cloud; onprem: needs 4 cpu, 1.5 free',
    );
  });

  it('says when there is no cluster at all', () => {
    const result = place({ workload: workload('job'), clusters: [], filterPolicies: [] });
    expect(result.unplaced).toBe(1);
    expect(describeRejections(result.reasons)).toBe('no clusters are registered');
  });
});
