/**
 * The scheduler's admission gate, on the fakes: what a Queue takes is placed only while admitted
 * and no further than admitted; a withdrawn admission takes every placement off at once with
 * Preempted evictions; work no queue takes is placed as before.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PREEMPTED_MESSAGE, SchedulerController } from '../../../src/controllers/scheduler-controller.js';
import type { QueueResolution } from '../../../src/domain/queueing.js';
import { usageOf } from '../../../src/domain/queueing.js';
import type { Admission, Cluster, Queue, Workload, WorkloadStatus } from '../../../src/domain/types.js';
import { derivePhase } from '../../../src/domain/workload-status.js';
import { FakeListers, FakeWriters, NOW } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const KEY = 'Job/default/w';
const QUEUE = { kind: 'Queue', metadata: { name: 'team-a' } } as unknown as Queue;
const queued = (): QueueResolution => ({ kind: 'queue', queue: QUEUE });

function setup(queueOf: (w: Workload) => QueueResolution, ...objects: Array<Cluster | Workload>) {
  const listers = new FakeListers().seed(...objects);
  const writers = new FakeWriters({ listers });
  const scheduler = new SchedulerController({ listers, writer: writers, logger, failoverGraceMs: 60_000, queueOf });
  return { listers, writers, scheduler };
}

function withStatus(w: Workload, status: Partial<WorkloadStatus>): Workload {
  return { ...w, status: { ...w.status, ...status } } as Workload;
}

function admission(w: Workload, replicas: number, generation = w.metadata.generation): Admission {
  return { queue: 'team-a', priority: 0, admittedAt: NOW, generation, replicas, usage: usageOf(w.spec.resources, replicas) };
}

function admitted(w: Workload, replicas = w.spec.replicas, extra: Partial<WorkloadStatus> = {}): Workload {
  return withStatus(w, { admission: admission(w, replicas), ...extra });
}

/** The same workload with a new spec generation of `replicas` replicas. */
function respec(w: Workload, replicas: number): Workload {
  return { ...w, metadata: { ...w.metadata, generation: w.metadata.generation + 1 }, spec: { ...w.spec, replicas } } as Workload;
}

describe('SchedulerController admission gate', () => {
  it('does not place, nor write anything for, a queued workload that is not admitted', async () => {
    const { writers, scheduler } = setup(queued, cluster('a'), workload('w', { replicas: 2 }));

    await scheduler.reconcile(KEY);

    expect(writers.writes).toEqual([]);
  });

  it('places an admitted workload, no further than the replicas admitted', async () => {
    const { listers, writers, scheduler } = setup(queued, cluster('a', { nodes: [{ cpu: 8 }] }), admitted(workload('w', { replicas: 4 }), 3));

    await scheduler.reconcile(KEY);

    const [write] = writers.writesOf('placements');
    expect(write.decision.placements).toEqual([{ cluster: 'a', replicas: 3 }]);
    expect(write.decision.conditions).toEqual([expect.objectContaining({ type: 'Scheduled', status: 'True', reason: 'Scheduled' })]);
    expect(listers.workload(KEY)!.status.phase).toBe('SCHEDULED');
  });

  it('places a workload no queue takes as before', async () => {
    const { writers, scheduler } = setup(() => ({ kind: 'none' }), cluster('a'), workload('w', { replicas: 2 }));

    await scheduler.reconcile(KEY);

    expect(writers.writesOf('placements')[0].decision.placements).toEqual([{ cluster: 'a', replicas: 2 }]);
  });

  it('places nothing while spec.queue names a queue that is missing', async () => {
    const missing = (): QueueResolution => ({ kind: 'missing', name: 'nope', message: 'queue nope does not exist' });
    const { writers, scheduler } = setup(missing, cluster('a'), workload('w'));

    await scheduler.reconcile(KEY);

    expect(writers.writes).toEqual([]);
  });

  it('holds a scale up until the admission is renewed for the new generation, then places it', async () => {
    const w = workload('w', { replicas: 1 });
    const placed = admitted(w, 1, { placements: [{ cluster: 'a', replicas: 1 }], observedGeneration: 1 });
    const grown = respec(placed, 3);
    const { listers, writers, scheduler } = setup(queued, cluster('a', { nodes: [{ cpu: 8 }] }), grown);

    await scheduler.reconcile(KEY);
    // The new generation is observed, nothing more is placed.
    expect(writers.writesOf('placements').map((x) => x.decision.placements)).toEqual([[{ cluster: 'a', replicas: 1 }]]);

    const current = listers.workload(KEY)!;
    listers.apply(withStatus(current, { admission: admission(current, 3) }));
    await scheduler.reconcile(KEY);

    expect(writers.writesOf('placements').at(-1)!.decision.placements).toEqual([{ cluster: 'a', replicas: 3 }]);
  });

  it('applies a scale down at once, before the admission follows', async () => {
    const w = workload('w', { replicas: 3 });
    const placed = admitted(w, 3, { placements: [{ cluster: 'a', replicas: 3 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(queued, cluster('a', { nodes: [{ cpu: 8 }] }), respec(placed, 1));

    await scheduler.reconcile(KEY);

    expect(writers.writesOf('placements')[0].decision.placements).toEqual([{ cluster: 'a', replicas: 1 }]);
  });

  it('takes every placement off a workload whose admission was withdrawn, with a Preempted eviction per cluster', async () => {
    const message = 'Preempted to admit default/urgent (priority 1000)';
    const preempted = withStatus(workload('w', { replicas: 3 }), {
      placements: [
        { cluster: 'a', replicas: 2 },
        { cluster: 'b', replicas: 1 },
      ],
      observedGeneration: 1,
      phase: 'RUNNING',
      replicaStatus: [
        { cluster: 'a', pending: 0, running: 2, succeeded: 0, failed: 0 },
        { cluster: 'b', pending: 0, running: 1, succeeded: 0, failed: 0 },
      ],
      queue: { name: 'team-a', reason: 'Preempted', message },
    });
    const { listers, writers, scheduler } = setup(queued, cluster('a'), cluster('b'), preempted);

    await scheduler.reconcile(KEY);

    expect(writers.writes).toHaveLength(1);
    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([]);
    expect(decision.evictions).toEqual([
      expect.objectContaining({ cluster: 'a', replicas: 2, reason: 'Preempted', message }),
      expect.objectContaining({ cluster: 'b', replicas: 1, reason: 'Preempted', message }),
    ]);
    expect(decision.conditions).toEqual([expect.objectContaining({ type: 'Scheduled', status: 'False', reason: 'Preempted', message })]);
    // The Skylets' reports of the old run are still there, but nothing is placed: PENDING.
    expect(listers.workload(KEY)!.status.phase).toBe('PENDING');

    await scheduler.reconcile(KEY);
    expect(writers.writes).toHaveLength(1);
  });

  it('says why in its own words when the queue gives no message', async () => {
    const preempted = withStatus(workload('w'), { placements: [{ cluster: 'a', replicas: 1 }], observedGeneration: 1 });
    const { writers, scheduler } = setup(queued, cluster('a'), preempted);

    await scheduler.reconcile(KEY);

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.evictions).toEqual([expect.objectContaining({ cluster: 'a', reason: 'Preempted', message: PREEMPTED_MESSAGE })]);
    expect(decision.conditions[0]).toMatchObject({ reason: 'Preempted', message: PREEMPTED_MESSAGE });
  });

  it('places a preempted workload on the cluster it left as soon as it is admitted again', async () => {
    // Cluster a is the only one: a keep-away after the preemption would leave it unplaced.
    const preempted = withStatus(workload('w', { replicas: 2 }), { placements: [{ cluster: 'a', replicas: 2 }], observedGeneration: 1 });
    const { listers, writers, scheduler } = setup(queued, cluster('a'), preempted);
    await scheduler.reconcile(KEY);
    expect(listers.workload(KEY)!.status.evictions).toEqual([expect.objectContaining({ cluster: 'a', reason: 'Preempted' })]);

    const current = listers.workload(KEY)!;
    listers.apply(withStatus(current, { admission: admission(current, 2) }));
    await scheduler.reconcile(KEY);

    const last = writers.writesOf('placements').at(-1)!.decision;
    expect(last.placements).toEqual([{ cluster: 'a', replicas: 2 }]);
    expect(last.conditions[0]).toMatchObject({ type: 'Scheduled', status: 'True' });
  });

  it('still keeps a workload off a cluster after a wait-timeout eviction', async () => {
    const evicted = withStatus(workload('w'), {
      observedGeneration: 1,
      evictions: [{ cluster: 'a', replicas: 1, at: new Date().toISOString(), reason: 'WaitTimeout', message: 'waited' }],
    });
    const { writers, scheduler } = setup(() => ({ kind: 'none' }), cluster('a'), evicted);

    await scheduler.reconcile(KEY);

    const { decision } = writers.writesOf('placements')[0];
    expect(decision.placements).toEqual([]);
    expect(decision.conditions[0]).toMatchObject({ status: 'False', reason: 'Unschedulable' });
  });
});

describe('derivePhase after a withdrawal', () => {
  it('is PENDING while nothing is placed, whatever the old reports say, and follows the new run after', () => {
    const w = withStatus(workload('w'), {
      placements: [],
      replicaStatus: [{ cluster: 'a', pending: 0, running: 1, succeeded: 0, failed: 0 }],
    });
    expect(derivePhase(w)).toBe('PENDING');
    // Placed again, with the Skylet's report of the deleted replicas cleared (flow.ts).
    const again = withStatus(w, {
      placements: [{ cluster: 'a', replicas: 1 }],
      replicaStatus: [{ cluster: 'a', pending: 0, running: 0, succeeded: 0, failed: 0 }],
    });
    expect(derivePhase(again)).toBe('SCHEDULED');
  });
});
