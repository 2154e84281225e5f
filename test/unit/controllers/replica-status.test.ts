/**
 * ReplicaStatus without processes: a FakeClusterManager reports replica states, one sync()
 * reports them as this cluster's replicaStatus entry (FakeWriters lands it), and a controlled
 * clock times the wait before an eviction request.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WorkloadReport } from '../../../src/cluster-managers/types.js';
import { ReplicaStatus } from '../../../src/controllers/replica-status.js';
import { describeRef, refOf } from '../../../src/domain/object-ref.js';
import type { Workload, WorkloadStatus } from '../../../src/domain/types.js';
import { FakeClusterManager, type FakeClusterManagerOptions } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const KEY = 'Job/default/w';
const START = Date.parse('2026-12-01T12:00:00.000Z');

function placedOnA(replicas: number, extra: Partial<Workload['spec']> = {}, status: Partial<WorkloadStatus> = {}): Workload {
  const w = workload('w', { replicas });
  return { ...w, spec: { ...w.spec, ...extra }, status: { ...w.status, phase: 'SCHEDULED', placements: [{ cluster: 'a', replicas }], observedGeneration: 1, ...status } } as Workload;
}

function setup(w: Workload, managerOptions: FakeClusterManagerOptions = {}) {
  const listers = new FakeListers().seed(cluster('a'), cluster('b'), w);
  const writers = new FakeWriters({ listers });
  const clock = { now: START };
  const status = new ReplicaStatus({ clusterName: 'a', listers, writer: writers, logger, now: () => clock.now });
  const manager = new FakeClusterManager(managerOptions);
  const report = (r: Partial<WorkloadReport>) =>
    manager.reports.set(describeRef(refOf(w)), { ref: refOf(w), replicas: [], pending: 0, running: 0, succeeded: 0, failed: 0, ...r });
  return { listers, writers, clock, status, manager, report };
}

describe('ReplicaStatus.sync', () => {
  it('reports nothing of a workload taken off the cluster while the cluster was answering', async () => {
    const { listers, writers, status, manager, report } = setup(placedOnA(1));
    report({ running: 1, externalId: 'w-abc' });
    const answer = manager.status.bind(manager);
    manager.status = async (refs) => {
      const reports = await answer(refs);
      // The admission was withdrawn meanwhile: the scheduler removed the placement.
      const w = listers.workload(KEY)!;
      listers.apply({ ...w, status: { ...w.status, placements: [] } } as Workload);
      return reports;
    };

    await status.sync(manager);

    expect(writers.writes).toEqual([]);
  });

  it("reports the cluster's replica states as its entry, and asks only for what is placed there", async () => {
    const other = { ...workload('elsewhere'), status: { ...workload('elsewhere').status, placements: [{ cluster: 'b', replicas: 1 }] } } as Workload;
    const { listers, writers, status, manager, report } = setup(placedOnA(2));
    listers.seed(other);
    report({ running: 2, externalId: 'w-abc' });

    await expect(status.sync(manager)).resolves.toBeUndefined();

    expect(manager.calls).toEqual([{ method: 'status', refs: [refOf(placedOnA(2))] }]);
    const entry = { cluster: 'a', pending: 0, running: 2, succeeded: 0, failed: 0, externalId: 'w-abc' };
    expect(writers.writes).toEqual([{ type: 'replicaReport', key: KEY, entry, conditions: [] }]);
    expect(listers.workload(KEY)!.status).toMatchObject({ phase: 'RUNNING', replicaStatus: [entry] });
  });

  it('writes nothing when nothing changed, and nothing for a workload the cluster does not know yet', async () => {
    const { writers, status, manager, report } = setup(placedOnA(1));
    await status.sync(manager); // not submitted yet: no report
    expect(writers.writes).toEqual([]);

    report({ running: 1 });
    await status.sync(manager);
    await status.sync(manager);
    expect(writers.writes).toHaveLength(1);
  });

  it('asks for an eviction once replicas waited past the timeout, and keeps the same request until answered', async () => {
    const { listers, writers, clock, status, manager, report } = setup(placedOnA(2, { waitTimeout: 5 }));
    report({ pending: 2 });

    // Waiting, not overdue: reported, and sync says when to look again.
    await expect(status.sync(manager)).resolves.toBe(5_000);
    expect(writers.writes[0]).toMatchObject({ entry: { pending: 2 } });
    expect(writers.writes[0].type === 'replicaReport' && writers.writes[0].entry.evictionRequest).toBeUndefined();

    clock.now += 3_000;
    await expect(status.sync(manager)).resolves.toBe(2_000);
    expect(writers.writes).toHaveLength(1);

    clock.now += 2_000;
    await expect(status.sync(manager)).resolves.toBeUndefined();
    const request = {
      replicas: 2,
      requestedAt: new Date(START + 5_000).toISOString(),
      message: '2 replica(s) waited more than 5s in cluster a without starting; evicted to be placed elsewhere',
    };
    expect(writers.writesOf('replicaReport')[1].entry.evictionRequest).toEqual(request);

    // Not answered yet: the same request stands, nothing new to write.
    clock.now += 10_000;
    await status.sync(manager);
    expect(writers.writes).toHaveLength(2);
    expect(listers.workload(KEY)!.status.replicaStatus[0].evictionRequest).toEqual(request);

    // The scheduler answers (one of two replicas still placed here): the clock starts again.
    const answered = listers.workload(KEY)!;
    listers.apply({
      ...answered,
      status: {
        ...answered.status,
        placements: [{ cluster: 'a', replicas: 1 }],
        evictions: [{ cluster: 'a', replicas: 1, at: request.requestedAt, reason: 'WaitTimeout', message: request.message, requestedAt: request.requestedAt }],
      },
    } as Workload);
    report({ pending: 1 });
    await expect(status.sync(manager)).resolves.toBe(5_000);
    expect(writers.writesOf('replicaReport')[2].entry).toEqual({
      cluster: 'a',
      pending: 1,
      running: 0,
      succeeded: 0,
      failed: 0,
      pendingSince: new Date(clock.now).toISOString(),
    });
  });

  it('goes on with the clock of the entry when another Skylet takes the cluster over: the deadline is neither forgotten nor moved', async () => {
    const { listers, writers, clock, status, manager, report } = setup(placedOnA(1, { waitTimeout: 60 }));
    report({ pending: 1 });
    await expect(status.sync(manager)).resolves.toBe(60_000);
    expect(writers.writesOf('replicaReport')[0].entry.pendingSince).toBe(new Date(START).toISOString());

    // 50 s later this replica dies; the cluster's Skylet starts on another one, with nothing in
    // memory but what the API holds.
    clock.now += 50_000;
    const successor = new ReplicaStatus({ clusterName: 'a', listers, writer: writers, logger, now: () => clock.now });
    await expect(successor.sync(manager)).resolves.toBe(10_000);
    expect(writers.writes).toHaveLength(1); // the same entry: nothing to write

    clock.now += 10_000;
    await expect(successor.sync(manager)).resolves.toBeUndefined();
    expect(writers.writesOf('replicaReport')[1].entry).toMatchObject({
      pendingSince: new Date(START).toISOString(),
      evictionRequest: { replicas: 1, requestedAt: new Date(START + 60_000).toISOString() },
    });
  });

  it('starts the clock again when the replicas stopped waiting in between, and never trusts one from the future', async () => {
    const { listers, writers, clock, status, manager, report } = setup(placedOnA(1, { waitTimeout: 60 }));
    report({ pending: 1 });
    await status.sync(manager);
    report({ running: 1 });
    clock.now += 30_000;
    await expect(status.sync(manager)).resolves.toBeUndefined();
    expect(writers.writesOf('replicaReport')[1].entry.pendingSince).toBeUndefined();

    report({ pending: 1 });
    clock.now += 1_000;
    await expect(status.sync(manager)).resolves.toBe(60_000);
    expect(writers.writesOf('replicaReport')[2].entry.pendingSince).toBe(new Date(clock.now).toISOString());

    // An entry written by a machine whose clock runs ahead: counted from now, never earlier.
    const w = listers.workload(KEY)!;
    listers.apply({ ...w, status: { ...w.status, replicaStatus: [{ ...w.status.replicaStatus[0], pendingSince: new Date(clock.now + 3_600_000).toISOString() }] } } as Workload);
    await expect(status.sync(manager)).resolves.toBe(60_000);
  });

  it('sets ImageIgnored for a manager that runs `run` without the image', async () => {
    const { writers, status, manager, report } = setup(placedOnA(1), { capabilities: { usesImage: false } });
    report({ running: 1 });

    await status.sync(manager);

    expect(writers.writesOf('replicaReport')[0].conditions).toEqual([
      {
        type: 'ImageIgnored',
        status: 'True',
        reason: 'LocalCluster',
        message: "cluster a runs 'run' directly on its nodes; image gcr.io/sky-burst/skyburst:latest is not used",
      },
    ]);
    // Held now: the next sync writes nothing.
    await status.sync(manager);
    expect(writers.writes).toHaveLength(1);
  });

  it('leaves settled jobs alone: the cluster is not asked about them', async () => {
    const done = placedOnA(1, {}, { phase: 'COMPLETED', replicaStatus: [{ cluster: 'a', pending: 0, running: 0, succeeded: 1, failed: 0 }] });
    const { writers, status, manager } = setup(done);
    await status.sync(manager);
    expect(manager.calls).toEqual([]);
    expect(writers.writes).toEqual([]);
  });
});
