/** The test fakes behave like the parts they stand in for: informer events, CAS writes, a cluster's list. */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/errors.js';
import type { Workload } from '../../../src/domain/types.js';
import { FakeClusterManager } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

describe('FakeListers', () => {
  it('seeds without events and applies with add, update and delete events', () => {
    const listers = new FakeListers().seed(cluster('a'), workload('w1'));
    const events: string[] = [];
    const unsubscribe = listers.onWorkload((w, old) => events.push(`${w.metadata.name}:${old ? 'update' : 'add/delete'}`));
    listers.clusters.on('update', (c, old) => events.push(`${c.metadata.name}:${old.status.phase}->${c.status.phase}`));

    expect(listers.workload('Job/default/w1')?.metadata.name).toBe('w1');
    listers.apply(workload('w2', { kind: 'Deployment' }));
    listers.apply({ ...workload('w1'), status: { ...workload('w1').status, phase: 'SCHEDULED' } });
    listers.apply(cluster('a', { phase: 'ERROR' }));
    listers.remove(workload('w2', { kind: 'Deployment' }));
    unsubscribe();
    listers.apply(workload('w3'));

    expect(events).toEqual(['w2:add/delete', 'w1:update', 'a:READY->ERROR', 'w2:add/delete']);
    expect(listers.workloads().map((w) => w.metadata.name).sort()).toEqual(['w1', 'w3']);
    expect(listers.jobs.listenerCount()).toBe(0);
  });
});

describe('FakeWriters', () => {
  it('records writes in order, lands them with a new version and the derived phase, and rejects a stale decision', async () => {
    const listers = new FakeListers().seed(cluster('a'), workload('w'));
    const writers = new FakeWriters({ listers });
    const read: Workload = listers.workload('Job/default/w')!;
    const decision = { placements: [{ cluster: 'a', replicas: 1 }], evictions: [], conditions: [] };
    const entry = { cluster: 'a', pending: 0, running: 1, succeeded: 0, failed: 0 };

    await writers.setPlacements(read, decision);
    expect(listers.workload('Job/default/w')!.status.phase).toBe('SCHEDULED');
    // Decided from the version before the placements: stale.
    await expect(writers.setPlacements(read, decision)).rejects.toBeInstanceOf(ConflictError);
    // A report never conflicts with the scheduler's write.
    await writers.reportReplicas(read, entry, []);
    await writers.updateClusterStatus('a', { ...cluster('a').status, phase: 'ERROR' });

    expect(writers.writes).toEqual([
      { type: 'placements', key: 'Job/default/w', decision },
      { type: 'replicaReport', key: 'Job/default/w', entry, conditions: [] },
      { type: 'clusterStatus', name: 'a', status: { ...cluster('a').status, phase: 'ERROR' } },
    ]);
    expect(writers.rejected).toHaveLength(1);
    const written = listers.workload('Job/default/w')!;
    expect(written.status).toMatchObject({ phase: 'RUNNING', placements: [{ cluster: 'a', replicas: 1 }], replicaStatus: [entry], observedGeneration: 1 });
    expect(written.metadata.resourceVersion).not.toBe('1');
    expect(listers.clusters.get('a')!.status.phase).toBe('ERROR');
  });

  it('fails the next matching write once', async () => {
    const writers = new FakeWriters();
    writers.failNext(new Error('boom'), (w) => w.type === 'clusterStatus');
    await writers.reportReplicas(workload('w'), { cluster: 'a', pending: 1, running: 0, succeeded: 0, failed: 0 }, []);
    await expect(writers.updateClusterStatus('a', cluster('a').status)).rejects.toThrow('boom');
    await writers.updateClusterStatus('a', cluster('a').status);
    expect(writers.writes.map((w) => w.type)).toEqual(['replicaReport', 'clusterStatus']);
  });
});

describe('FakeClusterManager', () => {
  it('records calls in order, lists what was submitted and not deleted, and fails on cue', async () => {
    const manager = new FakeClusterManager().addRunning({ kind: 'Job', namespace: 'default', name: 'old' });
    await manager.submit(workload('w'), 2, { firstReplicaIndex: 1 });
    await manager.delete({ kind: 'Job', namespace: 'default', name: 'old' });
    manager.failNext('capacity', new Error('unreachable'));
    await expect(manager.capacity()).rejects.toThrow('unreachable');
    expect(await manager.list()).toEqual([{ kind: 'Job', namespace: 'default', name: 'w' }]);
    expect(manager.calls).toEqual([
      { method: 'submit', ref: { kind: 'Job', namespace: 'default', name: 'w' }, replicas: 2, options: { firstReplicaIndex: 1 } },
      { method: 'delete', ref: { kind: 'Job', namespace: 'default', name: 'old' } },
      { method: 'capacity' },
      { method: 'list' },
    ]);
  });
});
