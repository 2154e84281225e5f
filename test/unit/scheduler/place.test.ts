import { describe, expect, it } from 'vitest';
import { sendingLogLine } from '../../../src/scheduler/messages.js';
import { place } from '../../../src/scheduler/place.js';
import { cluster, workload } from './fixtures.js';

const clustersWithRoom = (rooms: Record<string, number>) =>
  Object.entries(rooms).map(([name, cpu]) => cluster(name, { nodes: [{ cpu }] }));

describe('the original demo', () => {
  // The seed transcript's clusters: mluo-cloud has 6 cpu, mluo-onprem 4, both mostly used by
  // other work; each node reports what is still free.
  const mluoCloud = cluster('mluo-cloud', { nodes: [{ cpu: 2 }, { cpu: 1.2 }, { cpu: 0.4 }] });
  const mluoOnprem = cluster('mluo-onprem', { nodes: [{ cpu: 0.6 }, { cpu: 1.1 }] });

  it('demo 1: a 1-cpu job lands on one cluster', () => {
    const result = place({ workload: workload('sky-165c0f23'), clusters: [mluoOnprem, mluoCloud], filterPolicies: [] });
    expect(result).toEqual({
      placements: [{ cluster: 'mluo-cloud', replicas: 1 }],
      unplaced: 0,
      reasons: {},
      division: 'SPREAD by room (room: replicas a cluster could still take): mluo-cloud 3, mluo-onprem 1 → mluo-cloud 1, mluo-onprem 0',
    });
  });

  it('demo 3: 4 replicas of 1 cpu spread 3/1 by what each cluster can take', () => {
    const job = workload('sky-e76f7a2c', { replicas: 4 });
    const result = place({ workload: job, clusters: [mluoOnprem, mluoCloud], filterPolicies: [] });
    expect(result.unplaced).toBe(0);
    expect(sendingLogLine(job, result.placements)).toBe(
      "Sending job sky-e76f7a2c to clusters {'mluo-cloud': 3, 'mluo-onprem': 1}.",
    );
  });
});

describe('SPREAD', () => {
  it.each([
    [{ a: 6, b: 2 }, 4, { a: 3, b: 1 }],
    [{ a: 4, b: 4 }, 4, { a: 2, b: 2 }],
    [{ a: 10, b: 10, c: 10 }, 6, { a: 2, b: 2, c: 2 }],
    [{ a: 3, b: 1 }, 4, { a: 3, b: 1 }],
  ])('divides by room: rooms %j, %i replicas → %j', (rooms, replicas, expected) => {
    const clusters = clustersWithRoom(rooms);
    const result = place({ workload: workload('job', { replicas }), clusters, filterPolicies: [] });
    expect(Object.fromEntries(result.placements.map((p) => [p.cluster, p.replicas]))).toEqual(expected);
  });

  it('is the default strategy', () => {
    const job = workload('job', { replicas: 2 });
    expect(job.spec.placement.strategy).toBe('SPREAD');
    const result = place({ workload: job, clusters: clustersWithRoom({ a: 4, b: 4 }), filterPolicies: [] });
    expect(result.placements).toHaveLength(2);
  });
});

describe('PACK', () => {
  const pack = (replicas: number) => workload('job', { replicas, strategy: 'PACK' });

  it('puts everything on one cluster when one can take it, the tightest such', () => {
    const result = place({ workload: pack(4), clusters: clustersWithRoom({ a: 2, b: 8, c: 5 }), filterPolicies: [] });
    expect(result.placements).toEqual([{ cluster: 'c', replicas: 4 }]);
  });

  it('uses the fewest clusters when none can take it all', () => {
    const clusters = clustersWithRoom({ a: 2, b: 5, c: 3, d: 1 });
    const result = place({ workload: pack(7), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([
      { cluster: 'a', replicas: 2 },
      { cluster: 'b', replicas: 5 },
    ]);
  });
});

describe('per-node bin packing', () => {
  // Two nodes with 1.5 cpu each: 3 cpu in total, but only one 1-cpu replica fits on each.
  const fragmented = cluster('fragmented', { nodes: [{ cpu: 1.5 }, { cpu: 1.5 }] });

  it('lets a cluster take a replica only while some node still has room', () => {
    const deployment = workload('web', { kind: 'Deployment', replicas: 3 });
    const result = place({ workload: deployment, clusters: [fragmented], filterPolicies: [] });
    expect(result.placements).toEqual([{ cluster: 'fragmented', replicas: 2 }]);
    expect(result.unplaced).toBe(1);
    expect(result.reasons).toEqual({ fragmented: 'full after 2 replicas' });
  });
});

describe('gang placement', () => {
  const clusters = clustersWithRoom({ cloud: 3, onprem: 1 });

  it('places all replicas of a Job or none, with every cluster’s reason', () => {
    const result = place({ workload: workload('job', { replicas: 5 }), clusters, filterPolicies: [] });
    expect(result).toEqual({
      placements: [],
      unplaced: 5,
      reasons: { cloud: 'full after 3 replicas', onprem: 'full after 1 replica' },
      division: '',
    });
  });

  it('places what fits of a Deployment', () => {
    const web = workload('web', { kind: 'Deployment', replicas: 5 });
    const result = place({ workload: web, clusters, filterPolicies: [] });
    expect(result.placements).toEqual([
      { cluster: 'cloud', replicas: 3 },
      { cluster: 'onprem', replicas: 1 },
    ]);
    expect(result.unplaced).toBe(1);
  });

  it('places only the replicas asked for, so a Deployment can ask again for the rest', () => {
    const web = workload('web', { kind: 'Deployment', replicas: 5 });
    expect(place({ workload: web, clusters, filterPolicies: [], replicas: 1 }).placements).toEqual([
      { cluster: 'cloud', replicas: 1 },
    ]);
  });
});

describe('ties', () => {
  it('go to the first cluster by name, whatever the input order', () => {
    const [a, b] = clustersWithRoom({ a: 4, b: 4 });
    for (const clusters of [
      [a, b],
      [b, a],
    ]) {
      expect(place({ workload: workload('job'), clusters, filterPolicies: [] }).placements).toEqual([
        { cluster: 'a', replicas: 1 },
      ]);
    }
  });

  it('give the same plan for the same input', () => {
    const clusters = clustersWithRoom({ x: 5, y: 3, z: 5 });
    const job = workload('job', { replicas: 7 });
    const first = place({ workload: job, clusters, filterPolicies: [] });
    expect(place({ workload: job, clusters: [...clusters].reverse(), filterPolicies: [] })).toEqual(first);
  });
});

describe('sendingLogLine', () => {
  it('names the kind', () => {
    expect(sendingLogLine(workload('web', { kind: 'Deployment' }), [{ cluster: 'a', replicas: 2 }])).toBe(
      "Sending deployment web to clusters {'a': 2}.",
    );
  });
});
