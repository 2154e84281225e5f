/**
 * A Skylet without processes: fake listers and writers, a FakeClusterManager from its factory,
 * intervals long enough that only its first rounds and the pokes run.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Skylet } from '../../../src/controllers/skylet.js';
import { describeRef, refOf } from '../../../src/domain/object-ref.js';
import type { Workload } from '../../../src/domain/types.js';
import { FakeClusterManager } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const running: Skylet[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function placedOnA(name: string): Workload {
  const w = workload(name);
  return { ...w, status: { ...w.status, phase: 'SCHEDULED', placements: [{ cluster: 'a', replicas: 1 }], observedGeneration: 1 } } as Workload;
}

async function startSkylet(workloads: Workload[] = [], manager = new FakeClusterManager()) {
  const listers = new FakeListers().seed(cluster('a'), ...workloads);
  const writers = new FakeWriters({ listers });
  const skylet = new Skylet(cluster('a'), {
    listers,
    writer: writers,
    stateDir: '/nonexistent',
    logger,
    probeIntervalMs: 60_000,
    statusIntervalMs: 60_000,
    createManager: () => manager,
    endpointFor: (c) => `http://127.0.0.1:7000/clusters/${c}`,
  });
  running.push(skylet);
  await skylet.start(cluster('a'));
  return { listers, writers, manager, skylet };
}

describe('Skylet', () => {
  it('probes health, submits what is placed here, reports it, and deletes what is not placed here', async () => {
    const w = placedOnA('w');
    // A crash's leftover in the cluster, placed nowhere.
    const member = new FakeClusterManager().addRunning({ kind: 'Job', namespace: 'default', name: 'orphan' });
    member.reports.set(describeRef(refOf(w)), { ref: refOf(w), replicas: [], pending: 0, running: 1, succeeded: 0, failed: 0 });
    const { listers, writers, manager } = await startSkylet([w], member);

    await vi.waitFor(() => expect(writers.writesOf('clusterStatus')).toHaveLength(1));
    expect(listers.clusters.get('a')!.status).toMatchObject({ phase: 'READY', skyletEndpoint: 'http://127.0.0.1:7000/clusters/a' });
    await vi.waitFor(() => expect(manager.callsOf('submit')).toEqual([{ method: 'submit', ref: refOf(w), replicas: 1, options: { firstReplicaIndex: 0 } }]));
    await vi.waitFor(() => expect(manager.callsOf('delete')).toEqual([{ method: 'delete', ref: { kind: 'Job', namespace: 'default', name: 'orphan' } }]));
    await vi.waitFor(() => expect(writers.writesOf('replicaReport').map((r) => r.entry)).toEqual([{ cluster: 'a', pending: 0, running: 1, succeeded: 0, failed: 0 }]));
  });

  it('reads replica states and capacity again soon after the cluster pushes a change', async () => {
    const w = placedOnA('w');
    const { listers, manager } = await startSkylet([w]);
    await vi.waitFor(() => expect(manager.callsOf('status')).toHaveLength(1));
    await vi.waitFor(() => expect(manager.callsOf('capacity')).toHaveLength(1));

    manager.reports.set(describeRef(refOf(w)), { ref: refOf(w), replicas: [], pending: 0, running: 1, succeeded: 0, failed: 0 });
    manager.pushChange();
    manager.pushChange(); // one burst: one read

    await vi.waitFor(() => expect(listers.workload('Job/default/w')!.status.replicaStatus).toEqual([{ cluster: 'a', pending: 0, running: 1, succeeded: 0, failed: 0 }]));
    expect(manager.callsOf('status')).toHaveLength(2);
    await vi.waitFor(() => expect(manager.callsOf('capacity')).toHaveLength(2));
  });

  it('follows a workload placed here later: submits it and reads its states', async () => {
    const { listers, manager } = await startSkylet();
    await vi.waitFor(() => expect(manager.callsOf('capacity')).toHaveLength(1));

    listers.apply(placedOnA('late'));

    await vi.waitFor(() => expect(manager.callsOf('submit').map((c) => c.ref.name)).toEqual(['late']));
    await vi.waitFor(() => expect(manager.callsOf('status').map((c) => c.refs.map((r) => r.name))).toEqual([['late']]));
  });

  it('stops its loops and closes the manager', async () => {
    const { skylet, manager } = await startSkylet([placedOnA('w')]);
    await vi.waitFor(() => expect(manager.callsOf('capacity')).toHaveLength(1));
    await skylet.stop();
    running.splice(0);
    const calls = manager.calls.length;
    manager.pushChange();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(manager.closed).toBe(true);
    expect(manager.calls.length).toBe(calls);
  });
});
