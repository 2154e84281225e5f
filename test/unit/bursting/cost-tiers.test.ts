/** Placement with prices: cheaper clusters first, and a closed burst gate keeps work on the cheapest tier. */
import { describe, expect, it } from 'vitest';
import { burstGate, openedByEstimate, type BurstGate } from '../../../src/bursting/burst-gate.js';
import { placeUnderGate } from '../../../src/bursting/place-under-gate.js';
import type { Cluster, ClusterCost, Workload } from '../../../src/domain/types.js';
import { place } from '../../../src/scheduler/place.js';
import { cluster, workload, type NodeSpec } from '../scheduler/fixtures.js';

const priced = (name: string, cost: Partial<ClusterCost>, nodes: NodeSpec[]): Cluster => {
  const c = cluster(name, { nodes });
  return { ...c, spec: { ...c.spec, cost: { cpu: 0, gpu: 0, memory: 0, ...cost } } };
};
/** A cluster whose nodes have `total` cores and `free` of them free. */
const busy = (name: string, total: number, free: number, cost?: Partial<ClusterCost>): Cluster => {
  const c = cost ? priced(name, cost, [{ cpu: free }]) : cluster(name, { nodes: [{ cpu: free }] });
  const nodes = c.status.nodes.map((n) => ({ ...n, capacity: { ...n.capacity, cpu: total } }));
  return { ...c, status: { ...c.status, nodes, capacity: { ...c.status.capacity, cpu: total } } };
};

const T0 = Date.parse('2026-01-01T00:00:00Z');
const closed = (w: Workload, waitS = 600): BurstGate => burstGate({ workload: w, policy: { policy: 'CONSTANT', coefficient: waitS }, source: 'queue', stats: undefined, now: T0 });

describe('prices in placement', () => {
  it('serves the cheaper cluster first, whatever the room (an open gate)', () => {
    const clusters = [priced('cloud', { cpu: 0.05 }, [{ cpu: 64 }]), cluster('on-prem', { nodes: [{ cpu: 4 }] })];
    const result = place({ workload: workload('j', { replicas: 6 }), clusters, filterPolicies: [] });
    expect(result.placements).toEqual([
      { cluster: 'cloud', replicas: 2 },
      { cluster: 'on-prem', replicas: 4 },
    ]);
    expect(result.division).toContain('cheapest first');
  });

  it('a lone replica goes to the cheapest cluster with room', () => {
    const clusters = [priced('cloud', { cpu: 0.05 }, [{ cpu: 64 }]), cluster('on-prem', { nodes: [{ cpu: 1 }] })];
    expect(place({ workload: workload('j'), clusters, filterPolicies: [] }).placements).toEqual([{ cluster: 'on-prem', replicas: 1 }]);
  });

  it('a closed gate keeps a job on the full cheap cluster and says what the costly one costs and when it may go there', () => {
    const w = workload('j', { replicas: 2 });
    const clusters = [busy('on-prem', 4, 0), priced('cloud', { cpu: 1.2 }, [{ cpu: 64 }])];
    const result = place({ workload: w, clusters, filterPolicies: [], now: T0, burst: closed(w) });
    expect(result.placements).toEqual([]);
    expect(result.waitingFor).toEqual(['on-prem']);
    expect(result.reasons.cloud).toBe('costs 1.20/h a replica, more than 0.00/h: it waits 10m for cheaper clusters, until 2026-01-01T00:10:00.000Z (CONSTANT, c 600)');
    expect(result.reasons['on-prem']).toMatch(/needs 1 cpu/);
  });

  it('an open gate lets it burst to the costly cluster', () => {
    const w = workload('j', { replicas: 2 });
    const clusters = [busy('on-prem', 4, 0), priced('cloud', { cpu: 1.2 }, [{ cpu: 64 }])];
    const gate = burstGate({ workload: w, policy: { policy: 'CONSTANT', coefficient: 600 }, source: 'queue', stats: undefined, now: T0 + 600_000 });
    expect(gate.open).toBe(true);
    expect(place({ workload: w, clusters, filterPolicies: [], now: T0, burst: gate }).placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
  });

  it('a job the cheap cluster could never hold, even empty, is not kept waiting for it', () => {
    const w = workload('j', { replicas: 8 });
    const clusters = [busy('on-prem', 4, 0), priced('cloud', { cpu: 1.2 }, [{ cpu: 64 }])];
    expect(place({ workload: w, clusters, filterPolicies: [], burst: closed(w) }).placements).toEqual([{ cluster: 'cloud', replicas: 8 }]);
  });

  it('the cheapest tier is among the clusters the job may use: a cheap cluster in ERROR does not hold it', () => {
    const w = workload('j');
    const down = cluster('on-prem', { phase: 'ERROR' });
    const clusters = [down, priced('cloud', { cpu: 1.2 }, [{ cpu: 64 }])];
    expect(place({ workload: w, clusters, filterPolicies: [], burst: closed(w) }).placements).toEqual([{ cluster: 'cloud', replicas: 1 }]);
  });

  it('tiers have several clusters: equal prices wait together, costlier ones not', () => {
    const w = workload('j');
    const clusters = [busy('a', 4, 0), busy('b', 4, 0), priced('cloud', { cpu: 1.2 }, [{ cpu: 64 }])];
    expect(place({ workload: w, clusters, filterPolicies: [], burst: closed(w) }).waitingFor).toEqual(['a', 'b']);
  });

  it('prices count cores, GPUs and GiB', () => {
    const w = workload('j', { resources: { cpu: 2, gpu: 1, memory: 4096 } });
    const c = priced('cloud', { cpu: 0.1, gpu: 2, memory: 0.01 }, [{ cpu: 64, gpu: 8 }]);
    const full = busy('on-prem', 4, 0);
    const gpuNodes = full.status.nodes.map((n) => ({ ...n, capacity: { ...n.capacity, gpu: 1 } }));
    const onPrem = { ...full, status: { ...full.status, nodes: gpuNodes } };
    const result = place({ workload: w, clusters: [onPrem, c], filterPolicies: [], burst: closed(w) });
    // 2 x 0.1 + 1 x 2 + 4 GiB x 0.01
    expect(result.reasons.cloud).toMatch(/^costs 2\.24\/h a replica/);
  });
});

describe('placeUnderGate and the start-time estimate', () => {
  const w = workload('j', { replicas: 2 });
  const clusters = [busy('on-prem', 4, 0), priced('cloud', { cpu: 1.2 }, [{ cpu: 64 }])];
  const input = { workload: w, clusters, filterPolicies: [], now: T0 };

  it('waits when the cheap tier would start it before the wait ends', () => {
    const { result, gate } = placeUnderGate(input, closed(w), () => T0 + 60_000);
    expect(result.placements).toEqual([]);
    expect(gate).toMatchObject({ open: false, estimatedStart: T0 + 60_000 });
  });

  it('bursts at once when the cheap tier would start it only after the wait ends', () => {
    const { result, gate } = placeUnderGate(input, closed(w), () => T0 + 3_600_000);
    expect(result.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
    expect(gate!.open).toBe(true);
    expect(gate!.reason).toBe('the cheaper clusters would start it at 2026-01-01T01:00:00.000Z, after its wait of 10m ends (CONSTANT, c 600), so it does not wait');
  });

  it('bursts at once when the cheap tier would never start it', () => {
    expect(placeUnderGate(input, closed(w), () => Infinity).result.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
  });

  it('INFINITE never bursts, whatever the estimate', () => {
    const never = burstGate({ workload: w, policy: { policy: 'INFINITE' }, source: 'queue', stats: undefined, now: T0 });
    expect(openedByEstimate(never, Infinity).open).toBe(false);
    expect(placeUnderGate(input, never, () => Infinity).result.placements).toEqual([]);
  });

  it('does not ask for an estimate when nothing waits for the cheap tier', () => {
    let asked = 0;
    const roomy = [cluster('on-prem', { nodes: [{ cpu: 4 }] }), clusters[1]];
    const { result } = placeUnderGate({ ...input, clusters: roomy }, closed(w), () => (asked++, Infinity));
    expect(result.placements).toEqual([{ cluster: 'on-prem', replicas: 2 }]);
    expect(asked).toBe(0);
  });
});
