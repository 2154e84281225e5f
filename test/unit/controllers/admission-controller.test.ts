/**
 * AdmissionController without processes: seed the listers, run a cycle, assert the admission
 * and queue-status writes (FakeWriters lands them with the API's preconditions, so the
 * controller sees its own writes come back as it would over a watch).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionController } from '../../../src/controllers/admission-controller.js';
import { ConflictError } from '../../../src/domain/errors.js';
import type { SkyObject, Workload } from '../../../src/domain/types.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { job, priorityClass, queue } from '../admission/fixtures.js';
import { cluster } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const NOW = Date.parse('2026-01-01T01:00:00Z');
const running: AdmissionController[] = [];

function setup(...objects: SkyObject[]) {
  const listers = new FakeListers().seed(cluster('a', { nodes: [{ cpu: 100 }] }), ...objects);
  const writers = new FakeWriters({ listers });
  const controller = start(listers, writers);
  return { listers, writers, controller };
}

function start(listers: FakeListers, writers: FakeWriters) {
  // Cycles run only when the test asks (runCycle): no timers fire within a test.
  const controller = new AdmissionController({ listers, writer: writers, logger, cycleDelayMs: 1e9, periodMs: 1e9, now: () => NOW });
  controller.start();
  running.push(controller);
  return controller;
}

afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

const admissionWrites = (writers: FakeWriters) => writers.writesOf('admission');
const admitted = (writers: FakeWriters) => admissionWrites(writers).filter((w) => w.decision.admission && !w.decision.expected).map((w) => w.key);

describe('AdmissionController', () => {
  it('writes nothing while no queue exists', async () => {
    const { writers, controller } = setup(job('a', { namespace: 'default' }));
    await controller.runCycle();
    expect(writers.writes).toEqual([]);
  });

  it('admits what the quota covers, says where the rest stands, and reports the queue', async () => {
    const { listers, writers, controller } = setup(queue('team-a', { namespaces: ['team-a'], quota: { cpu: 2 } }), job('j1'), job('j2'), job('j3'));
    await controller.runCycle();
    expect(admitted(writers)).toEqual(['Job/team-a/j1', 'Job/team-a/j2']);
    const j1 = listers.workload('Job/team-a/j1')!;
    expect(j1.status.admission).toMatchObject({ queue: 'team-a', priority: 0, replicas: 1, generation: 1, usage: { cpu: 1 } });
    expect(j1.status.queue).toEqual({ name: 'team-a', reason: 'Admitted', message: 'admitted by queue team-a (priority 0)' });
    expect(j1.status.conditions).toEqual([expect.objectContaining({ type: 'Admitted', status: 'True', reason: 'Admitted' })]);
    const j3 = listers.workload('Job/team-a/j3')!;
    expect(j3.status.admission).toBeUndefined();
    expect(j3.status.queue).toEqual({ name: 'team-a', position: 1, reason: 'WaitingForQuota', message: 'needs 1 cpu, queue team-a has 0 left' });
    expect(listers.queues.get('team-a')!.status).toMatchObject({ phase: 'ACTIVE', usage: { cpu: 2 }, pending: 1, admitted: 2 });
  });

  it('counts usage from the objects: a new controller over the same objects admits nothing more', async () => {
    const { listers, writers, controller } = setup(queue('team-a', { namespaces: ['team-a'], quota: { cpu: 2 } }), job('j1'), job('j2'), job('j3'));
    await controller.runCycle();
    await controller.stop();
    const before = admitted(writers).length;
    const restarted = start(listers, writers);
    await restarted.runCycle();
    expect(admitted(writers)).toHaveLength(before);
  });

  it('frees the quota when admitted work finishes, and admits the next', async () => {
    const { listers, writers, controller } = setup(queue('team-a', { namespaces: ['team-a'], quota: { cpu: 1 } }), job('j1'), job('j2'));
    await controller.runCycle();
    const j1 = listers.workload('Job/team-a/j1')!;
    listers.apply({ ...j1, status: { ...j1.status, phase: 'COMPLETED' } } as Workload);
    await controller.runCycle();
    expect(admitted(writers)).toEqual(['Job/team-a/j1', 'Job/team-a/j2']);
  });

  it('preempts: the victim loses its admission first, with the preemptor named, then the preemptor is admitted', async () => {
    const { listers, writers, controller } = setup(
      queue('team-a', { namespaces: ['team-a'], quota: { cpu: 1 } }),
      priorityClass('urgent', 1000),
      priorityClass('best-effort', -10),
      job('batch', { priorityClassName: 'best-effort' }),
    );
    await controller.runCycle();
    listers.apply(job('urgent', { priorityClassName: 'urgent' }));
    await controller.runCycle();
    const writes = admissionWrites(writers).map((w) => ({ key: w.key, admitted: w.decision.admission !== undefined, reason: w.decision.queue?.reason }));
    expect(writes.slice(0, 3)).toEqual([
      { key: 'Job/team-a/batch', admitted: true, reason: 'Admitted' },
      { key: 'Job/team-a/batch', admitted: false, reason: 'Preempted' },
      { key: 'Job/team-a/urgent', admitted: true, reason: 'Admitted' },
    ]);
    const victim = listers.workload('Job/team-a/batch')!;
    expect(victim.status.admission).toBeUndefined();
    expect(victim.status.preemptions).toEqual([expect.objectContaining({ by: 'Job/team-a/urgent', queue: 'team-a', priority: 1000 })]);
    expect(victim.status.conditions).toContainEqual(expect.objectContaining({ type: 'Preempted', status: 'True', message: 'Preempted to admit team-a/urgent (priority 1000)' }));
    // The victim waits; it cannot preempt back (lower priority) and is not admitted while urgent runs.
    await controller.runCycle();
    expect(listers.workload('Job/team-a/batch')!.status.admission).toBeUndefined();
  });

  it('decides again from the fresh object when an admission write is refused as stale', async () => {
    const { listers, writers, controller } = setup(queue('team-a', { namespaces: ['team-a'], quota: { cpu: 1 } }), job('j1'));
    writers.failNext(new ConflictError('jobs/team-a/j1', 'admission changed', 'admission changed'), (w) => w.type === 'admission');
    await controller.runCycle();
    expect(listers.workload('Job/team-a/j1')!.status.admission).toBeUndefined();
    await controller.runCycle();
    expect(listers.workload('Job/team-a/j1')!.status.admission?.queue).toBe('team-a');
  });

  it('says so when a workload names a queue that does not exist', async () => {
    const { listers, controller } = setup(queue('team-a', { namespaces: ['team-a'] }), job('lost', { queue: 'nope' }));
    await controller.runCycle();
    expect(listers.workload('Job/team-a/lost')!.status.queue).toEqual({ name: 'nope', reason: 'QueueNotFound', message: 'queue nope does not exist' });
  });

  it('admits nothing from a paused queue and reports it PAUSED', async () => {
    const { listers, writers, controller } = setup(queue('team-a', { namespaces: ['team-a'], paused: true }), job('j1'));
    await controller.runCycle();
    expect(admitted(writers)).toEqual([]);
    expect(listers.workload('Job/team-a/j1')!.status.queue?.reason).toBe('QueuePaused');
    expect(listers.queues.get('team-a')!.status.phase).toBe('PAUSED');
  });
});
