/** WriteTimedStore: each write told with its operation and whether it failed; reads and watches pass through. */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/domain/errors.js';
import type { SkyObject } from '../../../src/domain/types.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';
import { WriteTimedStore, type StoreWrite } from '../../../src/storage/write-timed-store.js';

const namespace = (name: string) => ({ kind: 'Namespace', metadata: { name, labels: {}, annotations: {} }, spec: {}, status: { phase: 'ACTIVE' } }) as unknown as SkyObject;

describe('WriteTimedStore', () => {
  it('tells every create, update and delete, failed ones as failed', async () => {
    const told: [StoreWrite, boolean][] = [];
    const store = new WriteTimedStore(new MemoryStore(), (write, seconds, failed) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      told.push([write, failed]);
    });
    const created = await store.create(namespace('a'));
    await store.update(created, created.metadata.resourceVersion);
    await expect(store.update(created, created.metadata.resourceVersion)).rejects.toThrow(ConflictError);
    await store.delete({ kind: 'Namespace', name: 'a' });
    expect(told).toEqual([['create', false], ['update', false], ['update', true], ['delete', false]]);
    expect((await store.list({ kind: 'Namespace' })).items).toEqual([]);
    await store.close();
  });
});
