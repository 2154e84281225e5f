/**
 * Queues, PriorityClasses and the admission controller's write over real HTTP and WebSocket,
 * once per store backend (their CRUD runs with every kind's in api-crud.test.ts): watches of both
 * kinds, the one-global-default and immutable-value rules as a client sees them, and
 * setJobAdmission's precondition through the typed client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, JobAPI, PriorityClassAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import type { Admission } from '../../src/domain/types.js';
import { kindApi, uniqueName } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';
import { Watch, type WatchEvent } from '../helpers/graphql.js';

describe.each(STORES)('queueing objects on the %s store', (store) => {
  let backend: Backend;
  let client: SkyClient;

  beforeAll(async () => {
    backend = await startBackend(store);
    client = new SkyClient({ url: backend.server.url });
  });
  afterAll(async () => {
    await client?.close();
    await backend?.stop();
  });

  it('watches queues and priority classes: ADDED, MODIFIED (status) and DELETED', async () => {
    const tag = uniqueName('w');
    const queues = kindApi(backend.server.url, 'Queue');
    const classes = kindApi(backend.server.url, 'PriorityClass');
    const queueWatch = new Watch<WatchEvent>(backend.server.wsUrl, queues.documents.watch, { labelSelector: `tag=${tag}` });
    const classWatch = new Watch<WatchEvent>(backend.server.wsUrl, classes.documents.watch, { labelSelector: `tag=${tag}` });
    try {
      await queueWatch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      await classWatch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      const name = uniqueName('team');
      await queues.create({ metadata: { name, labels: { tag } }, spec: { quota: { cpu: 4 }, cohort: 'research' } });
      await queues.updateStatus({ metadata: { name }, status: { phase: 'ACTIVE', pending: 2, admitted: 1, usage: { cpu: 2, memory: 0, gpu: 0 } } });
      await queues.delete(name);
      const seen = await queueWatch.until((events) => events.filter((e) => e.type !== 'BOOKMARK').length === 3);
      const changes = seen.filter((e) => e.type !== 'BOOKMARK');
      expect(changes.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      expect(changes[1].object?.status).toMatchObject({ pending: 2, admitted: 1, usage: { cpu: 2 } });

      const pc = uniqueName('urgent');
      await classes.create({ metadata: { name: pc, labels: { tag } }, spec: { value: 1000 } });
      await classes.delete(pc);
      const classChanges = (await classWatch.until((events) => events.filter((e) => e.type !== 'BOOKMARK').length === 2)).filter((e) => e.type !== 'BOOKMARK');
      expect(classChanges.map((e) => `${e.type} ${e.object?.metadata.name}`)).toEqual([`ADDED ${pc}`, `DELETED ${pc}`]);
      expect(classChanges[0].object?.spec).toEqual({ value: 1000, preemptionPolicy: 'PREEMPT_LOWER_PRIORITY', description: '', globalDefault: false });
    } finally {
      await queueWatch.close();
      await classWatch.close();
    }
  });

  it('refuses a second global default and a changed value with BAD_USER_INPUT naming the field', async () => {
    const classes = kindApi(backend.server.url, 'PriorityClass');
    const first = uniqueName('default');
    await classes.create({ metadata: { name: first }, spec: { value: 10, globalDefault: true } });
    try {
      const second = await classes.createError({ metadata: { name: uniqueName('other') }, spec: { value: 20, globalDefault: true } });
      expect(second.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spec.globalDefault' });
      expect(second.message).toContain(first);
      const current = await classes.get(first);
      const changed = await classes.updateError({ metadata: { name: first, resourceVersion: current.metadata.resourceVersion }, spec: { value: 11, globalDefault: true } });
      expect(changed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spec.value' });
    } finally {
      await classes.delete(first);
    }
  });

  it('admits through the typed client, refuses a stale decision with CONFLICT, and keeps the scheduler\'s fields', async () => {
    const jobs = new JobAPI({ client });
    await new QueueAPI({ client }).create({ metadata: { name: uniqueName('q') }, spec: { quota: { cpu: 8 } } });
    await new PriorityClassAPI({ client }).create({ metadata: { name: uniqueName('pc') }, spec: { value: 5 } });
    const name = uniqueName('admitted');
    const created = await jobs.create({ metadata: { name }, spec: { run: 'true', replicas: 2, resources: { cpu: 1 } } });
    const admission: Admission = {
      queue: 'team-a',
      priority: 5,
      admittedAt: new Date().toISOString(),
      generation: 1,
      replicas: 2,
      usage: { cpu: 2, memory: 0, gpu: 0, accelerators: [] },
    };
    const admitted = await jobs.setAdmission(created.metadata, {
      admission,
      queue: { name: 'team-a', reason: 'Admitted', message: 'admitted' },
      conditions: [{ type: 'Admitted', status: 'True' }],
    });
    expect(admitted.status.admission).toEqual(admission);
    const placed = await jobs.setPlacements(created.metadata, { generation: 1, expectedPlacements: [], placements: [{ cluster: 'a', replicas: 2 }] });

    // Decided when it was not admitted: refused, and nothing changes.
    await expect(jobs.setAdmission(created.metadata, { admission: { ...admission, queue: 'team-b' } })).rejects.toBeInstanceOf(ConflictError);
    // Decided from the admission as read back: lands; preempted, withdrawn.
    const read = await jobs.get(name);
    const preempted = await jobs.setAdmission(read.metadata, {
      expectedAdmission: read.status.admission,
      queue: { name: 'team-a', position: 1, reason: 'Preempted', message: 'preempted' },
      preemption: { by: 'Job/default/urgent', queue: 'team-a', priority: 1000, at: new Date().toISOString() },
      conditions: [{ type: 'Preempted', status: 'True', message: 'Preempted to admit default/urgent (priority 1000)' }],
    });
    expect(preempted.status.admission).toBeUndefined();
    expect(preempted.status.queue).toEqual({ name: 'team-a', position: 1, reason: 'Preempted', message: 'preempted' });
    expect(preempted.status.preemptions?.map((p) => p.by)).toEqual(['Job/default/urgent']);
    expect(preempted.status.placements).toEqual(placed.status.placements);
    expect(preempted.status.conditions.map((c) => c.type)).toEqual(['Preempted']);
  });
});
