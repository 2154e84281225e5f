/**
 * What only the etcd store promises, beyond the Store contract: several API servers sharing one
 * etcd, and watches that survive an etcd restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdProcess } from '../../fixtures/etcd.js';
import { startEtcdCluster, type EtcdCluster } from '../../fixtures/etcd-cluster.js';
import { AlreadyExistsError, DomainError } from '../../src/domain/errors.js';
import { EtcdStore } from '../../src/storage/etcd-store.js';
import { makeCluster, makeJob } from '../fixtures/store-objects.js';
import { delay, expectOrdered, increment, jobKey, names, next, rejection, take, watch } from '../helpers/store-events.js';

describe('etcd store shared by several API servers', () => {
  let etcd: EtcdProcess;
  const opened: EtcdStore[] = [];
  const open = async (prefix: string) => {
    const store = await EtcdStore.open({ endpoints: [etcd.endpoint], prefix });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it("sees the other servers' writes through watches and compare-and-swap", async () => {
    const [one, two] = [await open('/shared'), await open('/shared')];
    const other = await open('/other-installation');
    const events = watch(one, { kind: 'Job', fromResourceVersion: await one.currentResourceVersion() });

    const created = await two.create(makeJob('a', 'default', { count: '0' }));
    expect(await one.get(jobKey('a'))).toEqual(created);
    expect(await rejection(one.create(makeJob('a')))).toBeInstanceOf(AlreadyExistsError);
    expect(await other.get(jobKey('a'))).toBeUndefined();
    await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 ? one : two, jobKey('a'))));
    await one.delete(jobKey('a'));

    const seen = await take(events, 12);
    expect(seen.map((e) => `${e.type} ${e.object.metadata.annotations.count}`)).toEqual([
      'ADDED 0',
      ...Array.from({ length: 10 }, (_, i) => `MODIFIED ${i + 1}`),
      'DELETED 10',
    ]);
  });

  it('resumes watches across an etcd restart without losing or repeating events', async () => {
    const writer = await open('/restart');
    const from = await writer.currentResourceVersion();
    const total = 2500;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => writer.create(makeCluster(`c-${i + j}`))));
    }
    const watcher = await open('/restart');
    const events = watch(watcher, { kind: 'Cluster', fromResourceVersion: from });

    // etcd sends history in batches of 1000 revisions about 100 ms apart; restart it between two.
    const received = [await next(events)];
    await etcd.restart();
    received.push(...(await take(events, total - 1)));
    const after = await retryWhileUnavailable(() => writer.create(makeCluster('after-restart')));
    received.push(await next(events));

    expectOrdered(received);
    expect(received.map((e) => Number(e.resourceVersion))).toEqual(
      Array.from({ length: total + 1 }, (_, i) => Number(from) + 1 + i),
    );
    expect(received.at(-1)!.object).toEqual(after);

    // The list spans several range pages (500 each), read at one revision, in key order.
    const list = await writer.list({ kind: 'Cluster' });
    const listed = names(list.items);
    expect(new Set(listed).size).toBe(total + 1);
    expect(listed).toEqual([...listed].sort());
    expect(list.resourceVersion).toBe(after.metadata.resourceVersion);
  });
});

describe('etcd store on a 3-member etcd cluster', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps its writes and its watch when the leader is SIGKILLed, and the member rejoins', async () => {
    const store = await EtcdStore.open({ endpoints: cluster.endpoints, prefix: '/members' });
    try {
      const from = await store.currentResourceVersion();
      const events = watch(store, { kind: 'Cluster', fromResourceVersion: from });
      const written = [];
      for (let i = 0; i < 5; i++) written.push(await store.create(makeCluster(`before-${i}`)));

      const leader = await cluster.leader();
      await cluster.kill(leader);
      expect(leader.running).toBe(false);
      for (let i = 0; i < 5; i++) written.push(await retryWhileUnavailable(() => store.create(makeCluster(`after-${i}`))));
      expect((await cluster.leader()).name).not.toBe(leader.name);

      await cluster.restart(leader);
      written.push(await retryWhileUnavailable(() => store.create(makeCluster('rejoined'))));
      const seen = await take(events, written.length);
      expectOrdered(seen);
      expect(seen.map((e) => e.object)).toEqual(written);
      // The restarted member has caught up: it serves the whole history on its own.
      const alone = await EtcdStore.open({ endpoints: [leader.endpoint], prefix: '/members' });
      try {
        expect(names((await alone.list({ kind: 'Cluster' })).items)).toEqual(names(written).sort());
      } finally {
        await alone.close();
      }
    } finally {
      await store.close();
    }
  });
});

/** After an etcd restart the client may need a moment to reconnect. */
async function retryWhileUnavailable<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt === 20 || error instanceof DomainError) throw error;
      await delay(250);
    }
  }
}
