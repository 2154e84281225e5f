import { describe, expect, it } from 'vitest';
import { describeRejections } from '../../../src/scheduler/messages.js';
import { place } from '../../../src/scheduler/place.js';
import { Reservations } from '../../../src/scheduler/reservations.js';
import { cluster, workload } from './fixtures.js';

const twoCpu = { cpu: 2, memory: 0, gpu: 0 };

describe('Reservations.apply', () => {
  const ledgerHolding = (cluster: string, replicas: number) => {
    const ledger = new Reservations();
    ledger.hold('jobs/default/held', twoCpu, [{ cluster, replicas }]);
    return ledger;
  };

  it('charges in-flight replicas to the node with the most room, and to the totals', () => {
    const [c] = ledgerHolding('a', 2).apply([cluster('a', { nodes: [{ cpu: 2 }, { cpu: 7 }] })]);
    expect(c.status.nodes.map((n) => n.allocatable.cpu)).toEqual([2, 3]);
    expect(c.status.allocatable.cpu).toBe(5);
  });

  it('asked again over the same clusters, recharges those whose holds changed and leaves earlier answers as they were', () => {
    const clusters = [cluster('a'), cluster('b'), cluster('c')];
    const ledger = new Reservations();
    const first = ledger.apply(clusters);
    expect(first).toEqual(clusters);
    ledger.hold('jobs/default/one', twoCpu, [{ cluster: 'b', replicas: 1 }]);
    const second = ledger.apply(clusters);
    expect(second.map((c) => c.status.allocatable.cpu)).toEqual([4, 2, 4]);
    expect(first[1]).toBe(clusters[1]);
    ledger.hold('jobs/default/two', twoCpu, [{ cluster: 'c', replicas: 2 }]);
    ledger.forget('jobs/default/one');
    const third = ledger.apply(clusters);
    expect(third.map((c) => c.status.allocatable.cpu)).toEqual([4, 4, 0]);
    expect(second.map((c) => c.status.allocatable.cpu)).toEqual([4, 2, 4]);
    // Other clusters (a new report) are charged whole, then followed the same way.
    const reported = [cluster('a', { nodes: [{ cpu: 8 }] }), ...clusters.slice(1)];
    expect(ledger.apply(reported).map((c) => c.status.allocatable.cpu)).toEqual([8, 4, 0]);
    ledger.hold('jobs/default/three', twoCpu, [{ cluster: 'a', replicas: 3 }]);
    expect(ledger.apply(reported).map((c) => c.status.allocatable.cpu)).toEqual([2, 4, 0]);
  });

  it('leaves other clusters untouched and does not modify its input', () => {
    const a = cluster('a');
    const b = cluster('b');
    const [a2, b2] = ledgerHolding('a', 1).apply([a, b]);
    expect(b2).toBe(b);
    expect(a.status.nodes[0].allocatable.cpu).toBe(4);
    expect(a2.status.nodes[0].allocatable.cpu).toBe(2);
  });

  it('does not charge replicas no node can host', () => {
    const [c] = ledgerHolding('a', 1).apply([cluster('a', { nodes: [{ cpu: 1 }] })]);
    expect(c.status.nodes[0].allocatable.cpu).toBe(1);
  });

  it('charges a newly reported status again', () => {
    const ledger = ledgerHolding('a', 1);
    expect(ledger.apply([cluster('a')])[0].status.nodes[0].allocatable.cpu).toBe(2);
    expect(ledger.apply([cluster('a', { nodes: [{ cpu: 10 }] })])[0].status.nodes[0].allocatable.cpu).toBe(8);
  });
});

describe('Reservations', () => {
  const oneNode = [cluster('solo', { nodes: [{ cpu: 4 }] })];
  const job = (name: string) => workload(name, { resources: { cpu: 2 } });

  /** Places a burst of jobs the way the scheduler controller does: each against the ledger. */
  function placeBurst(ledger: Reservations, names: string[]) {
    return names.map((name) => {
      const result = place({ workload: job(name), clusters: ledger.apply(oneNode), filterPolicies: [] });
      ledger.hold(`jobs/default/${name}`, job(name).spec.resources, result.placements);
      return result;
    });
  }

  it('keeps a burst of jobs from over-committing a cluster that has not reported yet', () => {
    const [first, second, third] = placeBurst(new Reservations(), ['j1', 'j2', 'j3']);
    expect(first.placements).toEqual([{ cluster: 'solo', replicas: 1 }]);
    expect(second.placements).toEqual([{ cluster: 'solo', replicas: 1 }]);
    expect(third.placements).toEqual([]);
    expect(describeRejections(third.reasons)).toBe('solo: needs 2 cpu, 0 free');
  });

  it('gives the capacity back once released or forgotten', () => {
    const ledger = new Reservations();
    placeBurst(ledger, ['j1', 'j2']);
    ledger.release('jobs/default/j1', 'solo');
    ledger.forget('jobs/default/j2');
    expect(ledger.inFlight()).toEqual([]);
    expect(ledger.apply(oneNode)[0].status.nodes[0].allocatable.cpu).toBe(4);
  });

  it('replaces a workload’s hold when it is placed again', () => {
    const ledger = new Reservations();
    ledger.hold('jobs/default/j', twoCpu, [{ cluster: 'solo', replicas: 2 }]);
    ledger.hold('jobs/default/j', twoCpu, [{ cluster: 'other', replicas: 1 }]);
    expect(ledger.inFlight()).toEqual([{ cluster: 'other', resources: twoCpu, replicas: 1 }]);
  });

  it('releases one cluster of a workload at a time', () => {
    const ledger = new Reservations();
    ledger.hold('jobs/default/j', twoCpu, [
      { cluster: 'a', replicas: 1 },
      { cluster: 'b', replicas: 1 },
    ]);
    ledger.release('jobs/default/j', 'a');
    expect(ledger.inFlight()).toEqual([{ cluster: 'b', resources: twoCpu, replicas: 1 }]);
  });
});
