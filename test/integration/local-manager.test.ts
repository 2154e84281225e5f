import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Cluster, LocalConfig, RestartPolicy, Workload } from '../../src/domain/types.js';
import { createLocalManager } from '../../src/cluster-managers/local/local-manager.js';
import { createClusterManager } from '../../src/cluster-managers/registry.js';
import { type ClusterManager, type LogLine, type WorkloadReport } from '../../src/cluster-managers/types.js';
import { refOf, describeRef } from '../../src/domain/object-ref.js';

function metadata(name: string) {
  return {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    labels: {},
    annotations: {},
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '',
  };
}

function localCluster(name: string, local: LocalConfig = { cpu: 4, memory: 4096 }): Cluster {
  return {
    kind: 'Cluster',
    metadata: { ...metadata(name), namespace: undefined },
    spec: { manager: 'LOCAL', local },
    status: {
      phase: 'READY',
      conditions: [],
      capacity: { cpu: 0, memory: 0, gpu: 0 },
      allocatable: { cpu: 0, memory: 0, gpu: 0 },
      nodes: [],
      acceleratorTypes: [],
    },
  };
}

function workload(
  name: string,
  run: string,
  options: { kind?: 'Job' | 'Deployment'; restartPolicy?: RestartPolicy; cpu?: number; uid?: string } = {},
): Workload {
  const spec = {
    image: 'ignored:latest',
    run,
    envs: [
      { name: 'GREETING', value: 'hello' },
      // Inherited by every process of the replica, so that afterEach finds them all.
      { name: TEST_MARKER, value: stateDir },
    ],
    resources: { cpu: options.cpu ?? 1, memory: 100, gpu: 0 },
    replicas: 1,
    restartPolicy: options.restartPolicy ?? 'NEVER',
    placement: { preferences: [], strategy: 'SPREAD' as const },
  };
  const meta = { ...metadata(name), uid: options.uid ?? `uid-${name}` };
  const status = { phase: 'PENDING' as const, conditions: [], placements: [], replicaStatus: [] };
  return options.kind === 'Deployment'
    ? { kind: 'Deployment', metadata: meta, spec, status }
    : { kind: 'Job', metadata: meta, spec, status };
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Alive and not a zombie (containers may have no init that reaps orphans). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const TEST_MARKER = 'SKY_TEST_STATE_DIR';

/** Pids of every live process this test's replicas started, found by their environment. */
async function processesOfThisTest(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`${TEST_MARKER}=${stateDir}`) && (await isAlive(Number(entry)))) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const all: LogLine[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

let stateDir: string;
let managers: ClusterManager[];

function open(cluster = localCluster('local')): ClusterManager {
  const manager = createLocalManager(cluster, {
    stateDir,
    pollIntervalMs: 50,
    stopGracePeriodMs: 1000,
    restartBackoffMs: 50,
  });
  managers.push(manager);
  return manager;
}

async function report(manager: ClusterManager, job: Workload): Promise<WorkloadReport | undefined> {
  return (await manager.status([refOf(job)])).get(describeRef(refOf(job)));
}

/** The workload's report as soon as `ready` holds for it. */
function reportWhen(manager: ClusterManager, job: Workload, ready: (r: WorkloadReport) => boolean) {
  return waitFor(async () => {
    const r = await report(manager, job);
    return r && ready(r) && r;
  }, `a report on ${job.metadata.name} that passes ${ready}`);
}

/** Every replica process recorded under the state dir: pid and token of each replica file. */
async function recordedReplicas(): Promise<{ file: string; pid?: number; token?: string }[]> {
  const entries = await readdir(stateDir, { recursive: true });
  const files = entries.filter((f) => /(^|\/)\d+\.json$/.test(f)).map((f) => path.join(stateDir, f));
  return Promise.all(files.map(async (file) => ({ file, ...JSON.parse(await readFile(file, 'utf8')) })));
}

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'sky-local-'));
  managers = [];
});

afterEach(async () => {
  for (const manager of managers) await manager.close();
  for (const pid of await processesOfThisTest()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      // Listed, then exited before the kill: gone already, which is what cleanup wants.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  await rm(stateDir, { recursive: true, force: true });
});

describe('local cluster manager', () => {
  it('runs `echo Sky!` and keeps its output in a log', async () => {
    const manager = open();
    const job = workload('hello', 'echo Sky!');
    await manager.submit(job, 1);
    const done = await reportWhen(manager, job, (r) => r.succeeded === 1);
    expect(done).toMatchObject({ pending: 0, running: 0, succeeded: 1, failed: 0, exitCodes: [0] });
    expect(await collect(manager.logs(refOf(job)))).toEqual([{ replica: 0, line: 'Sky!' }]);
    const logFile = path.join(stateDir, 'local', 'default', 'jobs', 'hello', '0.log');
    expect(await readFile(logFile, 'utf8')).toBe('Sky!\n');
  });

  it('gives each replica its index, the cluster, names and the workload envs', async () => {
    const manager = open(localCluster('lab'));
    const job = workload('env', 'echo "$SKY_REPLICA_INDEX $SKY_CLUSTER $SKY_NAMESPACE/$SKY_JOB_NAME $GREETING"');
    await manager.submit(job, 2);
    await reportWhen(manager, job, (r) => r.succeeded === 2);
    expect(await collect(manager.logs(refOf(job)))).toEqual([
      { replica: 0, line: '0 lab default/env hello' },
      { replica: 1, line: '1 lab default/env hello' },
    ]);
  });

  it('reports a replica that exits 3 as failed with exit code 3', async () => {
    const manager = open();
    const job = workload('fails', 'echo oops >&2; exit 3');
    await manager.submit(job, 1);
    const failed = await reportWhen(manager, job, (r) => r.failed === 1);
    expect(failed.exitCodes).toEqual([3]);
    expect(failed.replicas[0]).toMatchObject({ state: 'FAILED', exitCode: 3, message: 'exited with code 3' });
    expect(await collect(manager.logs(refOf(job)))).toEqual([{ replica: 0, line: 'oops' }]);
  });

  it('deletes a workload by killing its whole process group', async () => {
    const manager = open();
    const job = workload('sleeper', 'sleep 100 & echo "child $!"; echo "shell $$"; wait');
    await manager.submit(job, 1);
    const pids = await waitFor(async () => {
      const lines = await collect(manager.logs(refOf(job)));
      return lines.length === 2 && lines.map((l) => Number(l.line.split(' ')[1]));
    }, 'the replica to print its pids');
    expect(await Promise.all(pids.map(isAlive))).toEqual([true, true]);

    await manager.delete(refOf(job));
    expect(await Promise.all(pids.map(isAlive))).toEqual([false, false]);
    expect(await processesOfThisTest()).toEqual([]);
    expect(await report(manager, job)).toBeUndefined();
    expect(await manager.list()).toEqual([]);
    await manager.delete(refOf(job)); // absent is fine
  });

  it('adopts running replicas after a controller restart and never starts them twice', async () => {
    const first = open();
    const job = workload('survivor', 'echo started; sleep 100');
    await first.submit(job, 1);
    await waitFor(async () => (await collect(first.logs(refOf(job)))).length === 1, 'the start');
    const [before] = await recordedReplicas();
    await first.close();

    const second = open();
    expect(await second.list()).toEqual([refOf(job)]);
    expect(await report(second, job)).toMatchObject({ running: 1, pending: 0 });
    await second.submit(job, 1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // several poll intervals
    expect(await report(second, job)).toMatchObject({ running: 1, pending: 0 });
    const [after] = await recordedReplicas();
    expect(after.pid).toBe(before.pid);
    expect(await collect(second.logs(refOf(job)))).toEqual([{ replica: 0, line: 'started' }]);
  });

  it('finds a replica by its token when the controller died before recording its pid', async () => {
    const first = open();
    const job = workload('unrecorded', 'echo started; sleep 100');
    await first.submit(job, 1);
    await waitFor(async () => (await collect(first.logs(refOf(job)))).length === 1, 'the start');
    await first.close();
    const [{ file, pid, ...record }] = await recordedReplicas();
    await writeFile(file, JSON.stringify(record));

    const second = open();
    expect(await report(second, job)).toMatchObject({ running: 1 });
    expect((await recordedReplicas())[0].pid).toBe(pid);
  });

  it('reports capacity as the slots minus what its replicas take', async () => {
    const manager = open(localCluster('small', { cpu: 4, memory: 1024, gpu: 1 }));
    const free = async () => (await manager.capacity()).allocatable;
    expect(await manager.capacity()).toMatchObject({
      capacity: { cpu: 4, memory: 1024, gpu: 1 },
      allocatable: { cpu: 4, memory: 1024, gpu: 1 },
      nodes: [{ capacity: { cpu: 4, memory: 1024, gpu: 1 }, ready: true }],
    });
    const job = workload('busy', 'sleep 100', { cpu: 1.5 });
    await manager.submit(job, 2);
    expect(await free()).toEqual({ cpu: 1, memory: 824, gpu: 1 });
    expect((await manager.capacity()).nodes[0].allocatable).toEqual({ cpu: 1, memory: 824, gpu: 1 });
    await manager.delete(refOf(job));
    expect(await free()).toEqual({ cpu: 4, memory: 1024, gpu: 1 });
  });

  it("defaults the slots to this machine's", async () => {
    const capacity = await open(localCluster('machine', {})).capacity();
    expect(capacity.capacity.cpu).toBeGreaterThan(0);
    expect(capacity.capacity.memory).toBeGreaterThan(0);
    expect(capacity.capacity.gpu).toBe(0);
  });

  it('queues replicas that do not fit in the free slots and starts them when slots free up', async () => {
    const manager = open(localCluster('one-cpu', { cpu: 1, memory: 1024 }));
    // Each replica waits for a file in its working directory (the workload's directory).
    const job = workload('queued', 'until [ -e go ]; do sleep 0.05; done');
    await manager.submit(job, 2);
    expect(await report(manager, job)).toMatchObject({ running: 1, pending: 1, message: 'waiting for free slots' });
    await writeFile(path.join(stateDir, 'one-cpu', 'default', 'jobs', 'queued', 'go'), '');
    await reportWhen(manager, job, (r) => r.succeeded === 2);
  });

  it('restarts failed Job replicas under ON_FAILURE, and only those', async () => {
    const manager = open();
    // Fails on the first run only: the second finds the marker file the first left.
    const job = workload('flaky', 'test -e ran && echo second || { touch ran; echo first; exit 1; }', {
      restartPolicy: 'ON_FAILURE',
    });
    await manager.submit(job, 1);
    const done = await reportWhen(manager, job, (r) => r.succeeded === 1);
    expect(done.replicas[0]).toMatchObject({ restarts: 1, exitCode: 0 });
    expect((await collect(manager.logs(refOf(job)))).map((l) => l.line)).toEqual(['first', 'second']);
  });

  it('restarts Deployment replicas when they exit, whatever their restartPolicy says', async () => {
    const manager = open();
    const web = workload('web', 'echo tick; exit 1', { kind: 'Deployment', restartPolicy: 'NEVER' });
    await manager.submit(web, 1);
    const restarted = await reportWhen(manager, web, (r) => r.replicas[0].restarts >= 2);
    expect(restarted.failed).toBe(0);
    expect((await collect(manager.logs(refOf(web), { tail: 2 }))).map((l) => l.line)).toEqual(['tick', 'tick']);
    await manager.delete(refOf(web));
  });

  it('scales down by stopping the replicas above the count', async () => {
    const manager = open();
    const job = workload('scaled', 'sleep 100');
    await manager.submit(job, 2);
    expect(await report(manager, job)).toMatchObject({ running: 2 });
    const pids = (await recordedReplicas()).map((r) => r.pid!).sort();
    await manager.submit(job, 1);
    expect((await report(manager, job))?.replicas.map((r) => [r.index, r.state])).toEqual([[0, 'RUNNING']]);
    expect((await Promise.all(pids.map(isAlive))).filter(Boolean)).toHaveLength(1);
  });

  it('replaces what runs when the workload is recreated under the same name', async () => {
    const manager = open();
    await manager.submit(workload('again', 'echo old; sleep 100', { uid: 'first' }), 1);
    const recreated = workload('again', 'echo new', { uid: 'second' });
    await manager.submit(recreated, 1);
    await reportWhen(manager, recreated, (r) => r.succeeded === 1);
    expect((await collect(manager.logs(refOf(recreated)))).map((l) => l.line)).toEqual(['new']);
    expect(await processesOfThisTest()).toEqual([]);
  });

  it('follows logs until the replicas finish', async () => {
    const manager = open();
    const job = workload('chatty', 'echo one; sleep 0.3; echo two');
    await manager.submit(job, 1);
    expect((await collect(manager.logs(refOf(job), { follow: true }))).map((l) => l.line)).toEqual(['one', 'two']);
  });

  it('stops following when the signal aborts', async () => {
    const manager = open();
    const job = workload('endless', 'echo hi; sleep 100');
    await manager.submit(job, 1);
    const abort = new AbortController();
    const following = collect(manager.logs(refOf(job), { follow: true, signal: abort.signal }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    abort.abort();
    expect(await following).toEqual([{ replica: 0, line: 'hi' }]);
  });

  it('tells onStatusChange listeners when a replica starts and when it exits, without waiting for its poll', async () => {
    const manager = createLocalManager(localCluster('local'), { stateDir, pollIntervalMs: 600_000 });
    managers.push(manager);
    let changes = 0;
    const unsubscribe = manager.onStatusChange!(() => changes++);
    const job = workload('pushed', 'true');
    await manager.submit(job, 1);
    expect(changes).toBe(1); // started
    // The poll is ten minutes away: the wrapper's exit is what is noticed, and told.
    await waitFor(async () => changes >= 2, 'a change after the replica exits');
    expect(await report(manager, job)).toMatchObject({ succeeded: 1, exitCodes: [0] });
    unsubscribe();
    await manager.submit(workload('unheard', 'true'), 1);
    expect(changes).toBe(2);
  });

  it('says that it ignores images', () => {
    expect(open().capabilities).toEqual({ kinds: ['Job', 'Deployment'], usesImage: false });
  });
});

describe('cluster manager registry', () => {
  it('creates local managers', async () => {
    const manager = createClusterManager(localCluster('reg'), { stateDir });
    managers.push(manager);
    expect((await manager.capacity()).capacity.cpu).toBe(4);
  });
});
