/**
 * High availability, with real processes only: a 3-member etcd (fixtures/etcd-cluster.ts), API
 * servers on it, and clients that know several of them (SkyClient's `urls`, the CLI's
 * `--api a,b`). One API server, then one etcd member, is SIGKILLed under load.
 *
 * Writers create and update jobs of their own (one writer per object), recording every write the
 * API acknowledged. A failed write whose outcome is unknown (a mutation that may have reached the
 * killed server, a store error while etcd elects a leader) is settled the way an HA client's
 * caller must: by reading the object again (src/client/failover.ts). So every writer knows exactly
 * which of its writes were applied, at which resourceVersion; that is what every watcher must
 * have seen, each event once, in order.
 *
 * No wall-clock asserts: loads are counted in writes, waits end on state. The figures printed
 * (how long writers and watchers were without a server) are for the report, not checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcdCluster, type EtcdCluster } from '../../fixtures/etcd-cluster.js';
import {
  AlreadyExistsError,
  ApiError,
  ConflictError,
  ConnectionError,
  Informer,
  JobAPI,
  LeaseAPI,
  NamespaceAPI,
  NotFoundError,
  SkyClient,
  type Job,
} from '../../src/client/index.js';
import { DEFAULT_LEADER_LEASE } from '../../src/controllers/manager.js';
import { runSkym } from '../helpers/cli.js';
import { startControllers } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

let etcd: EtcdCluster;
const servers: ServerProcess[] = [];
const clients: SkyClient[] = [];

const startApi = async () => {
  const server = await startServer({ store: 'etcd', etcdEndpoints: etcd.endpoints });
  servers.push(server);
  return server;
};
const client = (urls: string[]) => {
  const sky = new SkyClient({ urls });
  clients.push(sky);
  return sky;
};

beforeAll(async () => {
  etcd = await startEtcdCluster();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.stop()));
  await etcd?.stop();
});

/** A write some server applied: what every watcher of the namespace must see once. */
interface Applied {
  event: string; // "ADDED w3-0 1234"
  rv: bigint;
  /** The API said so; false when it was found applied by reading after a failure. */
  acknowledged: boolean;
  /** The server that answered (acknowledged writes). */
  server: string;
  /** Recorded after the fault was injected. */
  afterFault: boolean;
}

const line = (type: string, job: Job) => `${type} ${job.metadata.name} ${job.metadata.resourceVersion}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failures after which a write's outcome is unknown here, to be settled by a read. */
const unsettled = (error: unknown) =>
  error instanceof ConnectionError ||
  error instanceof ApiError || // the server's store failed (etcd electing a leader), masked
  error instanceof ConflictError || // an earlier attempt of this very update was applied after all
  error instanceof AlreadyExistsError; // likewise for a create

/** Creates and updates jobs of its own until told to stop, settling every unknown outcome. */
class Writer {
  readonly applied: Applied[] = [];
  readonly known = new Map<string, Job>();
  unsettledFailures = 0;
  firstAckAfterFault?: number;
  private readonly jobs: JobAPI;

  constructor(
    readonly id: number,
    readonly sky: SkyClient,
    namespace: string,
    private readonly fault: { at?: number },
  ) {
    this.jobs = new JobAPI({ client: sky, namespace });
  }

  acksAfterFault(server?: string): number {
    return this.applied.filter((a) => a.acknowledged && a.afterFault && (server === undefined || a.server === server)).length;
  }

  async run(stop: () => boolean): Promise<void> {
    for (let op = 0; !stop(); op++) {
      const value = `${this.id}-${op}`;
      const names = [...this.known.keys()];
      // A create every third write, updates of its jobs in turn between them.
      if (op % 3 === 0 || names.length === 0) await this.create(`w${this.id}-${op}`, value);
      else await this.update(names[op % names.length], value);
    }
  }

  private create(name: string, value: string): Promise<void> {
    return this.write('ADDED', name, value, () => this.jobs.create({ metadata: { name, annotations: { value } }, spec: { run: 'true' } }));
  }

  private update(name: string, value: string): Promise<void> {
    return this.write('MODIFIED', name, value, () => {
      const job = this.known.get(name)!;
      return this.jobs.update({ ...job, metadata: { ...job.metadata, annotations: { value } } });
    });
  }

  private async write(type: string, name: string, value: string, send: () => Promise<Job>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.record(type, await send(), true);
      } catch (error) {
        if (!unsettled(error)) throw error;
        this.unsettledFailures++;
      }
      // Applied or not? Only this writer writes this object, so what it holds now says.
      const current = await this.read(name);
      if (current?.metadata.annotations.value === value) return this.record(type, current, false);
      const before = this.known.get(name);
      if (current?.metadata.resourceVersion !== before?.metadata.resourceVersion) {
        throw new Error(`writer ${this.id}: ${name} changed under it: ${JSON.stringify(current?.metadata)}`);
      }
      if (attempt >= 100) throw new Error(`writer ${this.id}: ${type} ${name} did not go through in ${attempt} attempts`);
      await sleep(50);
    }
  }

  /** The object as the API has it now (undefined: not there), retrying while no server answers. */
  private async read(name: string): Promise<Job | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.jobs.get(name);
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        if (!(error instanceof ConnectionError || error instanceof ApiError) || attempt >= 100) throw error;
        await sleep(50);
      }
    }
  }

  private record(type: string, job: Job, acknowledged: boolean): void {
    const afterFault = this.fault.at !== undefined;
    if (afterFault && acknowledged) this.firstAckAfterFault ??= Date.now();
    this.applied.push({ event: line(type, job), rv: BigInt(job.metadata.resourceVersion), acknowledged, server: this.sky.url, afterFault });
    this.known.set(job.metadata.name, job);
  }
}

/** A raw watch of the namespace from `from` (no informer: it would hide repeats), keeping every change. */
function rawWatch(sky: SkyClient, namespace: string, from: string) {
  const stop = new AbortController();
  const state = { events: [] as string[], times: [] as number[], error: undefined as unknown, stop: () => stop.abort(), done: Promise.resolve() };
  state.done = (async () => {
    try {
      for await (const event of new JobAPI({ client: sky, namespace }).watch({ resourceVersion: from, signal: stop.signal })) {
        if (event.type === 'BOOKMARK') continue;
        state.events.push(line(event.type, event.object!));
        state.times.push(Date.now());
      }
    } catch (error) {
      state.error = error;
    }
  })();
  return state;
}

type Watcher = ReturnType<typeof rawWatch>;

/** How a watcher's events differ from what was applied: counts, and a few examples. */
function compare(events: string[], expected: string[]) {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const event of events) seen.set(event, (seen.get(event) ?? 0) + 1);
  const missing = expected.filter((e) => !seen.has(e));
  const repeated = [...seen].filter(([, n]) => n > 1).map(([e]) => e);
  const unknown = [...seen.keys()].filter((e) => !want.has(e));
  const inOrder = events.every((e, i) => i === 0 || BigInt(e.split(' ')[2]) > BigInt(events[i - 1].split(' ')[2]));
  return { missing: missing.length, repeated: repeated.length, unknown: unknown.length, inOrder, examples: [...missing, ...repeated, ...unknown].slice(0, 5) };
}

interface Load {
  namespace: string;
  writers: Writer[];
  watchers: Watcher[];
  /** Set when the fault is injected. */
  fault: { at?: number };
  /** Every write some server applied, in resourceVersion order, as watch events. */
  expected(): string[];
  stop(): Promise<void>;
}

/**
 * Writers (each with `writerUrls`) and watchers (spread over clients, half with `watcherUrls`
 * and half with it reversed), all on a fresh namespace, watching from before the first write.
 */
async function startLoad(options: { writers: number; watchClients: number; watchesPerClient: number; writerUrls: string[]; watcherUrls: string[] }): Promise<Load> {
  const setup = client(options.writerUrls);
  const namespace = `ha-${process.pid}-${Date.now() % 100_000}`;
  await new NamespaceAPI({ client: setup }).create({ metadata: { name: namespace } });
  const from = (await new JobAPI({ client: setup, namespace }).list()).resourceVersion;

  const watchers: Watcher[] = [];
  for (let c = 0; c < options.watchClients; c++) {
    const sky = client(c % 2 === 0 ? options.watcherUrls : [...options.watcherUrls].reverse());
    for (let w = 0; w < options.watchesPerClient; w++) watchers.push(rawWatch(sky, namespace, from));
  }
  const fault: { at?: number } = {};
  const writers = Array.from({ length: options.writers }, (_, i) => new Writer(i, client(options.writerUrls), namespace, fault));
  let stopping = false;
  const running = writers.map((w) => w.run(() => stopping));
  // A writer that fails stops the test at once, not at the final checks.
  const failed = Promise.all(running).then(
    () => undefined,
    (error: unknown) => error,
  );
  return {
    namespace,
    writers,
    watchers,
    fault,
    expected: () =>
      writers
        .flatMap((w) => w.applied)
        .sort((a, b) => (a.rv < b.rv ? -1 : 1))
        .map((a) => a.event),
    async stop() {
      stopping = true;
      const error = await failed;
      if (error) throw error;
    },
  };
}

const acknowledged = (load: Load) => load.writers.reduce((n, w) => n + w.applied.filter((a) => a.acknowledged).length, 0);

/** Waits until every watcher has as many events as were applied, then stops them and checks each. */
async function expectEveryWatcherSawEachWriteOnce(load: Load): Promise<void> {
  const expected = load.expected();
  await until(
    `${load.watchers.length} watchers to see ${expected.length} events`,
    async () => load.watchers.every((w) => w.events.length >= expected.length || w.error !== undefined),
    { timeoutMs: 30_000, context: () => `received: ${load.watchers.map((w) => w.events.length).join(',')}` },
  );
  load.watchers.forEach((w) => w.stop());
  await Promise.all(load.watchers.map((w) => w.done));
  expect(load.watchers.map((w) => w.error).filter(Boolean)).toEqual([]);
  const differences = load.watchers.map((w, i) => ({ watcher: i, received: w.events.length, ...compare(w.events, expected) })).filter((d) => d.missing + d.repeated + d.unknown > 0 || !d.inOrder);
  expect(differences).toEqual([]);
  // Beyond counting: the very same sequence.
  for (const watcher of load.watchers) expect(watcher.events).toEqual(expected);
}

/** Every writer's objects hold exactly what it last wrote: nothing acknowledged was lost. */
async function expectNothingLost(load: Load, reader: SkyClient): Promise<void> {
  const stored = new Map((await new JobAPI({ client: reader, namespace: load.namespace }).list()).items.map((j) => [j.metadata.name, j]));
  const known = new Map(load.writers.flatMap((w) => [...w.known]));
  const lost = [...known]
    .filter(([name, job]) => stored.get(name)?.metadata.resourceVersion !== job.metadata.resourceVersion || stored.get(name)?.metadata.annotations.value !== job.metadata.annotations.value)
    .map(([name]) => name);
  expect({ lost, extra: [...stored.keys()].filter((name) => !known.has(name)) }).toEqual({ lost: [], extra: [] });
  expect(known.size).toBeGreaterThan(0);
  // The earlier acknowledged writes of each object are checked by the watchers: each must have seen them all.
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

describe('API servers on a 3-member etcd, with clients that know several', () => {
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(), startApi()]);
  });

  it('a SIGKILLed API server under load: no acknowledged write lost, every watcher sees every change once, writers go on on the other', { timeout: 90_000 }, async () => {
    const load = await startLoad({ writers: 16, watchClients: 10, watchesPerClient: 10, writerUrls: [a.url, b.url], watcherUrls: [a.url, b.url] });
    const informers = [client([a.url, b.url]), client([b.url, a.url])].map((sky) => new Informer(new JobAPI({ client: sky, namespace: load.namespace })));
    await Promise.all(informers.map((i) => i.start()));
    try {
      await until('160 acknowledged writes', async () => acknowledged(load) >= 160, { timeoutMs: 30_000 });
      const watchersOnA = load.watchers.filter((_, i) => Math.floor(i / 10) % 2 === 0);
      await a.kill('SIGKILL');
      load.fault.at = Date.now();
      const ackedBefore = acknowledged(load);
      const eventsBefore = watchersOnA.map((w) => w.events.length);

      await until('every writer to have 10 writes acknowledged by the other server', async () => load.writers.every((w) => w.acksAfterFault(b.url) >= 10), {
        timeoutMs: 40_000,
        context: () => load.writers.map((w) => `writer ${w.id}: ${w.acksAfterFault(b.url)} (${w.sky.url})`).join('\n'),
      });
      await load.stop();

      // Writers went on on the other server and stay with it.
      expect(load.writers.map((w) => w.sky.url)).toEqual(load.writers.map(() => b.url));
      await expectNothingLost(load, client([b.url]));
      await expectEveryWatcherSawEachWriteOnce(load);
      const expected = load.expected();
      for (const informer of informers) {
        await until('the informer to catch up', async () => informer.list().length === new Set(expected.map((e) => e.split(' ')[1])).size);
        expect(new Map(informer.list().map((j) => [j.metadata.name, j.metadata.resourceVersion]))).toEqual(
          new Map(load.writers.flatMap((w) => [...w.known].map(([name, job]) => [name, job.metadata.resourceVersion]))),
        );
      }

      const writerGaps = load.writers.map((w) => w.firstAckAfterFault! - load.fault.at!);
      const watcherGaps = watchersOnA.map((w, i) => (w.times[eventsBefore[i]] ?? NaN) - load.fault.at!);
      console.log(
        `API server SIGKILLed after ${ackedBefore} acknowledged writes; ${acknowledged(load)} in all, ${expected.length} applied, ` +
          `${load.writers.reduce((n, w) => n + w.unsettledFailures, 0)} failures settled by reading. ` +
          `First acknowledged write after the kill: median ${percentile(writerGaps, 50)} ms, max ${Math.max(...writerGaps)} ms. ` +
          `First event after the kill of the ${watchersOnA.length} watchers on it: median ${percentile(watcherGaps, 50)} ms, max ${Math.max(...watcherGaps)} ms.`,
      );
    } finally {
      await Promise.all(informers.map((i) => i.stop()));
    }
  });

  it('skym --api a,b (and SKYM_API=a,b) keeps working when the first server is dead', async () => {
    const dead = a.url;
    expect(await runSkym(['create', 'ns', 'cli-ha', '--api', `${dead},${b.url}`])).toMatchObject({ code: 0, stdout: 'Created namespace cli-ha.\n' });
    expect(await runSkym(['create', 'job', 'hello', '-n', 'cli-ha', '--run', 'echo Sky!', '--api', `${dead},${b.url}`])).toMatchObject({ code: 0 });
    const listed = await runSkym(['get', 'jobs', '-n', 'cli-ha', '--api', `${dead},${b.url}`]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^Name\b.*\nhello\b/);
    const viaEnv = await runSkym(['get', 'jobs', '-n', 'cli-ha', '-o', 'json'], { api: `${dead},${b.url}` });
    expect(viaEnv).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(viaEnv.stdout).items.map((j: Job) => j.metadata.name)).toEqual(['hello']);

    // Both down: each is named.
    const nowhere = await runSkym(['get', 'jobs'], { api: `${dead},${dead.replace('/graphql', '/')}x/graphql` });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/none of the Sky Manager API servers is running or reachable: http:\/\/127\.0\.0\.1:\d+\/graphql \(ECONNREFUSED\), http:\/\/127\.0\.0\.1:\d+\/x\/graphql \(ECONNREFUSED\)/);
  });

  it('skym controllers --api a,b runs against the second when the first is dead', async () => {
    const controllers = await startControllers(`${a.url},${b.url}`, { leaderElectIdentity: 'ha-controllers' });
    try {
      expect(controllers.logs()).toContain(`Sky Manager controllers running against ${a.url}, ${b.url}`);
      // It elects itself leader through the live server.
      const leases = new LeaseAPI({ client: client([b.url]) });
      await until('the controller manager to hold the leader lease', async () => (await leases.get(DEFAULT_LEADER_LEASE)).spec.holderIdentity === 'ha-controllers', {
        context: () => controllers.logs().slice(-3000),
      });
    } finally {
      await controllers.stop();
    }
  });

  it('a SIGKILLed etcd member (the leader) under load: no acknowledged write lost, watchers see every change once', { timeout: 90_000 }, async () => {
    const c = await startApi();
    const load = await startLoad({ writers: 8, watchClients: 4, watchesPerClient: 5, writerUrls: [c.url, b.url], watcherUrls: [c.url, b.url] });
    await until('80 acknowledged writes', async () => acknowledged(load) >= 80, { timeoutMs: 30_000 });
    const leader = await etcd.leader();
    await etcd.kill(leader);
    load.fault.at = Date.now();
    const ackedBefore = acknowledged(load);
    await until('every writer to have 10 writes acknowledged after the kill', async () => load.writers.every((w) => w.acksAfterFault() >= 10), {
      timeoutMs: 40_000,
      context: () => `${load.writers.map((w) => w.acksAfterFault()).join(',')}\n--- server:\n${c.logs().slice(-3000)}`,
    });
    await load.stop();

    await expectNothingLost(load, client([b.url]));
    await expectEveryWatcherSawEachWriteOnce(load);
    const gaps = load.writers.map((w) => w.firstAckAfterFault! - load.fault.at!);
    console.log(
      `etcd leader ${leader.name} SIGKILLed after ${ackedBefore} acknowledged writes; ${acknowledged(load)} in all, ${load.expected().length} applied, ` +
        `${load.writers.reduce((n, w) => n + w.unsettledFailures, 0)} failures settled by reading. ` +
        `First acknowledged write after the kill: median ${percentile(gaps, 50)} ms, max ${Math.max(...gaps)} ms.`,
    );
    await etcd.restart(leader);
  });
});
