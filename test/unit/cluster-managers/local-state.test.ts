import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalState } from '../../../src/cluster-managers/local/local-state.js';
import { newReplica, starting } from '../../../src/cluster-managers/local/replica-lifecycle.js';
import { StateFiles, type WorkloadRecord } from '../../../src/cluster-managers/local/state-files.js';

const ref = { kind: 'Job' as const, namespace: 'default', name: 'hello' };
const record: WorkloadRecord = { ref, uid: 'u1', run: 'echo hi', envs: [], resources: { cpu: 1, memory: 0, gpu: 0 }, restartPolicy: 'NEVER', replicas: 2, firstReplicaIndex: 0 };

describe('LocalState', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'local-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes every change through, so a new instance reads back the same workloads', async () => {
    const state = new LocalState(new StateFiles(dir));
    const entry = await state.putWorkload(record);
    await state.addReplica(entry, newReplica(0));
    await state.addReplica(entry, newReplica(1));
    await state.update(entry, entry.replicas[0], starting(entry.replicas[0], 'tok', new Date('2026-01-01T00:00:00Z')));

    const again = new LocalState(new StateFiles(dir));
    await again.load();
    expect(again.refs()).toEqual([ref]);
    expect(again.get(ref)!.record).toEqual(record);
    expect(again.get(ref)!.replicas.map((r) => [r.index, r.state, r.token])).toEqual([
      [0, 'RUNNING', 'tok'],
      [1, 'PENDING', undefined],
    ]);
    // The persisted format: one JSON file per replica, undefined fields left out.
    expect(JSON.parse(await readFile(path.join(dir, 'default', 'jobs', 'hello', '0.json'), 'utf8'))).toEqual({
      index: 0,
      state: 'RUNNING',
      restarts: 0,
      token: 'tok',
      startTime: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reports a change only after a replica was updated, once', async () => {
    const state = new LocalState(new StateFiles(dir));
    const entry = await state.putWorkload(record);
    await state.addReplica(entry, newReplica(0));
    expect(state.takeReplicasChanged()).toBe(false);
    await state.update(entry, entry.replicas[0], { message: 'waiting for free slots' });
    expect(state.takeReplicasChanged()).toBe(true);
    expect(state.takeReplicasChanged()).toBe(false);
  });

  it('forgets removed replicas and workloads, on disk too', async () => {
    const state = new LocalState(new StateFiles(dir));
    const entry = await state.putWorkload(record);
    await state.addReplica(entry, newReplica(0));
    await state.addReplica(entry, newReplica(1));
    await state.removeReplica(entry, 1);
    expect(entry.replicas.map((r) => r.index)).toEqual([0]);
    await state.removeWorkload(ref);
    expect(state.get(ref)).toBeUndefined();
    const again = new LocalState(new StateFiles(dir));
    await again.load();
    expect(again.refs()).toEqual([]);
  });

  it('sorts workloads by key, the order in which queued replicas get slots', async () => {
    const state = new LocalState(new StateFiles(dir));
    for (const name of ['b', 'a', 'c']) await state.putWorkload({ ...record, ref: { ...ref, name } });
    expect(state.sorted().map((e) => e.record.ref.name)).toEqual(['a', 'b', 'c']);
  });
});
