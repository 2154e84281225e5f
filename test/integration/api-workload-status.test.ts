/**
 * The owners' status writes of workloads over real HTTP, once per store backend: a Skylet's
 * replica report touches only its cluster's entry and never conflicts with other Skylets or the
 * scheduler; the scheduler's decision is refused when it was made from a stale view; the server
 * derives the phase from both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, JobAPI, NotFoundError, SkyClient } from '../../src/client/index.js';
import { BadUserInputError } from '../../src/domain/errors.js';
import { uniqueName } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';

describe.each(STORES)('workload status writes on the %s store', (store) => {
  let backend: Backend;
  let client: SkyClient;
  let jobs: JobAPI;

  beforeAll(async () => {
    backend = await startBackend(store);
    client = new SkyClient({ url: backend.server.url });
    jobs = new JobAPI({ client });
  });
  afterAll(async () => {
    await client?.close();
    await backend?.stop();
  });

  const counts = (cluster: string, c: Partial<Record<'pending' | 'running' | 'succeeded' | 'failed', number>>) => ({
    cluster,
    pending: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    ...c,
  });

  it('places, then derives the phase and times from the reports of each cluster', async () => {
    const name = uniqueName('owned');
    const created = await jobs.create({ metadata: { name }, spec: { run: 'true', replicas: 3 } });
    const placements = [
      { cluster: 'a', replicas: 2 },
      { cluster: 'b', replicas: 1 },
    ];
    const placed = await jobs.setPlacements(created.metadata, {
      generation: 1,
      expectedPlacements: [],
      placements,
      conditions: [{ type: 'Scheduled', status: 'True', reason: 'Scheduled', message: 'placed on a (2), b (1)' }],
    });
    expect(placed.status).toMatchObject({ phase: 'SCHEDULED', placements, observedGeneration: 1 });
    expect(placed.status.conditions[0].lastTransitionTime).toBeTruthy();

    const running = await jobs.reportReplicas(created.metadata, counts('a', { running: 2 }));
    expect(running.status.phase).toBe('RUNNING');
    expect(running.status.startTime).toBeTruthy();
    await jobs.reportReplicas(created.metadata, counts('b', { succeeded: 1 }));
    const done = await jobs.reportReplicas(created.metadata, counts('a', { succeeded: 2 }));
    expect(done.status).toMatchObject({ phase: 'COMPLETED', placements, replicaStatus: [counts('a', { succeeded: 2 }), counts('b', { succeeded: 1 })] });
    expect(done.status.completionTime).toBeTruthy();
  });

  it('lands 20 concurrent reports of 20 clusters, each its own entry, without a CONFLICT', async () => {
    const name = uniqueName('many');
    const created = await jobs.create({ metadata: { name }, spec: { run: 'true', replicas: 20 } });
    const clusters = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await jobs.setPlacements(created.metadata, { generation: 1, expectedPlacements: [], placements: clusters.map((cluster) => ({ cluster, replicas: 1 })) });
    await Promise.all(clusters.map((cluster) => jobs.reportReplicas(created.metadata, counts(cluster, { running: 1 }))));
    const job = await jobs.get(name);
    expect(job.status.replicaStatus.map((r) => `${r.cluster}:${r.running}`)).toEqual(clusters.map((c) => `${c}:1`));
    expect(job.status.phase).toBe('RUNNING');
  });

  it('refuses a decision made for an older spec or from other placements, and keeps the reports', async () => {
    const name = uniqueName('stale');
    const created = await jobs.create({ metadata: { name }, spec: { run: 'true', replicas: 1 } });
    await jobs.setPlacements(created.metadata, { generation: 1, expectedPlacements: [], placements: [{ cluster: 'a', replicas: 1 }] });
    await jobs.reportReplicas(created.metadata, counts('a', { pending: 1 }));
    // Decided from the empty placements it saw first: another decision landed since.
    const stale = jobs.setPlacements(created.metadata, { generation: 1, expectedPlacements: [], placements: [{ cluster: 'b', replicas: 1 }] });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(/placements are not the ones the decision started from/);

    const current = await jobs.get(name);
    await jobs.update({ ...current, spec: { ...current.spec, replicas: 2 } });
    const old = jobs.setPlacements(current.metadata, { generation: 1, expectedPlacements: current.status.placements, placements: [{ cluster: 'a', replicas: 2 }] });
    await expect(old).rejects.toThrow(/decision was for spec generation 1, the spec is now at 2/);

    const moved = await jobs.setPlacements(current.metadata, {
      generation: 2,
      expectedPlacements: current.status.placements,
      placements: [{ cluster: 'b', replicas: 2 }],
      evictions: [{ cluster: 'a', replicas: 1, at: new Date().toISOString(), reason: 'WaitTimeout', message: 'waited', requestedAt: '2026-12-01T00:00:00Z' }],
    });
    expect(moved.status.replicaStatus).toEqual([counts('a', { pending: 1 })]);
    expect(moved.status.evictions).toMatchObject([{ cluster: 'a', reason: 'WaitTimeout', requestedAt: '2026-12-01T00:00:00Z' }]);
    expect(moved.status.observedGeneration).toBe(2);
  });

  it('decides from placements a whole-status write left unsorted and with an empty entry', async () => {
    const name = uniqueName('tooled');
    const created = await jobs.create({ metadata: { name }, spec: { run: 'true', replicas: 3 } });
    const stored = [
      { cluster: 'b', replicas: 1 },
      { cluster: 'a', replicas: 2 },
      { cluster: 'c', replicas: 0 },
    ];
    await jobs.updateStatus({ metadata: { name }, status: { phase: 'SCHEDULED', placements: stored } });
    const decided = await jobs.setPlacements(created.metadata, { generation: 1, expectedPlacements: stored, placements: [{ cluster: 'a', replicas: 3 }] });
    expect(decided.status.placements).toEqual([{ cluster: 'a', replicas: 3 }]);
  });

  it('lets each writer set only its own conditions, and names the field of bad input', async () => {
    const name = uniqueName('fields');
    const created = await jobs.create({ metadata: { name }, spec: { run: 'true' } });
    const foreign = jobs.reportReplicas(created.metadata, { ...counts('a', {}), conditions: [{ type: 'Scheduled', status: 'True' }] });
    await expect(foreign).rejects.toBeInstanceOf(BadUserInputError);
    await expect(foreign).rejects.toThrow(/input.conditions\[0\].type.*ImageIgnored/);
    await expect(jobs.reportReplicas(created.metadata, counts('a', { running: -1 }))).rejects.toThrow(/input.running/);
    const twice = jobs.setPlacements(created.metadata, {
      generation: 1,
      expectedPlacements: [],
      placements: [
        { cluster: 'a', replicas: 1 },
        { cluster: 'a', replicas: 1 },
      ],
    });
    await expect(twice).rejects.toThrow(/input.placements\[1\].cluster.*listed twice/);
  });

  it('applies a write with a uid only to that object, not to one re-created under its name', async () => {
    const name = uniqueName('uid');
    const first = await jobs.create({ metadata: { name }, spec: { run: 'true' } });
    await jobs.delete(name);
    await jobs.create({ metadata: { name }, spec: { run: 'true' } });
    await expect(jobs.reportReplicas(first.metadata, counts('a', { running: 1 }))).rejects.toBeInstanceOf(NotFoundError);
    expect((await jobs.get(name)).status.replicaStatus).toEqual([]);
  });
});
