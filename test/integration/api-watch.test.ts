/**
 * Watch subscriptions over real WebSockets (graphql-ws) against a real server process, once per
 * store backend: snapshot then live, exact replay from a version, resume after a forced
 * disconnect while writes go on, GONE for versions older than the history, BOOKMARKs that keep an
 * idle watcher resumable, and label-selector semantics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindApi, minimalInput, uniqueName, type Obj } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';
import { compactEtcd } from '../helpers/etcd.js';
import { Watch, type WatchEvent } from '../helpers/graphql.js';

/** What a watcher must see for a write: its type, object name and resourceVersion. */
interface Seen {
  type: string;
  name: string;
  rv: string;
}

const seen = (type: string, object: Obj): Seen => ({ type, name: object.metadata.name, rv: object.metadata.resourceVersion });
const changes = (events: WatchEvent[]): Seen[] =>
  events.filter((e) => e.type !== 'BOOKMARK').map((e) => ({ type: e.type, name: e.object!.metadata.name, rv: e.resourceVersion }));
const lastVersion = (events: WatchEvent[]) => events[events.length - 1].resourceVersion;

describe.each(STORES)('watch on the %s store', (store) => {
  let backend: Backend;
  let url: string;
  let wsUrl: string;
  const jobs = () => kindApi(url, 'Job');
  const watchJobs = (variables: Record<string, unknown>) => new Watch<WatchEvent>(wsUrl, jobs().documents.watch, variables);
  const newNamespace = async () => {
    const name = uniqueName('ns');
    await kindApi(url, 'Namespace').create({ metadata: { name } });
    return name;
  };

  beforeAll(async () => {
    backend = await startBackend(store);
    url = backend.server.url;
    wsUrl = backend.server.wsUrl;
  });
  afterAll(async () => backend?.stop());

  it('without a resourceVersion: the objects as ADDED, a BOOKMARK, then live changes', async () => {
    const ns = await newNamespace();
    const existing: Obj[] = [];
    for (const name of ['b', 'a', 'c']) existing.push(await jobs().create(minimalInput('Job', name, ns)));
    const watch = watchJobs({ namespace: ns });
    try {
      const snapshot = await watch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      expect(snapshot.slice(0, 3).map((e) => [e.type, e.object!.metadata.name, e.resourceVersion])).toEqual(
        ['a', 'b', 'c'].map((name) => {
          const object = existing.find((o) => o.metadata.name === name)!;
          return ['ADDED', name, object.metadata.resourceVersion];
        }),
      );
      expect(snapshot).toHaveLength(4);
      const listVersion = BigInt(snapshot[3].resourceVersion);
      expect(listVersion).toBeGreaterThanOrEqual(BigInt(existing[2].metadata.resourceVersion));

      const created = await jobs().create(minimalInput('Job', 'd', ns));
      const modified = await jobs().update({ metadata: { name: 'a', namespace: ns, resourceVersion: existing[1].metadata.resourceVersion }, spec: { replicas: 2 } });
      const deleted = await jobs().delete('b', ns);
      const events = await watch.until((all) => all.length === 7);
      expect(changes(events.slice(4))).toEqual([seen('ADDED', created), seen('MODIFIED', modified), seen('DELETED', deleted)]);
      expect(events[5].object!.spec.replicas).toBe(2);
      // A DELETED event carries the last state with the deletion's version.
      expect(events[6].object!.metadata.resourceVersion).toBe(deleted.metadata.resourceVersion);
      expect(BigInt(events[4].resourceVersion)).toBeGreaterThan(listVersion);
    } finally {
      await watch.close();
    }
  });

  it('with a resourceVersion: exactly the later changes, in order, once, then live', async () => {
    const ns = await newNamespace();
    const from = (await jobs().list({ namespace: ns })).resourceVersion;
    const expected: Seen[] = [];
    const a = await jobs().create(minimalInput('Job', 'a', ns));
    expected.push(seen('ADDED', a));
    const b = await jobs().create(minimalInput('Job', 'b', ns));
    expected.push(seen('ADDED', b));
    const a2 = await jobs().update({ metadata: { name: 'a', namespace: ns, resourceVersion: a.metadata.resourceVersion }, spec: { replicas: 3 } });
    expected.push(seen('MODIFIED', a2));
    const a3 = await jobs().updateStatus({ metadata: { name: 'a', namespace: ns }, status: { phase: 'RUNNING' } });
    expected.push(seen('MODIFIED', a3));
    expected.push(seen('DELETED', await jobs().delete('b', ns)));

    const watch = watchJobs({ namespace: ns, resourceVersion: from });
    try {
      expect(changes(await watch.until((events) => events.length >= expected.length))).toEqual(expected);
      const live = await jobs().create(minimalInput('Job', 'c', ns));
      expect(changes(await watch.until((events) => events.length === expected.length + 1)).at(-1)).toEqual(seen('ADDED', live));
    } finally {
      await watch.close();
    }
  });

  it('resumes after a forced disconnect from the last version seen: nothing missed, nothing repeated', async () => {
    const ns = await newNamespace();
    const from = (await jobs().list({ namespace: ns })).resourceVersion;
    const acknowledged: Seen[] = [];
    let writing = true;
    let writes = 0;
    // One writer, sequential, so the acknowledged order is the store's order.
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const name = `job-${i % 7}`;
        const existing = acknowledged.findLast((s) => s.name === name);
        if (!existing || existing.type === 'DELETED') acknowledged.push(seen('ADDED', await jobs().create(minimalInput('Job', name, ns))));
        else if (i % 3 === 0) acknowledged.push(seen('DELETED', await jobs().delete(name, ns)));
        else acknowledged.push(seen('MODIFIED', await jobs().updateStatus({ metadata: { name, namespace: ns }, status: { phase: i % 2 ? 'RUNNING' : 'SCHEDULED' } })));
        writes++;
      }
    })();

    const first = watchJobs({ namespace: ns, resourceVersion: from });
    const second: Watch[] = [];
    try {
      await first.until((events) => events.length >= 15);
      first.terminate(); // no goodbye: the TCP connection just drops
      const cutAt = lastVersion(first.events);
      const writesAtCut = writes;
      while (writes < writesAtCut + 20) await new Promise((resolve) => setTimeout(resolve, 5));

      const resumed = watchJobs({ namespace: ns, resourceVersion: cutAt });
      second.push(resumed);
      await resumed.until((events) => events.length >= 10);
      writing = false;
      await writer;
      const final = acknowledged.at(-1)!.rv;
      await resumed.until((events) => events.some((e) => e.resourceVersion === final));

      const firstChanges = changes(first.events).filter((s) => BigInt(s.rv) <= BigInt(cutAt));
      expect([...firstChanges, ...changes(resumed.events)]).toEqual(acknowledged);
    } finally {
      writing = false;
      await writer;
      await first.close();
      for (const w of second) await w.close();
    }
  });

  it('applies a label selector like Kubernetes: leaving the selection is DELETED, entering it ADDED', async () => {
    const ns = await newNamespace();
    const watch = watchJobs({ namespace: ns, labelSelector: 'app=web' });
    try {
      await watch.until((events) => events.length === 1); // the snapshot's BOOKMARK
      const a = await jobs().create(minimalInput('Job', 'a', ns, { app: 'web' }));
      const b = await jobs().create(minimalInput('Job', 'b', ns, { app: 'db' }));
      const bIn = await jobs().update({ metadata: { name: 'b', namespace: ns, labels: { app: 'web' }, resourceVersion: b.metadata.resourceVersion }, spec: {} });
      const aOut = await jobs().update({ metadata: { name: 'a', namespace: ns, labels: { app: 'db' }, resourceVersion: a.metadata.resourceVersion }, spec: {} });
      await jobs().delete('a', ns); // already out of the selection: nothing to say
      const bGone = await jobs().delete('b', ns);
      const events = await watch.until((all) => all.length === 5);
      expect(changes(events.slice(1))).toEqual([seen('ADDED', a), seen('ADDED', bIn), seen('DELETED', aOut), seen('DELETED', bGone)]);
      expect(events[3].object!.metadata.labels).toEqual({ app: 'db' });
    } finally {
      await watch.close();
    }
  });

  it('watches every namespace when none is given, and global kinds', async () => {
    const [ns1, ns2] = [await newNamespace(), await newNamespace()];
    const tag = uniqueName('tag');
    const all = watchJobs({ labelSelector: `tag=${tag}` });
    const clusters = new Watch<WatchEvent>(wsUrl, kindApi(url, 'Cluster').documents.watch, { labelSelector: `tag=${tag}` });
    try {
      await all.until((events) => events.length === 1);
      await clusters.until((events) => events.length === 1);
      const one = await jobs().create(minimalInput('Job', 'x', ns1, { tag }));
      const two = await jobs().create(minimalInput('Job', 'x', ns2, { tag }));
      const cluster = await kindApi(url, 'Cluster').create(minimalInput('Cluster', uniqueName('c'), undefined, { tag }));
      const events = await all.until((e) => e.length === 3);
      expect(events.slice(1).map((e) => `${e.object!.metadata.namespace}/${e.resourceVersion}`)).toEqual([
        `${ns1}/${one.metadata.resourceVersion}`,
        `${ns2}/${two.metadata.resourceVersion}`,
      ]);
      expect(changes((await clusters.until((e) => e.length === 2)).slice(1))).toEqual([seen('ADDED', cluster)]);
    } finally {
      await all.close();
      await clusters.close();
    }
  });

  it('rejects a malformed resourceVersion or selector with BAD_USER_INPUT', async () => {
    for (const [variables, field] of [
      [{ resourceVersion: 'yesterday' }, 'resourceVersion'],
      [{ labelSelector: 'a in (b' }, 'labelSelector'],
    ] as const) {
      const watch = watchJobs(variables);
      try {
        const errors = (await watch.failure()) as { extensions?: Record<string, unknown> }[];
        expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      } finally {
        await watch.close();
      }
    }
  });
});

describe.each(STORES)('watch history on the %s store', (store) => {
  const HISTORY = 5;
  let backend: Backend;
  let url: string;
  const jobs = () => kindApi(url, 'Job');

  beforeAll(async () => {
    backend = await startBackend(store, { extraArgs: ['--history-limit', String(HISTORY), '--bookmark-interval-ms', '100'] });
    url = backend.server.url;
  });
  afterAll(async () => backend?.stop());

  /** Pushes the retained history past everything before now: writes, and for etcd a compaction. */
  /**
   * Moves the store past its retained history. The noise is Jobs (in a namespace of its own, so
   * namespaced watchers see none of it): the watched kind itself, because the etcd store keeps
   * history per kind in the API server's watch cache.
   */
  async function forgetHistory(): Promise<string> {
    const noise = uniqueName('noise');
    await kindApi(url, 'Namespace').create({ metadata: { name: noise } });
    for (let i = 0; i < HISTORY * 3; i++) await jobs().create(minimalInput('Job', uniqueName('noise'), noise));
    const now = (await jobs().list()).resourceVersion;
    if (backend.etcd) await compactEtcd(backend.etcd.endpoint, now);
    return now;
  }

  it('fails a watch from a version older than the history with GONE', async () => {
    const old = (await jobs().list()).resourceVersion;
    await forgetHistory();
    const watch = new Watch<WatchEvent>(backend.server.wsUrl, jobs().documents.watch, { resourceVersion: old });
    try {
      const errors = (await watch.failure()) as { message: string; extensions?: Record<string, unknown> }[];
      expect(errors[0].extensions?.code).toBe('GONE');
      expect(errors[0].message).toMatch(/too old|compacted|gone/i);
      expect(watch.events).toEqual([]);
    } finally {
      await watch.close();
    }
  });

  it('sends BOOKMARKs to an idle watcher, which can resume from one after the history has moved on', async () => {
    const ns = uniqueName('quiet');
    await kindApi(url, 'Namespace').create({ metadata: { name: ns } });
    const start = (await jobs().list({ namespace: ns })).resourceVersion;
    const idle = new Watch<WatchEvent>(backend.server.wsUrl, jobs().documents.watch, { namespace: ns, resourceVersion: start });
    let bookmark: string;
    try {
      // Writes elsewhere move the store on; this watcher sees none of them, only bookmarks.
      const target = await forgetHistory();
      const events = await idle.until((all) => all.some((e) => e.type === 'BOOKMARK' && BigInt(e.resourceVersion) >= BigInt(target)));
      expect(events.every((e) => e.type === 'BOOKMARK' && e.object === null)).toBe(true);
      const versions = events.map((e) => BigInt(e.resourceVersion));
      expect(versions).toEqual([...versions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      bookmark = lastVersion(events);
    } finally {
      await idle.close();
    }

    // Resuming from where the watcher started is no longer possible...
    const stale = new Watch<WatchEvent>(backend.server.wsUrl, jobs().documents.watch, { namespace: ns, resourceVersion: start });
    try {
      expect(((await stale.failure()) as { extensions?: { code?: string } }[])[0].extensions?.code).toBe('GONE');
    } finally {
      await stale.close();
    }
    // ...but from its last bookmark it is, and nothing is missed.
    const resumed = new Watch<WatchEvent>(backend.server.wsUrl, jobs().documents.watch, { namespace: ns, resourceVersion: bookmark });
    try {
      const created = await jobs().create(minimalInput('Job', 'after', ns));
      const events = await resumed.until((all) => changes(all).length === 1);
      expect(changes(events)).toEqual([seen('ADDED', created)]);
    } finally {
      await resumed.close();
    }
  });
});
