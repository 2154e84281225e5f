/** Flow without processes: seed the listers, reconcile one key, assert the member-cluster calls. */
import { describe, expect, it } from 'vitest';
import { Flow } from '../../../src/controllers/flow.js';
import type { ClusterPlacement, Workload, WorkloadStatus } from '../../../src/domain/types.js';
import { FakeClusterManager } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { workload } from '../scheduler/fixtures.js';

const KEY = 'Job/default/w';
const REF = { kind: 'Job', namespace: 'default', name: 'w' };

function placed(placements: ClusterPlacement[], status: Partial<WorkloadStatus> = {}): Workload {
  const w = workload('w', { replicas: placements.reduce((n, p) => n + p.replicas, 0) });
  return { ...w, status: { ...w.status, phase: 'SCHEDULED', placements, ...status } } as Workload;
}

function reconcileOn(cluster: string, ...workloads: Workload[]) {
  const manager = new FakeClusterManager();
  const listers = new FakeListers().seed(...workloads);
  const writers = new FakeWriters({ listers });
  const flow = new Flow(cluster, listers, writers);
  return { manager, writers, listers, flow, run: (key = KEY) => flow.reconcile(key, manager) };
}

const RUNNING_ON_B = { cluster: 'b', pending: 0, running: 1, succeeded: 0, failed: 0, externalId: '/state/b/default/jobs/w', exitCodes: [] };

describe('Flow.reconcile', () => {
  it('submits the replicas placed on its cluster, numbered after those of the clusters before it', async () => {
    const w = placed([{ cluster: 'a', replicas: 2 }, { cluster: 'b', replicas: 1 }, { cluster: 'c', replicas: 3 }]);
    const { manager, run } = reconcileOn('c', w);

    await run();

    expect(manager.calls).toEqual([
      { method: 'ensureNamespace', namespace: 'default' },
      { method: 'submit', ref: REF, replicas: 3, options: { firstReplicaIndex: 3 } },
    ]);
  });

  it('starts numbering at 0 on the first cluster', async () => {
    const { manager, run } = reconcileOn('a', placed([{ cluster: 'a', replicas: 2 }, { cluster: 'b', replicas: 1 }]));
    await run();
    expect(manager.callsOf('submit')).toEqual([{ method: 'submit', ref: REF, replicas: 2, options: { firstReplicaIndex: 0 } }]);
  });

  it('deletes a workload no longer placed on its cluster', async () => {
    const { manager, run } = reconcileOn('b', placed([{ cluster: 'a', replicas: 1 }]));
    await run();
    expect(manager.calls).toEqual([{ method: 'delete', ref: REF }]);
  });

  it('deletes a workload that is gone', async () => {
    const { manager, run } = reconcileOn('a');
    await run('Deployment/team/web');
    expect(manager.calls).toEqual([{ method: 'delete', ref: { kind: 'Deployment', namespace: 'team', name: 'web' } }]);
  });

  it('leaves a finished Job as it is (its logs stay readable)', async () => {
    const { manager, run } = reconcileOn('a', placed([{ cluster: 'a', replicas: 1 }], { phase: 'COMPLETED' }));
    await run();
    expect(manager.calls).toEqual([]);
  });

  it("clears its cluster's report after deleting replicas no longer placed there", async () => {
    const { manager, writers, listers, run } = reconcileOn('b', placed([{ cluster: 'a', replicas: 1 }], { replicaStatus: [RUNNING_ON_B] }));

    await run();

    expect(manager.calls).toEqual([{ method: 'delete', ref: REF }]);
    expect(writers.writesOf('replicaReport')).toEqual([
      { type: 'replicaReport', key: KEY, entry: { cluster: 'b', pending: 0, running: 0, succeeded: 0, failed: 0 }, conditions: [] },
    ]);
    expect(listers.workload(KEY)!.status.replicaStatus).toEqual([{ cluster: 'b', pending: 0, running: 0, succeeded: 0, failed: 0 }]);
    // Once cleared, deleting again writes nothing.
    await run();
    expect(writers.writes).toHaveLength(1);
  });

  it('deletes the old run first when the placement came back before it acted on the removal', async () => {
    const w = placed([{ cluster: 'b', replicas: 1 }], { replicaStatus: [RUNNING_ON_B] });
    const { manager, writers, flow, run } = reconcileOn('b', w);
    flow.removed(KEY);

    await run();

    expect(manager.calls).toEqual([
      { method: 'delete', ref: REF },
      { method: 'ensureNamespace', namespace: 'default' },
      { method: 'submit', ref: REF, replicas: 1, options: { firstReplicaIndex: 0 } },
    ]);
    expect(writers.writesOf('replicaReport').map((x) => x.entry)).toEqual([{ cluster: 'b', pending: 0, running: 0, succeeded: 0, failed: 0 }]);
    // The removal is handled once: the next reconcile only submits (idempotent).
    await run();
    expect(manager.callsOf('delete')).toHaveLength(1);
  });
});
