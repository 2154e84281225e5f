/**
 * The programmatic client against a real API server process, over real HTTP and WebSocket
 * (`npm run build` first: the helper runs `node bin/run.js server`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AlreadyExistsError,
  BadUserInputError,
  ClusterAPI,
  ConflictError,
  ConnectionError,
  DeploymentAPI,
  FilterPolicyAPI,
  Informer,
  JobAPI,
  NamespaceAPI,
  NotFoundError,
  SkyClient,
  type Job,
  type Manifest,
  type ObjectsByKind,
  type ResourceAPI,
  type StatusManifest,
  type WatchEvent,
} from '../../src/client/index.js';
import type { Kind } from '../../src/domain/kinds.js';
import { startServer } from '../helpers/server.js';

type Server = Awaited<ReturnType<typeof startServer>>;

let server: Server;
let client: SkyClient;
let runId = 0;

/** A fresh namespace per test keeps tests apart on one server. */
async function freshNamespace(sky: SkyClient = client): Promise<string> {
  const name = `t${process.pid}-${++runId}`;
  await new NamespaceAPI({ client: sky }).create({ metadata: { name } });
  return name;
}

beforeAll(async () => {
  server = await startServer();
  client = new SkyClient({ url: server.url });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

interface CrudCase<K extends Kind> {
  api: (namespace: string) => ResourceAPI<K>;
  manifest: (name: string) => Manifest<K>;
  /** A spec (or label) change to an object read back. */
  change: (object: ObjectsByKind[K]) => Manifest<K>;
  status: StatusManifest<K>['status'];
  /** Whether `change` touches the spec (so generation must move). */
  changesSpec: boolean;
}

/** create → get → list → update → updateStatus → delete → NotFound, checking what each returns. */
async function crud<K extends Kind>(c: CrudCase<K>): Promise<void> {
  const namespace = await freshNamespace();
  const api = c.api(namespace);
  const name = `crud-${runId}`;

  const created = await api.create(c.manifest(name));
  expect(created.kind).toBe(api.kind);
  expect(created.metadata).toMatchObject({ name, generation: 1, labels: { suite: 'client' } });
  expect(created.metadata.uid).not.toBe('');
  expect(created.metadata.resourceVersion).not.toBe('');
  if (api.namespace !== undefined) expect(created.metadata.namespace).toBe(namespace);

  const got = await api.get(name);
  expect(got).toEqual(created);

  const listed = await api.list({ labelSelector: 'suite=client' });
  expect(listed.kind).toBe(`${api.kind}List`);
  expect(listed.items.map((o) => o.metadata.uid)).toContain(created.metadata.uid);
  expect((await api.list({ labelSelector: 'suite!=client' })).items.map((o) => o.metadata.uid)).not.toContain(created.metadata.uid);

  // An object read back can be sent back whole: the client drops what the server owns. (The
  // cast is for TypeScript, which cannot resolve Manifest<K> for a generic K.)
  const unchanged = await api.update(got as unknown as Manifest<K>);
  expect(unchanged).toEqual(got);

  const updated = await api.update(c.change(got));
  expect(updated.metadata.resourceVersion).not.toBe(got.metadata.resourceVersion);
  expect(updated.metadata.generation).toBe(c.changesSpec ? 2 : 1);
  expect(await api.get(name)).toEqual(updated);

  const withStatus = await api.updateStatus({ metadata: updated.metadata, status: c.status });
  expect(withStatus.status).toMatchObject(c.status);
  expect(withStatus.metadata.generation).toBe(updated.metadata.generation);
  expect(withStatus.spec).toEqual(updated.spec);

  const deleted = await api.delete(name);
  expect(deleted.metadata.uid).toBe(created.metadata.uid);
  await expect(api.get(name)).rejects.toBeInstanceOf(NotFoundError);
}

const labels = { suite: 'client' };

describe('CRUD', () => {
  it('ClusterAPI', () =>
    crud<'Cluster'>({
      api: () => new ClusterAPI({ client }),
      manifest: (name) => ({ kind: 'Cluster', metadata: { name, labels }, spec: { manager: 'LOCAL', local: { cpu: 4, memory: 8192 } } }),
      change: (o) => ({ ...o, spec: { ...o.spec, local: { ...o.spec.local, cpu: 8 } } }),
      changesSpec: true,
      status: {
        phase: 'READY',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Healthy', message: 'all good' }],
        capacity: { cpu: 8, memory: 8192, gpu: 0 },
        allocatable: { cpu: 6, memory: 4096, gpu: 0 },
        nodes: [{ name: 'n1', capacity: { cpu: 8, memory: 8192, gpu: 0 }, allocatable: { cpu: 6, memory: 4096, gpu: 0 }, ready: true }],
        acceleratorTypes: [],
      },
    }));

  it('NamespaceAPI', () =>
    crud<'Namespace'>({
      api: () => new NamespaceAPI({ client }),
      manifest: (name) => ({ metadata: { name, labels } }),
      change: (o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, team: 'sky' } } }),
      changesSpec: false,
      status: { phase: 'ACTIVE', conditions: [] },
    }));

  it('JobAPI, with the original demo job', () =>
    crud<'Job'>({
      api: (namespace) => new JobAPI({ client, namespace }),
      manifest: (name) => ({
        kind: 'Job',
        metadata: { name, labels: { ...labels, testing: 'hello' } },
        spec: { image: 'gcr.io/sky-burst/skyburst:latest', resources: { cpu: 1 }, run: 'echo Sky!' },
      }),
      change: (o) => ({ ...o, spec: { ...o.spec, replicas: 3, envs: [{ name: 'GREETING', value: 'hi' }] } }),
      changesSpec: true,
      status: { phase: 'SCHEDULED', placements: [{ cluster: 'a', replicas: 2 }, { cluster: 'b', replicas: 1 }] },
    }));

  it('DeploymentAPI', () =>
    crud<'Deployment'>({
      api: (namespace) => new DeploymentAPI({ client, namespace }),
      manifest: (name) => ({ metadata: { name, labels }, spec: { image: 'nginx', replicas: 2, placement: { strategy: 'PACK' } } }),
      change: (o) => ({ ...o, spec: { ...o.spec, replicas: 4 } }),
      changesSpec: true,
      status: {
        phase: 'RUNNING',
        readyReplicas: 2,
        replicaStatus: [{ cluster: 'a', pending: 0, running: 2, succeeded: 0, failed: 0, externalId: 'deploy-1' }],
      },
    }));

  it('FilterPolicyAPI, with the original demo policy', () =>
    crud<'FilterPolicy'>({
      api: (namespace) => new FilterPolicyAPI({ client, namespace }),
      manifest: (name) => ({
        metadata: { name, labels },
        spec: {
          clusterFilter: { include: ['mluo-onprem', 'mluo-cloud', 'cloud-2'], exclude: ['mluo-cloud'] },
          labelsSelector: { my_app: 'testing' },
        },
      }),
      change: (o) => ({ ...o, spec: { ...o.spec, clusterFilter: { ...o.spec.clusterFilter, exclude: ['cloud-2'] } } }),
      changesSpec: true,
      status: { phase: 'ACTIVE', conditions: [] },
    }));

  it('keeps namespaces apart unless asked for all of them', async () => {
    const [a, b] = [await freshNamespace(), await freshNamespace()];
    await new JobAPI({ client, namespace: a }).create({ metadata: { name: 'same' }, spec: { run: 'true' } });
    await new JobAPI({ client, namespace: b }).create({ metadata: { name: 'same' }, spec: { run: 'true' } });

    const inA = await new JobAPI({ client, namespace: a }).list();
    expect(inA.items.map((j) => j.metadata.namespace)).toEqual([a]);
    const everywhere = await new JobAPI({ client, namespace: a }).list({ allNamespaces: true });
    expect(everywhere.items.filter((j) => j.metadata.name === 'same').map((j) => j.metadata.namespace).sort()).toEqual([a, b].sort());
  });
});

describe('typed errors', () => {
  it('NotFoundError carries the server message', async () => {
    const namespace = await freshNamespace();
    const error = await new JobAPI({ client, namespace }).get('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe(`Object 'jobs/${namespace}/missing' not found.`);
    expect((error as NotFoundError).code).toBe('NOT_FOUND');
  });

  it('ConflictError for an update from a stale read', async () => {
    const jobs = new JobAPI({ client, namespace: await freshNamespace() });
    const stale = await jobs.create({ metadata: { name: 'contended' }, spec: { run: 'true' } });
    await jobs.update({ ...stale, spec: { ...stale.spec, replicas: 2 } });

    const error = await jobs.update({ ...stale, spec: { ...stale.spec, replicas: 3 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toMatchObject({ expectedResourceVersion: stale.metadata.resourceVersion });
  });

  it('AlreadyExistsError and BadUserInputError naming the field', async () => {
    const clusters = new ClusterAPI({ client });
    await clusters.create({ metadata: { name: `dup-${process.pid}` }, spec: { manager: 'LOCAL' } });
    await expect(clusters.create({ metadata: { name: `dup-${process.pid}` }, spec: { manager: 'LOCAL' } })).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );

    const error = await clusters.create({ metadata: { name: 'Not_A_DNS_Label' }, spec: { manager: 'LOCAL' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).field).toBe('input.metadata.name');
  });

  it('ConnectionError saying where no server answered and how to start one', async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const nowhere = new SkyClient({ url });
    const message = /The Sky Manager API server at http:\/\/127\.0\.0\.1:\d+\/graphql is not reachable \(ECONNREFUSED\)\. Start it with `skym up`/;

    await expect(new ClusterAPI({ client: nowhere }).list()).rejects.toThrow(message);
    vi.stubEnv('SKYM_API', url); // what an API object without a url or client talks to
    await expect(new ClusterAPI().get('x')).rejects.toThrow(message);
    vi.unstubAllEnvs();
    await expect(new JobAPI({ client: nowhere }).get('x')).rejects.toBeInstanceOf(ConnectionError);
    // A watch from a known version goes straight to the WebSocket, which fails the same way.
    const events = new JobAPI({ client: nowhere }).watch({ resourceVersion: '1' });
    await expect(events.next()).rejects.toThrow(message);
    await nowhere.close();
  });
});

describe('watch', () => {
  it('yields the existing objects as ADDED, then live changes', async () => {
    const jobs = new JobAPI({ client, namespace: await freshNamespace() });
    const a = await jobs.create({ metadata: { name: 'a' }, spec: { run: 'true' } });
    const b = await jobs.create({ metadata: { name: 'b', labels: { skip: 'yes' } }, spec: { run: 'true' } });
    const stop = new AbortController();
    const events = collect(jobs.watch({ labelSelector: '!skip', signal: stop.signal }));

    await vi.waitFor(() => expect(events.received).toHaveLength(1));
    const a2 = await jobs.update({ ...a, spec: { ...a.spec, replicas: 2 } });
    const c = await jobs.create({ metadata: { name: 'c' }, spec: { run: 'true' } });
    const b2 = await jobs.updateStatus({ metadata: b.metadata, status: { phase: 'RUNNING' } }); // still not selected
    const b3 = await jobs.update({ ...b2, metadata: { ...b2.metadata, labels: {} } }); // selected from now on
    const deleted = await jobs.delete('a');

    await vi.waitFor(() => expect(events.received).toHaveLength(5));
    stop.abort();
    await events.done;
    expect(events.received.map(eventLine)).toEqual([
      eventLine({ type: 'ADDED', object: a, resourceVersion: a.metadata.resourceVersion }),
      eventLine({ type: 'MODIFIED', object: a2, resourceVersion: a2.metadata.resourceVersion }),
      eventLine({ type: 'ADDED', object: c, resourceVersion: c.metadata.resourceVersion }),
      eventLine({ type: 'ADDED', object: b3, resourceVersion: b3.metadata.resourceVersion }),
      eventLine({ type: 'DELETED', object: deleted, resourceVersion: deleted.metadata.resourceVersion }),
    ]);
    expect(events.error).toBeUndefined();
    expect(events.received[1].object).toEqual(a2);
  });

  it('resumes across cut connections and an outage, missing and repeating nothing', async () => {
    const watch = await proxiedJobWatch(server.url, client);
    const jobs = watch.jobs(client);
    for (let i = 0; i < 5; i++) watch.wrote('ADDED', await jobs.create({ metadata: { name: `job-${i}` }, spec: { run: 'true' } }));
    await watch.caughtUp();
    const connectionsBefore = watch.proxy.accepted;

    // Blips: the watcher's connection is cut twice while writes go on.
    watch.proxy.cut();
    for (let i = 0; i < 3; i++) {
      const job = await jobs.get(`job-${i}`);
      watch.wrote('MODIFIED', await jobs.update({ ...job, spec: { ...job.spec, replicas: 2 } }));
    }
    watch.proxy.cut();
    watch.wrote('DELETED', await jobs.delete('job-4'));
    await watch.caughtUp();

    // An outage: every reconnect is refused for a while, and writes go on meanwhile.
    watch.proxy.refuse(true);
    watch.proxy.cut();
    const job0 = await jobs.get('job-0');
    watch.wrote('MODIFIED', await jobs.updateStatus({ metadata: job0.metadata, status: { phase: 'RUNNING' } }));
    watch.wrote('ADDED', await jobs.create({ metadata: { name: 'job-5' }, spec: { run: 'true' } }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(watch.events.received).toHaveLength(watch.expected.length - 2);
    watch.proxy.refuse(false);
    await watch.caughtUp();

    // Two cuts, the outage's refused attempts and the reconnect after it.
    expect(watch.proxy.accepted - connectionsBefore).toBeGreaterThanOrEqual(4);
    expect(await watch.finish()).toBeUndefined();
  });

  it('resumes across a SIGKILLed server restarted on its data, missing and repeating nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skym-client-'));
    let durable = await startServer({ store: 'lowdb', dataDir });
    let writer = new SkyClient({ url: durable.url });
    try {
      const watch = await proxiedJobWatch(durable.url, writer);
      for (let i = 0; i < 3; i++) {
        watch.wrote('ADDED', await watch.jobs(writer).create({ metadata: { name: `job-${i}` }, spec: { run: 'true' } }));
      }
      await watch.caughtUp();

      // No goodbye to the watcher: the server dies and comes back on another port.
      await durable.kill('SIGKILL');
      durable = await startServer({ store: 'lowdb', dataDir });
      watch.proxy.retarget(portOf(durable.url));
      writer = new SkyClient({ url: durable.url });
      const jobs = watch.jobs(writer);
      watch.wrote('ADDED', await jobs.create({ metadata: { name: 'job-3' }, spec: { run: 'true' } }));
      const job1 = await jobs.get('job-1');
      watch.wrote('MODIFIED', await jobs.updateStatus({ metadata: job1.metadata, status: { phase: 'RUNNING' } }));
      watch.wrote('DELETED', await jobs.delete('job-2'));
      await watch.caughtUp();

      expect(await watch.finish()).toBeUndefined();
    } finally {
      await durable.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Informer over a ResourceAPI', () => {
  it('syncs from the server and follows its changes', async () => {
    const jobs = new JobAPI({ client, namespace: await freshNamespace() });
    await jobs.create({ metadata: { name: 'before' }, spec: { run: 'true' } });
    const informer = new Informer(jobs);
    const seen: string[] = [];
    informer.on('add', (j) => seen.push(`add ${j.metadata.name}`)).on('delete', (j) => seen.push(`delete ${j.metadata.name}`));
    informer.on('update', (j, old) => seen.push(`update ${j.metadata.name} ${old.spec.replicas}->${j.spec.replicas}`));
    try {
      await informer.start();
      expect(informer.get('before', jobs.namespace)?.spec.run).toBe('true');

      const after = await jobs.create({ metadata: { name: 'after' }, spec: { run: 'true' } });
      await jobs.update({ ...after, spec: { ...after.spec, replicas: 2 } });
      await jobs.delete('before');
      await vi.waitFor(() => expect(seen).toEqual(['add before', 'add after', 'update after 1->2', 'delete before']));
      expect(informer.list().map((j) => j.metadata.name)).toEqual(['after']);
    } finally {
      await informer.stop();
    }
  });
});

/**
 * A job watch (in a fresh namespace) that reaches the server at `url` through a proxy, so the
 * test can cut its connections or move it to a restarted server; `expected` is what it must
 * deliver, in order, recorded from the writes' results.
 */
async function proxiedJobWatch(url: string, writer: SkyClient) {
  const proxy = await startProxy(portOf(url));
  const watcher = new SkyClient({ url: url.replace(/:\d+\//, `:${proxy.port}/`) });
  const namespace = await freshNamespace(writer);
  const stop = new AbortController();
  const events = collect(new JobAPI({ client: watcher, namespace }).watch({ signal: stop.signal }));
  const expected: string[] = [];
  return {
    proxy,
    events,
    expected,
    jobs: (sky: SkyClient) => new JobAPI({ client: sky, namespace }),
    wrote: (type: WatchEvent['type'], job: Job) => expected.push(eventLine({ type, object: job, resourceVersion: job.metadata.resourceVersion })),
    caughtUp: () => vi.waitFor(() => expect(events.received.map(eventLine)).toEqual(expected), { timeout: 20_000, interval: 50 }),
    /** Ends the watch; returns what it failed with, if anything. */
    async finish(): Promise<unknown> {
      stop.abort();
      await events.done;
      await watcher.close();
      proxy.close();
      return events.error;
    },
  };
}

/** "MODIFIED job-1 42": what identifies an event, for comparing sequences. */
function eventLine(event: WatchEvent): string {
  return `${event.type} ${event.object?.metadata.name} ${event.resourceVersion}`;
}

/** Consumes a watch in the background, keeping every non-BOOKMARK event. */
function collect<T extends WatchEvent>(events: AsyncIterable<T>) {
  const state: { received: T[]; error?: unknown; done: Promise<void> } = { received: [], done: Promise.resolve() };
  state.done = (async () => {
    try {
      for await (const event of events) if (event.type !== 'BOOKMARK') state.received.push(event);
    } catch (error) {
      state.error = error;
    }
  })();
  return state;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A TCP proxy to 127.0.0.1:targetPort whose connections can be cut and whose target can move. */
async function startProxy(targetPort: number) {
  let target = targetPort;
  let refusing = false;
  const open = new Set<net.Socket>();
  const proxy = {
    port: 0,
    accepted: 0,
    retarget: (port: number) => (target = port),
    /** While refusing, connections are accepted and closed at once, as by a server that is down. */
    refuse: (on: boolean) => (refusing = on),
    cut: () => open.forEach((socket) => socket.destroy()),
    close: () => {
      proxy.cut();
      listener.close();
    },
  };
  const listener = net.createServer((downstream) => {
    proxy.accepted++;
    if (refusing) return downstream.destroy();
    const upstream = net.connect(target, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(socket);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  proxy.port = (listener.address() as net.AddressInfo).port;
  return proxy;
}
