/** The Store contract's reads and writes: get and list, create, compare-and-swap update and delete, and their errors. */
import { expect, it } from 'vitest';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../../src/domain/errors.js';
import type { Job, SkyObject } from '../../../src/domain/types.js';
import { makeCluster, makeJob } from '../../fixtures/store-objects.js';
import { increment, jobKey, names, rejection, take, watch } from '../../helpers/store-events.js';
import type { OpenStore } from '../store-contract.js';

export function readsAndWrites(open: OpenStore): void {
  it('creates and gets objects, never sharing them with the caller', async () => {
    const store = await open();
    const input = makeJob('a');
    const created = await store.create(input);

    expect(created.metadata.resourceVersion).toMatch(/^[1-9]\d*$/);
    expect(input.metadata.resourceVersion).toBe('');
    expect(await store.currentResourceVersion()).toBe(created.metadata.resourceVersion);
    const got = await store.get(jobKey('a'));
    expect(got).toEqual(created);

    (got as Job).spec.replicas = 99;
    created.metadata.labels.mutated = 'yes';
    input.metadata.labels.mutated = 'yes';
    const again = await store.get(jobKey('a'));
    expect((again as Job).spec.replicas).toBe(1);
    expect(again!.metadata.labels).toEqual({ app: 'store-test' });
    expect(await store.get(jobKey('absent'))).toBeUndefined();
  });

  it('lists by kind and namespace, in key order, with the store version', async () => {
    const store = await open();
    await store.create(makeJob('j3', 'b'));
    await store.create(makeJob('j2', 'a'));
    await store.create(makeJob('j1', 'a'));
    await store.create(makeCluster('c2'));
    const last = await store.create(makeCluster('c1'));

    const inA = await store.list({ kind: 'Job', namespace: 'a' });
    expect(names(inA.items)).toEqual(['a/j1', 'a/j2']);
    expect(inA.resourceVersion).toBe(last.metadata.resourceVersion);
    expect(names((await store.list({ kind: 'Job' })).items)).toEqual(['a/j1', 'a/j2', 'b/j3']);
    expect(names((await store.list({ kind: 'Cluster' })).items)).toEqual(['c1', 'c2']);
    expect((await store.list({ kind: 'Job', namespace: 'c' })).items).toEqual([]);
    expect((await store.list({ kind: 'Deployment' })).items).toEqual([]);
  });

  it('rejects creating an object that exists with AlreadyExistsError', async () => {
    const store = await open();
    await store.create(makeJob('a'));
    const error = await rejection(store.create(makeJob('a')));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.message).toBe("Object 'jobs/default/a' already exists.");
    // Same name, other namespace or kind: a different object.
    await store.create(makeJob('a', 'other'));
    await store.create(makeCluster('a'));
  });

  it('updates at the expected version and rejects a stale one with ConflictError', async () => {
    const store = await open();
    const v1 = await store.create(makeJob('a'));
    const v2 = await store.update({ ...v1, spec: { ...v1.spec, replicas: 2 } } as SkyObject, v1.metadata.resourceVersion);
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    expect((await store.get(jobKey('a')))!.spec).toEqual(v2.spec);

    const error = await rejection(store.update(v1, v1.metadata.resourceVersion));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toMatchObject({
      expectedResourceVersion: v1.metadata.resourceVersion,
      actualResourceVersion: v2.metadata.resourceVersion,
    });
    expect(await rejection(store.update(v1, 'not-a-version'))).toBeInstanceOf(ConflictError);

    const v3 = await store.update(v1); // unconditional
    expect((await store.get(jobKey('a')))!.metadata.resourceVersion).toBe(v3.metadata.resourceVersion);
  });

  it('rejects updating or deleting an absent object with NotFoundError', async () => {
    const store = await open();
    const gone = makeJob('gone');
    for (const attempt of [
      () => store.update(gone),
      () => store.update(gone, '1'),
      () => store.delete(jobKey('gone')),
      () => store.delete(jobKey('gone'), '1'),
    ]) {
      const error = await rejection(attempt());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe("Object 'jobs/default/gone' not found.");
    }
    expect(await store.get(jobKey('gone'))).toBeUndefined();
  });

  it("deletes at the expected version, returning the last state with the deletion's version", async () => {
    const store = await open();
    const v1 = await store.create(makeJob('a'));
    const v2 = await store.update({ ...v1, spec: { ...v1.spec, replicas: 3 } } as SkyObject);
    expect(await rejection(store.delete(jobKey('a'), v1.metadata.resourceVersion))).toBeInstanceOf(ConflictError);

    const deleted = await store.delete(jobKey('a'), v2.metadata.resourceVersion);
    expect(deleted.spec).toEqual(v2.spec);
    expect(Number(deleted.metadata.resourceVersion)).toBeGreaterThan(Number(v2.metadata.resourceVersion));
    expect(await store.currentResourceVersion()).toBe(deleted.metadata.resourceVersion);
    expect(await store.get(jobKey('a'))).toBeUndefined();
    expect((await store.list({ kind: 'Job' })).items).toEqual([]);
    expect(await rejection(store.delete(jobKey('a')))).toBeInstanceOf(NotFoundError);
  });

  it('loses no update when 50 writers compare-and-swap one object', async () => {
    const store = await open();
    const created = await store.create(makeJob('counter', 'default', { count: '0' }));
    const events = watch(store, { kind: 'Job', fromResourceVersion: created.metadata.resourceVersion });

    const attempts = await Promise.all(Array.from({ length: 50 }, () => increment(store, jobKey('counter'))));

    expect((await store.get(jobKey('counter')))!.metadata.annotations.count).toBe('50');
    expect(attempts.some((n) => n > 1)).toBe(true); // the writers did collide
    const counts = (await take(events, 50)).map((e) => e.object.metadata.annotations.count);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

}
