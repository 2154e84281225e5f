/**
 * The Skylet's cost account (ReplicaStatus and Flow): a FakeClusterManager reports what runs on a
 * priced cluster, sync() writes the entry's cost (FakeWriters lands it in the listers), and a
 * controlled clock times the intervals.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WorkloadReport } from '../../../src/cluster-managers/types.js';
import { Flow } from '../../../src/controllers/flow.js';
import { ReplicaStatus } from '../../../src/controllers/replica-status.js';
import { describeRef, refOf } from '../../../src/domain/object-ref.js';
import type { ClusterCost } from '../../../src/domain/spec/cluster-spec.js';
import type { Cluster, ClusterReplicaStatus, Workload } from '../../../src/domain/types.js';
import { FakeClusterManager } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const KEY = 'Job/default/w';
const START = Date.parse('2026-12-01T12:00:00.000Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A cluster at `cost` per hour of each resource. */
function priced(name: string, cost: ClusterCost | undefined): Cluster {
  const c = cluster(name, { nodes: [{ cpu: 16, gpu: 4 }] });
  return { ...c, spec: { ...c.spec, ...(cost ? { cost } : {}) } };
}

/** Replicas of 2 cores, 1 GPU and 4 GiB: at {cpu 0.5, gpu 3, memory 0.25} one costs 1 + 3 + 1 = 5 per hour. */
function placedOnA(replicas: number): Workload {
  const w = workload('w', { replicas, resources: { cpu: 2, gpu: 1, memory: 4096 } });
  return { ...w, status: { ...w.status, phase: 'SCHEDULED', placements: [{ cluster: 'a', replicas }], observedGeneration: 1 } } as Workload;
}

/** `cost` null: a free cluster. */
function setup(w: Workload, cost: ClusterCost | null = { cpu: 0.5, gpu: 3, memory: 0.25 }) {
  const listers = new FakeListers().seed(priced('a', cost ?? undefined), w);
  const writers = new FakeWriters({ listers });
  const clock = { now: START };
  const status = new ReplicaStatus({ clusterName: 'a', listers, writer: writers, logger, now: () => clock.now });
  const manager = new FakeClusterManager();
  const report = (r: Partial<WorkloadReport>) =>
    manager.reports.set(describeRef(refOf(w)), { ref: refOf(w), replicas: [], pending: 0, running: 0, succeeded: 0, failed: 0, ...r });
  const entry = () => listers.workload(KEY)!.status.replicaStatus.find((r) => r.cluster === 'a');
  const costs = () => writers.writes.flatMap((w) => (w.type === 'replicaReport' ? [w.entry.cost] : []));
  return { listers, writers, clock, status, manager, report, entry, costs };
}

describe('ReplicaStatus: the cost account', () => {
  it('charges running replicas, not pending ones, and writes only when the rate changes', async () => {
    const { clock, status, manager, report, entry, costs } = setup(placedOnA(3));
    report({ pending: 3 });
    await status.sync(manager);
    expect(entry()!.cost).toBeUndefined(); // waiting costs nothing

    clock.now = START + MINUTE;
    report({ pending: 1, running: 2 });
    await status.sync(manager);
    expect(entry()!.cost).toEqual({ accrued: 0, ratePerHour: 10, since: iso(START + MINUTE) });

    // Still 2 running: the account stays as it is, however the pending count moves.
    clock.now = START + 7 * MINUTE;
    report({ pending: 0, running: 2, failed: 1 });
    await status.sync(manager);
    expect(entry()!.cost).toEqual({ accrued: 0, ratePerHour: 10, since: iso(START + MINUTE) });

    // 10/h for 30 minutes, then the last one finishes.
    clock.now = START + 31 * MINUTE;
    report({ running: 0, succeeded: 2, failed: 1 });
    await status.sync(manager);
    expect(entry()!.cost).toEqual({ accrued: 5, ratePerHour: 0 });
    expect(costs()).toEqual([undefined, { accrued: 0, ratePerHour: 10, since: iso(START + MINUTE) }, { accrued: 0, ratePerHour: 10, since: iso(START + MINUTE) }, { accrued: 5, ratePerHour: 0 }]);
  });

  it('closes the interval and opens one at the new price when the cluster changes its price', async () => {
    const { listers, clock, status, manager, report, entry } = setup(placedOnA(1));
    report({ running: 1 });
    await status.sync(manager);

    clock.now = START + 12 * MINUTE; // 5/h for a fifth of an hour
    listers.apply(priced('a', { cpu: 0.5, gpu: 8, memory: 0.25 }));
    await status.sync(manager);

    expect(entry()!.cost).toEqual({ accrued: 1, ratePerHour: 10, since: iso(START + 12 * MINUTE) });
  });

  it('keeps no account on a free cluster', async () => {
    const { writers, status, manager, report } = setup(placedOnA(2), null);
    report({ running: 2 });
    await status.sync(manager);
    const [write] = writers.writes;
    expect(write).toMatchObject({ type: 'replicaReport', entry: { running: 2 } });
    expect((write as { entry: ClusterReplicaStatus }).entry.cost).toBeUndefined();
  });

  it('goes on with the account a Skylet elsewhere wrote: a successor closes the same interval', async () => {
    const { listers, writers, clock, status, manager, report, entry } = setup(placedOnA(1));
    report({ running: 1 });
    await status.sync(manager);

    clock.now = START + 6 * MINUTE;
    const successor = new ReplicaStatus({ clusterName: 'a', listers, writer: writers, logger, now: () => clock.now });
    await successor.sync(manager); // same rate: nothing to write
    expect(writers.writes).toHaveLength(1);

    report({ running: 0, succeeded: 1 });
    await successor.sync(manager);
    expect(entry()!.cost).toEqual({ accrued: 0.5, ratePerHour: 0 });
  });
});

describe('Flow: clearing the entry keeps the account', () => {
  it('closes the open interval of the replicas it deleted and keeps what they cost', async () => {
    const running: ClusterReplicaStatus = {
      cluster: 'a',
      pending: 0,
      running: 2,
      succeeded: 0,
      failed: 0,
      externalId: 'w-a',
      cost: { accrued: 1, ratePerHour: 10, since: iso(START) },
    };
    const w = placedOnA(2);
    const movedOff = { ...w, status: { ...w.status, placements: [], replicaStatus: [running] } } as Workload;
    const listers = new FakeListers().seed(movedOff);
    const writers = new FakeWriters({ listers });
    const flow = new Flow('a', listers, writers, () => START + 3 * MINUTE);

    await flow.reconcile(KEY, new FakeClusterManager());

    // 10/h for 3 minutes = 0.5, plus the 1 accrued before.
    expect(writers.writes).toEqual([
      { type: 'replicaReport', key: KEY, entry: { cluster: 'a', pending: 0, running: 0, succeeded: 0, failed: 0, cost: { accrued: 1.5, ratePerHour: 0 } }, conditions: [] },
    ]);
  });
});
