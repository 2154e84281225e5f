/** The fence of one term of leadership: writes and member-cluster changes refused once it ends, handlers removed. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fencedManager, fencedWriters, ListenerScope, NotLeaderError } from '../../../src/controllers/leader-fence.js';
import { SchedulerController } from '../../../src/controllers/scheduler-controller.js';
import { refOf } from '../../../src/domain/object-ref.js';
import { FakeClusterManager } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

describe('fencedWriters', () => {
  it('passes writes while the term leads and refuses every kind once it does not, sending nothing', async () => {
    const writers = new FakeWriters();
    let leading = true;
    const fenced = fencedWriters(writers, () => leading);
    const job = workload('hello');
    await fenced.setPlacements(job, { placements: [{ cluster: 'a', replicas: 1 }], evictions: [], conditions: [] });
    expect(writers.writes).toHaveLength(1);
    leading = false;
    const attempts = [
      fenced.setPlacements(job, { placements: [], evictions: [], conditions: [] }),
      fenced.updateClusterStatus('a', cluster('a').status),
      fenced.reportReplicas(job, { cluster: 'a', pending: 0, running: 1, succeeded: 0, failed: 0, exitCodes: [] } as never, []),
      fenced.setAdmission(job, { expected: undefined, admission: undefined, queue: undefined, conditions: [] }),
      fenced.updateQueueStatus('q', {} as never),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(NotLeaderError);
    expect(writers.writes).toHaveLength(1);
  });
});

describe('fencedManager', () => {
  it('refuses submits, deletes and namespaces once the term ends; reads still pass', async () => {
    const manager = new FakeClusterManager();
    let leading = true;
    const fenced = fencedManager(manager, 'a', () => leading);
    const job = workload('hello');
    await fenced.submit(job, 1);
    leading = false;
    await expect(fenced.submit(job, 2)).rejects.toThrow(/submit of Job hello on cluster a: this controller manager no longer leads/);
    await expect(fenced.delete(refOf(job))).rejects.toBeInstanceOf(NotLeaderError);
    await expect(fenced.ensureNamespace('team-a')).rejects.toBeInstanceOf(NotLeaderError);
    expect(await fenced.list()).toHaveLength(1);
    expect(manager.callsOf('submit')).toHaveLength(1);
    expect(manager.callsOf('delete')).toHaveLength(0);
  });
});

describe('ListenerScope', () => {
  it('takes every handler a term registered off the shared caches, and only those', () => {
    const listers = new FakeListers();
    const before = listers.listenerCount();
    const outside = () => {};
    listers.clusters.on('add', outside);
    const scope = new ListenerScope(listers);
    new SchedulerController({ listers: scope.scoped(), writer: new FakeWriters(), logger: pino({ level: 'silent' }) });
    expect(listers.listenerCount()).toBeGreaterThan(before + 1);
    scope.dispose();
    expect(listers.listenerCount()).toBe(before + 1);
  });

  it('reads through to the shared caches', () => {
    const listers = new FakeListers().seed(cluster('a'), workload('hello'));
    const scoped = new ListenerScope(listers).scoped();
    expect(scoped.clusters.get('a')?.metadata.name).toBe('a');
    expect(scoped.workloads().map((w) => w.metadata.name)).toEqual(['hello']);
    expect(scoped.workload('Job/default/hello')?.metadata.name).toBe('hello');
  });
});
