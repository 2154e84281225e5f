/**
 * The console's model, without a browser: live lists (batched per frame, sorted, synced, errors),
 * live objects (their own events only, deletion, re-read after a failed watch), capacity bars,
 * the workloads table's filters and replica summaries, and routes.
 */
import { describe, expect, it, vi } from 'vitest';
import type { WatchOptions } from '../../../src/client/api.js';
import { Channel } from '../../../src/client/channel.js';
import type { ListWatch } from '../../../src/client/informer.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import type { Job, ObjectList, WatchEvent } from '../../../src/domain/types.js';
import { quotaUsage, usageOf } from '../../../src/console/model/capacity.js';
import { LiveList } from '../../../src/console/model/live-list.js';
import { LiveObject } from '../../../src/console/model/live-object.js';
import { filterWorkloads, NO_FILTER, replicasByCluster, replicaSummary, selectorOf } from '../../../src/console/model/workload-rows.js';
import { hrefOf, parseRoute, type Route } from '../../../src/console/route.js';
import { makeJob } from '../../fixtures/store-objects.js';

const job = (name: string, namespace: string, resourceVersion: string, patch: Partial<Job['status']> = {}, labels: Record<string, string> = {}): Job => {
  const j = makeJob(name, namespace);
  return { ...j, metadata: { ...j.metadata, resourceVersion, labels }, status: { ...j.status, ...patch } };
};

class FakeJobs implements ListWatch<Job> {
  readonly streams: Channel<WatchEvent<Job>>[] = [];
  constructor(private readonly listed: ObjectList<Job> | Error) {}
  async list(): Promise<ObjectList<Job>> {
    if (this.listed instanceof Error) throw this.listed;
    return this.listed;
  }
  watch(options: WatchOptions): AsyncIterable<WatchEvent<Job>> {
    const stream = new Channel<WatchEvent<Job>>();
    options.signal?.addEventListener('abort', () => stream.end());
    this.streams.push(stream);
    return stream;
  }
}

describe('LiveList', () => {
  it('hands the page one sorted snapshot per frame however many changes arrive in it', async () => {
    const api = new FakeJobs({ kind: 'JobList', resourceVersion: '3', items: [job('b', 'ns-2', '2'), job('a', 'ns-2', '3'), job('z', 'ns-1', '1')] });
    const frames: Array<() => void> = [];
    const list = new LiveList(api, {}, (flush) => frames.push(flush));
    const seen = vi.fn();
    list.subscribe(seen);
    await vi.waitFor(() => expect(frames.length).toBe(1));
    frames.shift()!();
    expect(list.snapshot().synced).toBe(true);
    expect(list.snapshot().items.map((j) => `${j.metadata.namespace}/${j.metadata.name}`)).toEqual(['ns-1/z', 'ns-2/a', 'ns-2/b']);
    expect(seen).toHaveBeenCalledTimes(1);

    await vi.waitFor(() => expect(api.streams).toHaveLength(1));
    for (let v = 4; v < 104; v++) api.streams[0].push({ type: 'MODIFIED', object: job('a', 'ns-2', String(v), { phase: 'RUNNING' }), resourceVersion: String(v) });
    api.streams[0].push({ type: 'ADDED', object: job('c', 'ns-0', '104'), resourceVersion: '104' });
    await vi.waitFor(() => expect(list.snapshot().items).toHaveLength(3)); // not yet: nothing flushed
    await vi.waitFor(() => expect(frames.length).toBe(1));
    await new Promise((r) => setTimeout(r, 20)); // every event is in the cache by now
    expect(frames).toHaveLength(1); // 101 changes, one frame
    frames.shift()!();
    expect(seen).toHaveBeenCalledTimes(2);
    const items = list.snapshot().items;
    expect(items.map((j) => j.metadata.name)).toEqual(['c', 'z', 'a', 'b']);
    expect(items[2].metadata.resourceVersion).toBe('103');
    await list.stop();
  });

  it('shows why the list fails', async () => {
    const list = new LiveList(new FakeJobs(new Error('User "vera" may not list leases in any namespace.')), {}, (flush) => flush());
    list.subscribe(() => undefined);
    await vi.waitFor(() => expect(list.snapshot().error).toBe('User "vera" may not list leases in any namespace.'));
    expect(list.snapshot().synced).toBe(false);
    await list.stop();
  });
});

describe('LiveObject', () => {
  it('follows its own object from the version it read, and says when it is deleted', async () => {
    const streams: Channel<WatchEvent<Job>>[] = [];
    const watched: WatchOptions[] = [];
    const api = {
      get: vi.fn(async () => job('mine', 'default', '10')),
      watch: (options: WatchOptions) => {
        watched.push(options);
        const stream = new Channel<WatchEvent<Job>>();
        streams.push(stream);
        return stream;
      },
    };
    const live = new LiveObject<Job>(api as never, 'mine', () => new Promise(() => undefined));
    live.subscribe(() => undefined);
    await vi.waitFor(() => expect(streams).toHaveLength(1));
    expect(watched[0].resourceVersion).toBe('10');
    expect(live.snapshot().object?.metadata.resourceVersion).toBe('10');
    streams[0].push({ type: 'MODIFIED', object: job('other', 'default', '11', { phase: 'RUNNING' }), resourceVersion: '11' });
    streams[0].push({ type: 'MODIFIED', object: job('mine', 'default', '12', { phase: 'RUNNING' }), resourceVersion: '12' });
    await vi.waitFor(() => expect(live.snapshot().object?.metadata.resourceVersion).toBe('12'));
    expect(live.snapshot().object?.status.phase).toBe('RUNNING');
    streams[0].push({ type: 'DELETED', object: job('mine', 'default', '13'), resourceVersion: '13' });
    await vi.waitFor(() => expect(live.snapshot().deleted).toBe(true));
    live.stop();
  });

  it('reads again after a failed watch, and marks a missing object deleted', async () => {
    let reads = 0;
    const api = {
      get: vi.fn(async () => {
        reads++;
        if (reads === 2) throw new NotFoundError('jobs/default/mine');
        return job('mine', 'default', String(reads));
      }),
      watch: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('connection lost')) }),
      }),
    };
    const live = new LiveObject<Job>(api as never, 'mine', () => new Promise((r) => setTimeout(r, 1)));
    const states: string[] = [];
    live.subscribe(() => states.push(live.snapshot().deleted ? 'deleted' : (live.snapshot().error ?? `v${live.snapshot().object?.metadata.resourceVersion}`)));
    await vi.waitFor(() => expect(reads).toBeGreaterThanOrEqual(3));
    live.stop();
    expect(states.slice(0, 4)).toEqual(['v1', 'connection lost', 'deleted', 'v3']);
  });
});

describe('capacity bars', () => {
  it('in use is capacity minus allocatable, with units', () => {
    const [cpu, memory, gpu] = usageOf({ cpu: 8, memory: 16_384, gpu: 2 }, { cpu: 5.5, memory: 4096, gpu: 2 });
    expect(cpu).toMatchObject({ used: 2.5, total: 8, fraction: 2.5 / 8, label: '2.5 / 8 cores' });
    expect(memory).toMatchObject({ used: 12_288, label: '12 / 16 GiB', fraction: 0.75 });
    expect(gpu).toMatchObject({ used: 0, fraction: 0, label: '0 / 2 GPUs' });
    // A cluster that reports nothing yet: empty bars, not NaN.
    expect(usageOf({ cpu: 0, memory: 0, gpu: 0 }, { cpu: 0, memory: 0, gpu: 0 }).map((u) => u.fraction)).toEqual([0, 0, 0]);
  });

  it('a queue without a quota for a resource shows the figure, no bar', () => {
    expect(quotaUsage('cpu', 3, null)).toMatchObject({ fraction: 0, label: '3 cores (no quota)' });
    expect(quotaUsage('gpu', 3, 4)).toMatchObject({ fraction: 0.75, label: '3 / 4 GPUs' });
  });
});

describe('the workloads table', () => {
  const rows = [
    job('web', 'team-a', '1', { phase: 'RUNNING' }, { app: 'web' }),
    job('db', 'team-a', '2', { phase: 'PENDING' }, { app: 'db' }),
    job('train', 'team-b', '3', { phase: 'RUNNING' }, { app: 'ml', gpu: 'yes' }),
  ];

  it('filters by namespace, label selector and phase together', () => {
    const names = (filter: Partial<typeof NO_FILTER>) => filterWorkloads(rows, { ...NO_FILTER, ...filter }).map((j) => j.metadata.name);
    expect(filterWorkloads(rows, NO_FILTER)).toBe(rows);
    expect(names({ namespace: 'team-a' })).toEqual(['web', 'db']);
    expect(names({ labelSelector: 'app in (web,ml)' })).toEqual(['web', 'train']);
    expect(names({ labelSelector: 'gpu', phase: 'RUNNING' })).toEqual(['train']);
    expect(names({ namespace: 'team-a', phase: 'RUNNING', labelSelector: 'app!=web' })).toEqual([]);
  });

  it('a selector that cannot be read is named, and filters nothing out meanwhile', () => {
    expect(selectorOf('app in (web').error).toMatch(/labelSelector/);
    expect(filterWorkloads(rows, { ...NO_FILTER, labelSelector: 'app in (web' })).toHaveLength(3);
  });

  it('says per cluster where the replicas are, placed but unreported ones too', () => {
    const spread = job('spread', 'team-a', '4', {
      placements: [
        { cluster: 'b', replicas: 3 },
        { cluster: 'a', replicas: 2 },
      ],
      replicaStatus: [{ cluster: 'a', pending: 1, running: 1, succeeded: 0, failed: 0 }],
    });
    expect(replicasByCluster(spread).map((c) => c.cluster)).toEqual(['a', 'b']);
    expect(replicaSummary(spread)).toBe('a: 1 running, 1 pending · b: 3 placed');
    expect(replicaSummary(rows[0])).toBe('not placed');
  });
});

describe('routes', () => {
  it('round-trip through the URL fragment, names with odd characters too', () => {
    const routes: Route[] = [
      { view: 'clusters' },
      { view: 'queues' },
      { view: 'apply' },
      { view: 'workloads', kind: 'Job' },
      { view: 'workloads', kind: 'Deployment' },
      { view: 'workload', kind: 'Job', namespace: 'team-a', name: 'train #1/2' },
    ];
    for (const route of routes) expect(parseRoute(hrefOf(route))).toEqual(route);
    expect(parseRoute('')).toEqual({ view: 'clusters' });
    expect(parseRoute('#/nonsense')).toEqual({ view: 'clusters' });
  });
});
