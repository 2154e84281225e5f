/** The Store contract's watches: live or from a version, resumed, scoped, ended, and history that is gone. */
import { expect, it } from 'vitest';
import { BadUserInputError, GoneError } from '../../../src/domain/errors.js';
import type { SkyObject } from '../../../src/domain/types.js';
import type { Store, StoreEvent } from '../../../src/storage/store.js';
import { makeCluster, makeJob } from '../../fixtures/store-objects.js';
import { delay, describeEvent, expectOrdered, jobKey, next, rejection, take, watch } from '../../helpers/store-events.js';
import type { OpenStore } from '../store-contract.js';

export function watches(open: OpenStore, forgetHistory: (store: Store) => Promise<void>): void {
  it('watches only live changes when no version is given', async () => {
    const store = await open();
    const before = await store.create(makeJob('before'));
    const events = watch(store, { kind: 'Job' });
    // The watch starts at the first next(); keep writing until it reports, then check that it
    // began after `before` and missed nothing from where it began.
    const first = events.next();
    let written = 0;
    while ((await Promise.race([first, delay(50).then(() => 'waiting')])) === 'waiting') {
      await store.create(makeJob(`live-${written++}`));
      expect(written).toBeLessThan(100);
    }
    const { value } = await first;
    const start = Number((value as StoreEvent).object.metadata.name.slice('live-'.length));
    const rest = await take(events, written - start - 1);
    expect([value as StoreEvent, ...rest].map(describeEvent)).toEqual(
      Array.from({ length: written - start }, (_, i) => `ADDED default/live-${start + i}`),
    );
    expect(Number((value as StoreEvent).resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });

  it('watches from a version: every later change in order, exactly once, then live ones', async () => {
    const store = await open();
    const a1 = await store.create(makeJob('a'));
    const a2 = await store.update({ ...a1, spec: { ...a1.spec, replicas: 2 } } as SkyObject, a1.metadata.resourceVersion);
    await store.create(makeJob('b', 'other'));
    const deleted = await store.delete(jobKey('a'));
    await store.create(makeCluster('not-a-job'));

    const events = watch(store, { kind: 'Job', fromResourceVersion: a1.metadata.resourceVersion });
    const past = await take(events, 3);
    expect(past.map(describeEvent)).toEqual(['MODIFIED default/a', 'ADDED other/b', 'DELETED default/a']);
    expect(past[0].object).toEqual(a2);
    expect(past[2].object).toEqual(deleted);
    expect(past[2].object.spec).toEqual(a2.spec);

    const c = await store.create(makeJob('c'));
    const live = await next(events);
    expect(describeEvent(live)).toBe('ADDED default/c');
    expect(live.object).toEqual(c);
    expectOrdered([...past, live]);
  });

  it('resumes a watch from the last event a consumer saw', async () => {
    const store = await open();
    const from = await store.currentResourceVersion();
    for (let i = 1; i <= 5; i++) await store.create(makeJob(`j${i}`));

    const first = watch(store, { kind: 'Job', fromResourceVersion: from });
    const seen = await take(first, 2);
    await first.return!();

    const resumed = watch(store, { kind: 'Job', fromResourceVersion: seen[1].resourceVersion });
    const rest = await take(resumed, 3);
    expect([...seen, ...rest].map(describeEvent)).toEqual(['j1', 'j2', 'j3', 'j4', 'j5'].map((n) => `ADDED default/${n}`));
    await store.create(makeJob('j6'));
    expect(describeEvent(await next(resumed))).toBe('ADDED default/j6');
  });

  it('answers a version older than the retained history with GoneError', async () => {
    const store = await open({ historyLimit: 3 });
    const first = await store.create(makeJob('a'));
    await forgetHistory(store);

    const error = await rejection(next(watch(store, { kind: 'Job', fromResourceVersion: first.metadata.resourceVersion })));
    expect(error).toBeInstanceOf(GoneError);
    expect(Number(error.details.oldestResourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));

    // The way out: list again and watch from the list's version.
    const list = await store.list({ kind: 'Job' });
    const events = watch(store, { kind: 'Job', fromResourceVersion: list.resourceVersion });
    await store.create(makeJob('b'));
    expect(describeEvent(await next(events))).toBe('ADDED default/b');
  });

  it('scopes watches by kind and namespace', async () => {
    const store = await open();
    const from = await store.currentResourceVersion();
    const inA = watch(store, { kind: 'Job', namespace: 'a', fromResourceVersion: from });
    const allJobs = watch(store, { kind: 'Job', fromResourceVersion: from });
    const clusters = watch(store, { kind: 'Cluster', fromResourceVersion: from });

    await store.create(makeJob('x', 'b'));
    await store.create(makeCluster('c'));
    await store.create(makeJob('y', 'a'));
    await store.create(makeJob('ab', 'ab')); // shares a prefix with namespace "a"
    await store.create(makeJob('z', 'a'));

    expect((await take(inA, 2)).map(describeEvent)).toEqual(['ADDED a/y', 'ADDED a/z']);
    expect((await take(allJobs, 4)).map(describeEvent)).toEqual(['ADDED b/x', 'ADDED a/y', 'ADDED ab/ab', 'ADDED a/z']);
    expect(describeEvent(await next(clusters))).toBe('ADDED c');
    await store.create(makeCluster('d'));
    expect(describeEvent(await next(clusters))).toBe('ADDED d');
  });

  it('scopes a watch to a set of namespaces, from history and live', async () => {
    const store = await open();
    const from = await store.currentResourceVersion();
    await store.create(makeJob('old-a', 'a'));
    await store.create(makeJob('old-b', 'b'));
    const aAndC = watch(store, { kind: 'Job', namespaces: new Set(['a', 'c']), fromResourceVersion: from });
    const stopNone = new AbortController();
    const none = watch(store, { kind: 'Job', namespaces: new Set(), fromResourceVersion: from, signal: stopNone.signal });
    const noneFirst = none.next();
    await store.create(makeJob('x', 'b'));
    await store.create(makeCluster('cl'));
    await store.create(makeJob('y', 'c'));
    await store.create(makeJob('ab', 'ab'));
    await store.create(makeJob('z', 'a'));

    expect((await take(aAndC, 3)).map(describeEvent)).toEqual(['ADDED a/old-a', 'ADDED c/y', 'ADDED a/z']);
    // Nothing for the empty set: a later event of every namespace still finds the watch empty.
    const marker = watch(store, { kind: 'Job', fromResourceVersion: await store.currentResourceVersion() });
    await store.create(makeJob('last', 'd'));
    expect(describeEvent(await next(marker))).toBe('ADDED d/last');
    await delay(50);
    stopNone.abort();
    expect(await noneFirst).toEqual({ done: true, value: undefined });
  });

  it('ends a watch when its signal aborts or the store closes', async () => {
    const store = await open();
    const controller = new AbortController();
    const aborted = watch(store, { kind: 'Job', signal: controller.signal });
    const pending = aborted.next();
    await delay(50);
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });

    const closing = watch(store, { kind: 'Job', fromResourceVersion: await store.currentResourceVersion() });
    const waiting = closing.next();
    await delay(50);
    await store.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('rejects a malformed resourceVersion with BadUserInputError', async () => {
    const store = await open();
    expect(await rejection(next(watch(store, { kind: 'Job', fromResourceVersion: 'yesterday' })))).toBeInstanceOf(BadUserInputError);
  });
}
