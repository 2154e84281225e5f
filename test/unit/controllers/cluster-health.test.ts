/** ClusterHealth without processes: probe a FakeClusterManager, assert the Cluster status writes. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ClusterHealth } from '../../../src/controllers/cluster-health.js';
import { FAKE_CAPACITY, FakeClusterManager } from '../../helpers/fake-cluster-manager.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const ENDPOINT = 'http://127.0.0.1:7000/clusters/a';

function setup() {
  const listers = new FakeListers().seed(cluster('a', { phase: 'INIT' }));
  const writers = new FakeWriters({ listers });
  const health = new ClusterHealth({ clusterName: 'a', clusters: listers.clusters, writer: writers, logger, failureThreshold: 3, skyletEndpoint: ENDPOINT });
  return { listers, writers, health, manager: new FakeClusterManager() };
}

describe('ClusterHealth.probe', () => {
  it('reports READY with the capacity and the Skylet endpoint, and writes nothing while that holds', async () => {
    const { listers, writers, health, manager } = setup();

    await health.probe(manager);
    await health.probe(manager);

    expect(manager.calls).toEqual([{ method: 'capacity' }, { method: 'capacity' }]);
    expect(writers.writes).toHaveLength(1);
    const status = listers.clusters.get('a')!.status;
    expect(status).toMatchObject({ ...FAKE_CAPACITY, phase: 'READY', skyletEndpoint: ENDPOINT });
    expect(status.message).toBeUndefined();
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'True', reason: 'CapacityReported' })]);
  });

  it('turns ERROR with the reason only after repeated failures, and READY again when the cluster answers', async () => {
    const { listers, writers, health, manager } = setup();
    await health.probe(manager);
    for (let i = 0; i < 3; i++) manager.failNext('capacity', new Error('connect ECONNREFUSED 127.0.0.1:6443'));

    await health.probe(manager);
    await health.probe(manager);
    expect(writers.writes).toHaveLength(1); // two blips: nothing written

    await health.probe(manager);
    expect(writers.writes).toHaveLength(2);
    const errored = listers.clusters.get('a')!.status;
    expect(errored).toMatchObject({ phase: 'ERROR', message: 'connect ECONNREFUSED 127.0.0.1:6443', skyletEndpoint: ENDPOINT });
    expect(errored.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'Unreachable', message: 'connect ECONNREFUSED 127.0.0.1:6443' }),
    ]);

    await health.probe(manager);
    expect(listers.clusters.get('a')!.status).toMatchObject({ phase: 'READY', message: undefined });
    expect(listers.clusters.get('a')!.status.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'True' })]);
  });

  it('reports a manager that could not be created as ERROR at once', async () => {
    const { listers, health } = setup();
    await health.probe(new Error('kubeconfig context "prod" not found'));
    expect(listers.clusters.get('a')!.status).toMatchObject({ phase: 'ERROR', message: 'kubeconfig context "prod" not found' });
  });

  it('does nothing for a cluster that is gone', async () => {
    const { listers, writers, health, manager } = setup();
    listers.remove(cluster('a'));
    await health.probe(manager);
    expect(manager.calls).toEqual([]);
    expect(writers.writes).toEqual([]);
  });
});
