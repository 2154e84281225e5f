/**
 * SchedulerController without processes: seed the listers, reconcile once, assert the
 * placement writes (FakeWriters applies them with the API's preconditions and derived phase).
 */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { SchedulerController } from '../../../src/controllers/scheduler-controller.js';
import { ConflictError } from '../../../src/domain/errors.js';
import type { Cluster, Workload, WorkloadStatus } from '../../../src/domain/types.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const KEY = 'Job/default/w';

function setup(...objects: Array<Cluster | Workload>) {
  const listers = new FakeListers().seed(...objects);
  const writers = new FakeWriters({ listers });
  const scheduler = new SchedulerController({ listers, writer: writers, logger, failoverGraceMs: 60_000 });
  return { listers, writers, scheduler };
}

function withStatus(w: Workload, status: Partial<WorkloadStatus>): Workload {
  return { ...w, status: { ...w.status, ...status } } as Workload;
}

/** A cluster in ERROR since `sinceMs` ago, as its health probe leaves it. */
function erroredCluster(name: string, sinceMs: number): Cluster {
  const c = cluster(name);
  const lastTransitionTime = new Date(Date.now() - sinceMs).toISOString();
  return {
    ...c,
    status: {
      ...c.status,
      phase: 'ERROR',
      message: 'connection refused',
      conditions: [{ type: 'Ready', status: 'False', reason: 'Unreachable', message: 'connection refused', lastTransitionTime }],
    },
  };
}

describe('SchedulerController.reconcile', () => {
  it('places replicas onto READY clusters only, and the phase follows', async () => {
    const { listers, writers, scheduler } = setup(cluster('a'), erroredCluster('b', 1_000), cluster('c', { phase: 'INIT' }), workload('w', { replicas: 2 }));

    await scheduler.reconcile(KEY);

    const [write] = writers.writesOf('placements');
    expect(writers.writes).toHaveLength(1);
    expect(write.key).toBe(KEY);
    expect(write.decision.placements).toEqual([{ cluster: 'a', replicas: 2 }]);
    expect(write.decision.evictions).toEqual([]);
    expect(write.decision.conditions).toEqual([expect.objectContaining({ type: 'Scheduled', status: 'True', reason: 'Scheduled' })]);
    expect(write.decision.conditions[0].message).toMatch(/^placed on a \(2\)/);
    expect(listers.workload(KEY)!.status).toMatchObject({ phase: 'SCHEDULED', observedGeneration: 1 });
  });

  it("keeps work off clusters its creator may not use, says why, and places it once a binding allows", async () => {
    const creator = { 'sky.io/created-by': JSON.stringify({ username: 'alice', groups: ['team-a'] }) };
    const w = workload('w');
    const created = { ...w, metadata: { ...w.metadata, annotations: creator } } as Workload;
    const listers = new FakeListers().seed(cluster('cloud', { nodes: [{ cpu: 64 }] }), cluster('on-prem', { nodes: [{ cpu: 1, memory: 1 }] }), created);
    const allowed = new Set<string>();
    let changed = () => {};
    listers.clusterAccess = {
      mayUse: (workload, name) => workload.metadata.annotations['sky.io/created-by'] === undefined || allowed.has(name),
      onChange: (handler) => ((changed = handler), () => {}),
    };
    const writers = new FakeWriters({ listers });
    const scheduler = new SchedulerController({ listers, writer: writers, logger, failoverGraceMs: 60_000 });

    await scheduler.reconcile(KEY);
    const pending = writers.writesOf('placements')[0].decision;
    expect(pending.placements).toEqual([]);
    expect(pending.conditions[0].message).toContain('user alice may not use cluster cloud');

    allowed.add('cloud');
    changed();
    await scheduler.reconcile(KEY);
    expect(writers.writesOf('placements').at(-1)!.decision.placements).toEqual([{ cluster: 'cloud', replicas: 1 }]);
  });

  it('leaves what does not fit unplaced, with an Unschedulable condition naming why each cluster refused', async () => {
    const { writers, scheduler } = setup(cluster('a', { nodes: [{ cpu: 1 }] }), erroredCluster('b', 1_000), workload('w', { resources: { cpu: 2 } }));

    await scheduler.reconcile(KEY);

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([]);
    const [scheduled] = decision.conditions;
    expect(scheduled).toMatchObject({ type: 'Scheduled', status: 'False', reason: 'Unschedulable' });
    expect(scheduled.message).toMatch(/^1 of 1 replicas do not fit: /);
    expect(scheduled.message).toContain('a');
    expect(scheduled.message).toContain('b');
    expect(scheduled.message).toMatch(/cpu/i);
  });

  it('scales down from the last cluster by name', async () => {
    const placed = withStatus(workload('w', { replicas: 2 }), { placements: [{ cluster: 'a', replicas: 1 }, { cluster: 'b', replicas: 1 }, { cluster: 'c', replicas: 2 }] });
    const { writers, scheduler } = setup(cluster('a'), cluster('b'), cluster('c'), placed);

    await scheduler.reconcile(KEY);

    expect(writers.writesOf('placements')[0].decision.placements).toEqual([
      { cluster: 'a', replicas: 1 },
      { cluster: 'b', replicas: 1 },
    ]);
  });

  it('moves replicas off a cluster in ERROR past the grace period and records a ClusterLost eviction', async () => {
    const placed = withStatus(workload('w', { replicas: 2 }), { placements: [{ cluster: 'b', replicas: 2 }] });
    const { listers, writers, scheduler } = setup(cluster('a'), erroredCluster('b', 120_000), placed);

    await scheduler.reconcile(KEY);

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([{ cluster: 'a', replicas: 2 }]);
    expect(decision.evictions).toEqual([expect.objectContaining({ cluster: 'b', replicas: 2, reason: 'ClusterLost' })]);
    expect(decision.evictions[0].message).toContain('the cluster has been ERROR for more than 60s (connection refused)');
    expect(listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'a', replicas: 2 }]);
  });

  it('keeps replicas on a cluster in ERROR within the grace period, and looks again when it ends', async () => {
    const placed = withStatus(workload('w'), { placements: [{ cluster: 'b', replicas: 1 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(cluster('a'), erroredCluster('b', 10_000), placed);

    const result = await scheduler.reconcile(KEY);

    expect(writers.writesOf('placements')[0].decision.placements).toEqual([{ cluster: 'b', replicas: 1 }]);
    expect(result?.requeueAfterMs).toBeGreaterThan(40_000);
    expect(result?.requeueAfterMs).toBeLessThanOrEqual(50_050);
  });

  it('keeps replicas on a cluster in ERROR past the grace period when no other cluster can take them, and does not spin', async () => {
    // A cluster that only lost its way in (a login node gone) still runs them; dropped, they
    // would be cancelled when it answers again and started from scratch.
    const placed = withStatus(workload('w', { replicas: 2, resources: { cpu: 2 } }), { placements: [{ cluster: 'b', replicas: 2 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(cluster('a', { nodes: [{ cpu: 1 }] }), erroredCluster('b', 120_000), placed);

    const result = await scheduler.reconcile(KEY);

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([{ cluster: 'b', replicas: 2 }]);
    expect(decision.evictions).toEqual([]);
    // The grace has run out: no requeue 50 ms later, and again, while b stays in ERROR.
    expect(result?.requeueAfterMs).toBeUndefined();
    await scheduler.reconcile(KEY);
    expect(writers.writesOf('placements')).toHaveLength(1);
  });

  it("moves only as many of a Deployment's replicas off a lost cluster as the others take, and records that many", async () => {
    // (A Job is placed whole or not at all: its replicas all move, or all stay.)
    const placed = withStatus(workload('w', { kind: 'Deployment', replicas: 3 }), { placements: [{ cluster: 'b', replicas: 3 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(cluster('a', { nodes: [{ cpu: 1 }] }), erroredCluster('b', 120_000), placed);

    await scheduler.reconcile('Deployment/default/w');

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([
      { cluster: 'a', replicas: 1 },
      { cluster: 'b', replicas: 2 },
    ]);
    expect(decision.evictions).toEqual([expect.objectContaining({ cluster: 'b', replicas: 1, reason: 'ClusterLost', message: expect.stringMatching(/^1 replica\(s\) moved elsewhere/) })]);
  });

  it('drops the placements of a deleted cluster even when no other cluster takes them', async () => {
    const placed = withStatus(workload('w'), { placements: [{ cluster: 'gone', replicas: 1 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(erroredCluster('b', 120_000), placed);

    await scheduler.reconcile(KEY);

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([]);
    expect(decision.evictions).toEqual([]);
  });

  it("answers a Skylet's eviction request once, and keeps the workload off that cluster", async () => {
    const requestedAt = '2026-12-01T11:59:00.000Z';
    const message = '2 replica(s) waited more than 5s in cluster a without starting; evicted to be placed elsewhere';
    const placed = withStatus(workload('w', { replicas: 2 }), {
      placements: [{ cluster: 'a', replicas: 2 }],
      observedGeneration: 1,
      replicaStatus: [{ cluster: 'a', pending: 2, running: 0, succeeded: 0, failed: 0, evictionRequest: { replicas: 2, requestedAt, message } }],
    });
    const { listers, writers, scheduler } = setup(cluster('a'), cluster('b'), placed);

    await scheduler.reconcile(KEY);
    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([{ cluster: 'b', replicas: 2 }]);
    expect(decision.evictions).toEqual([expect.objectContaining({ cluster: 'a', replicas: 2, reason: 'WaitTimeout', message, requestedAt })]);
    expect(decision.conditions).toContainEqual(expect.objectContaining({ type: 'Evicted', status: 'True', reason: 'WaitTimeout', message }));

    // The Skylet's entry still carries the request until it reads the answer: not evicted again.
    await scheduler.reconcile(KEY);
    expect(writers.writesOf('placements')).toHaveLength(1);
    expect(listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'b', replicas: 2 }]);

    // b loses the replicas again (scale to 0 and back): they still keep off a for now.
    const current = listers.workload(KEY)!;
    listers.apply(withStatus(current, { placements: [] }));
    writers.writes.length = 0;
    await scheduler.reconcile(KEY);
    expect(writers.writesOf('placements')[0].decision.placements).toEqual([{ cluster: 'b', replicas: 2 }]);
  });

  it('requeues quietly when its write is refused as stale (failNext)', async () => {
    const { writers, scheduler } = setup(cluster('a'), workload('w'));
    writers.failNext(new ConflictError('jobs/default/w', 'stale', 'stale'));

    await expect(scheduler.reconcile(KEY)).resolves.toEqual({ requeueAfterMs: 100 });
    expect(writers.writes).toEqual([]);
    expect(writers.rejected).toHaveLength(1);
  });

  it('requeues quietly when it decided from a stale view (the spec moved on at the server)', async () => {
    const cached = new FakeListers().seed(cluster('a'), workload('w'));
    const server = new FakeListers().seed(cluster('a'), { ...workload('w', { replicas: 3 }), metadata: { ...workload('w').metadata, generation: 2 } } as Workload);
    const writers = new FakeWriters({ listers: server });
    const scheduler = new SchedulerController({ listers: cached, writer: writers, logger });

    await expect(scheduler.reconcile(KEY)).resolves.toEqual({ requeueAfterMs: 100 });
    expect(writers.rejected[0].error).toBeInstanceOf(ConflictError);
    expect(server.workload(KEY)!.status.placements).toEqual([]);
  });

  it('leaves finished jobs and missing workloads alone', async () => {
    const done = withStatus(workload('w'), { phase: 'COMPLETED' });
    const { writers, scheduler } = setup(cluster('a'), done);

    await expect(scheduler.reconcile(KEY)).resolves.toBeUndefined();
    await expect(scheduler.reconcile('Job/default/gone')).resolves.toBeUndefined();
    expect(writers.writes).toEqual([]);
  });

  it('writes nothing when the decision is what the workload holds', async () => {
    const { writers, scheduler } = setup(cluster('a'), workload('w'));
    await scheduler.reconcile(KEY);
    await scheduler.reconcile(KEY);
    expect(writers.writes).toHaveLength(1);
  });

  it('holds what it placed, so a burst does not over-commit a cluster', async () => {
    // a has 4 cpu free as reported; each job needs 3.
    const { writers, scheduler } = setup(cluster('a'), workload('w1', { resources: { cpu: 3 } }), workload('w2', { resources: { cpu: 3 } }));

    await Promise.all([scheduler.reconcile('Job/default/w1'), scheduler.reconcile('Job/default/w2')]);

    const byKey = new Map(writers.writesOf('placements').map((w) => [w.key, w.decision]));
    expect(byKey.get('Job/default/w1')!.placements).toEqual([{ cluster: 'a', replicas: 1 }]);
    expect(byKey.get('Job/default/w2')!.placements).toEqual([]);
    expect(byKey.get('Job/default/w2')!.conditions[0]).toMatchObject({ status: 'False', reason: 'Unschedulable' });
  });
});

describe('SchedulerController.start', () => {
  it('holds what was placed before it started and is not reported yet, before its first decision (a new leader, a restart)', async () => {
    // `a-new` sorts first and is reconciled first: placed against the bare cluster it would take
    // the room that `z-placed`'s unreported replicas already use.
    const placed = withStatus(workload('z-placed', { replicas: 4 }), { placements: [{ cluster: 'a', replicas: 4 }] });
    const { writers, scheduler } = setup(cluster('a', { nodes: [{ cpu: 4 }] }), workload('a-new'), placed);
    scheduler.start();
    try {
      await vi.waitFor(() => expect(writers.writesOf('placements').some((w) => w.key === 'Job/default/a-new')).toBe(true));
    } finally {
      await scheduler.stop();
    }
    const decision = writers.writesOf('placements').find((w) => w.key === 'Job/default/a-new')!.decision;
    expect(decision.placements).toEqual([]);
    expect(decision.conditions[0]).toMatchObject({ status: 'False', reason: 'Unschedulable' });
  });

  it('moves replicas kept on a lost cluster once a cluster that can take them turns up', async () => {
    const placed = withStatus(workload('w'), { placements: [{ cluster: 'b', replicas: 1 }], observedGeneration: 1 });
    const { listers, writers, scheduler } = setup(erroredCluster('b', 120_000), placed);
    scheduler.start();
    try {
      await vi.waitFor(() => expect(writers.writesOf('placements')).toHaveLength(1));
      expect(writers.writesOf('placements')[0].decision.placements).toEqual([{ cluster: 'b', replicas: 1 }]);
      listers.apply(cluster('a'));
      await vi.waitFor(() => expect(writers.writesOf('placements')).toHaveLength(2), { timeout: 2_000 });
    } finally {
      await scheduler.stop();
    }
    const moved = writers.writesOf('placements')[1].decision;
    expect(moved.placements).toEqual([{ cluster: 'a', replicas: 1 }]);
    expect(moved.evictions).toEqual([expect.objectContaining({ cluster: 'b', replicas: 1, reason: 'ClusterLost' })]);
  });

  it("goes on with the failover grace the old leader was counting: from the cluster's Ready condition, not from its own start", async () => {
    // 59.7 s of the 60 s grace have passed under the old leader; this one has never seen b before.
    const placed = withStatus(workload('w'), { placements: [{ cluster: 'b', replicas: 1 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(cluster('a'), erroredCluster('b', 59_700), placed);
    scheduler.start();
    try {
      // A fresh 60 s grace would not end within the 5 s given here.
      await vi.waitFor(() => expect(writers.writesOf('placements').some((w) => w.decision.placements.some((p) => p.cluster === 'a'))).toBe(true), { timeout: 5_000 });
    } finally {
      await scheduler.stop();
    }
    const moved = writers.writesOf('placements').find((w) => w.decision.placements.some((p) => p.cluster === 'a'))!.decision;
    expect(moved.evictions).toEqual([expect.objectContaining({ cluster: 'b', reason: 'ClusterLost' })]);
  });
});
