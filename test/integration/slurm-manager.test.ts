/**
 * The SLURM cluster manager against two real Slurm clusters (fixtures/slurm): real slurmctld and
 * slurmd, jobs that really run and write their output files. No controller manager here: the
 * tests call the manager the way a Skylet does.
 */
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterManager } from '../../src/cluster-managers/registry.js';
import { createSlurmManager } from '../../src/cluster-managers/slurm/slurm-manager.js';
import { type ClusterManager, type LogLine, type WorkloadReport } from '../../src/cluster-managers/types.js';

import type { Cluster, RestartPolicy, Workload } from '../../src/domain/types.js';
import { squeueByName, startTestSlurm, type TestSlurm } from '../helpers/slurm.js';
import { until } from '../helpers/wait.js';
import { refOf, describeRef } from '../../src/domain/object-ref.js';

const A = 'mgr-a';
const B = 'mgr-b';
const WAIT = { timeoutMs: 90_000 };

let slurm: TestSlurm;
let stateDir: string;
let managerA: ClusterManager;
let managerB: ClusterManager;

function slurmCluster(name: string, slurmConf: string, extra: { sshHost?: string; restUrl?: string; partition?: string } = {}): Cluster {
  return {
    kind: 'Cluster',
    metadata: { name, uid: `uid-${name}`, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: { manager: 'SLURM', slurm: { slurmConf, ...extra } },
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

function job(
  name: string,
  run: string,
  options: { cpu?: number; memory?: number; gpu?: number; uid?: string; kind?: 'Job' | 'Deployment'; restartPolicy?: RestartPolicy } = {},
): Workload {
  const spec = {
    image: '',
    run,
    envs: [{ name: 'GREETING', value: "it's Sky" }],
    resources: { cpu: options.cpu ?? 1, memory: options.memory ?? 100, gpu: options.gpu ?? 0 },
    replicas: 1,
    restartPolicy: options.restartPolicy ?? 'NEVER',
    placement: { preferences: [], strategy: 'SPREAD' as const },
  };
  const metadata = {
    name,
    namespace: 'default',
    uid: options.uid ?? `uid-${name}`,
    labels: {},
    annotations: {},
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '',
  };
  const status = { phase: 'PENDING' as const, conditions: [], placements: [], replicaStatus: [] };
  return options.kind === 'Deployment' ? { kind: 'Deployment', metadata, spec, status } : { kind: 'Job', metadata, spec, status };
}

async function report(manager: ClusterManager, workload: Workload): Promise<WorkloadReport | undefined> {
  return (await manager.status([refOf(workload)])).get(describeRef(refOf(workload)));
}

function reportWhere(manager: ClusterManager, workload: Workload, what: string, test: (r: WorkloadReport) => boolean): Promise<WorkloadReport> {
  let last: WorkloadReport | undefined;
  return until(
    `${workload.metadata.name}: ${what}`,
    async () => {
      last = await report(manager, workload);
      return last && test(last) && last;
    },
    { ...WAIT, context: () => `last report: ${JSON.stringify(last)}` },
  );
}

const finished = (replicas: number) => (r: WorkloadReport) => r.succeeded + r.failed === replicas;

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const all: LogLine[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

beforeAll(async () => {
  slurm = await startTestSlurm('mgr');
  stateDir = await mkdtemp(path.join(tmpdir(), 'sky-slurm-state-'));
  managerA = createClusterManager(slurmCluster(A, slurm.get(A).slurmConf), { stateDir });
  managerB = createClusterManager(slurmCluster(B, slurm.get(B).slurmConf), { stateDir });
}, 180_000);

afterAll(async () => {
  await managerA?.close();
  await managerB?.close();
  await slurm?.stopAndClean();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 120_000);

describe('capacity', () => {
  it('reports the declared nodes, their CPUs, memory and GPUs', async () => {
    const a = await managerA.capacity();
    expect(a.capacity).toEqual({ cpu: 6, memory: 12_288, gpu: 0 });
    expect(a.nodes.map((n) => [n.name, n.capacity.cpu, n.capacity.memory, n.ready])).toEqual([
      ['mgr-a1', 4, 8192, true],
      ['mgr-a2', 2, 4096, true],
    ]);
    const b = await managerB.capacity();
    expect(b.capacity).toEqual({ cpu: 3, memory: 6144, gpu: 2 });
    expect(b.acceleratorTypes).toEqual(['fake']);
    expect(b.nodes.find((n) => n.name === 'mgr-b1')!.allocatable).toEqual({ cpu: 2, memory: 4096, gpu: 2, accelerator: 'fake' });
  });

  it('offers nothing of a node set DOWN, and everything again after RESUME', async () => {
    await slurm.setNodeState(A, 'mgr-a2', 'DOWN');
    try {
      const down = await until('mgr-a2 not ready', async () => {
        const c = await managerA.capacity();
        return c.nodes.find((n) => n.name === 'mgr-a2')?.ready === false && c;
      }, WAIT);
      expect(down.capacity.cpu).toBe(4);
      expect(down.allocatable.cpu).toBeLessThanOrEqual(4);
      expect(down.nodes.find((n) => n.name === 'mgr-a2')!.allocatable).toEqual({ cpu: 0, memory: 0, gpu: 0 });
    } finally {
      await slurm.setNodeState(A, 'mgr-a2', 'RESUME');
    }
    const back = await until('mgr-a2 ready again', async () => {
      const c = await managerA.capacity();
      return c.nodes.every((n) => n.ready) && c;
    }, WAIT);
    expect(back.capacity.cpu).toBe(6);
  });

  it('counts a running job as allocated', async () => {
    const hog = job('hog', 'sleep 60', { cpu: 2, memory: 1000 });
    await managerB.submit(hog, 1);
    await reportWhere(managerB, hog, 'running', (r) => r.running === 1);
    const c = await managerB.capacity();
    expect(c.allocatable.cpu).toBe(1);
    expect(c.allocatable.memory).toBe(6144 - 1000);
    await managerB.delete(refOf(hog));
  });

  it("reports when other users' running jobs give their resources back (their time limits), and not Sky's own", async () => {
    const sky = job('own-long', 'sleep 60', { cpu: 1, memory: 100 });
    await managerB.submit(sky, 1);
    await reportWhere(managerB, sky, 'running', (r) => r.running === 1);
    // Someone else's job on the same cluster: 2 cores for at most 10 minutes.
    const submitted = await slurm.command(B, 'sbatch', ['--parsable', '--job-name=someone-else', '--output=/dev/null', '--time=10', '--cpus-per-task=2', '--mem=500', '--wrap', 'sleep 60']);
    const foreignId = submitted.trim().split(';')[0];
    try {
      const c = await until('the foreign job running and reported as a release', async () => {
        const capacity = await managerB.capacity();
        return (capacity.releases?.length ?? 0) > 0 && capacity;
      }, WAIT);
      expect(c.releases).toHaveLength(1);
      const [release] = c.releases!;
      expect(release).toMatchObject({ cpu: 2, memory: 500, gpu: 0 });
      // Its start plus 10 minutes.
      const inMs = Date.parse(release.at) - Date.now();
      expect(inMs).toBeGreaterThan(8 * 60_000);
      expect(inMs).toBeLessThanOrEqual(10 * 60_000);
    } finally {
      await slurm.command(B, 'scancel', [foreignId]);
      await managerB.delete(refOf(sky));
    }
    await until('no release left once it is cancelled', async () => (await managerB.capacity()).releases?.length === 0, WAIT);
  });
});

describe('jobs', () => {
  it("pushes changes of its Sky jobs to onStatusChange listeners (one squeue per look), and stops when the last leaves", async () => {
    let calls = 0;
    const unsubscribe = managerA.onStatusChange!(() => calls++);
    // Its first look (at subscription) takes a squeue.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const pushed = job('pushed', 'sleep 3');
    await managerA.submit(pushed, 1);
    // It appears (PENDING or RUNNING), then it completes: at least two changes.
    const t0 = Date.now();
    await until('two pushed changes', async () => calls >= 2, WAIT);
    console.info(`two pushed changes after ${Date.now() - t0} ms`);
    await reportWhere(managerA, pushed, 'finished', finished(1));
    unsubscribe();
    const after = calls;
    const quiet = job('unwatched', 'true');
    await managerA.submit(quiet, 1);
    await reportWhere(managerA, quiet, 'finished', finished(1));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(calls).toBe(after);
    await managerA.delete(refOf(pushed));
    await managerA.delete(refOf(quiet));
  }, 120_000);

  it('runs a job whose output is Sky!, with its envs and SKY_REPLICA_INDEX, and reads its logs', async () => {
    const hello = job('hello', 'echo Sky!; echo "$GREETING $SKY_JOB_NAME $SKY_NAMESPACE $SKY_REPLICA_INDEX"');
    await managerA.submit(hello, 1, { firstReplicaIndex: 5 });
    const done = await reportWhere(managerA, hello, 'finished', finished(1));
    expect(done).toMatchObject({ succeeded: 1, failed: 0, exitCodes: [0] });
    expect(done.externalId).toMatch(/^\d+$/);
    expect(done.replicas[0]).toMatchObject({ index: 0, state: 'SUCCEEDED', exitCode: 0 });
    const lines = await collect(managerA.logs(refOf(hello)));
    expect(lines).toEqual([
      { replica: 0, line: 'Sky!' },
      { replica: 0, line: "it's Sky hello default 5" },
    ]);
    expect(await collect(managerA.logs(refOf(hello), { tail: 1 }))).toEqual([{ replica: 0, line: "it's Sky hello default 5" }]);
    expect(await managerA.list()).toContainEqual(refOf(hello));
  });

  it('runs 4 replicas as one job array that completes with 4 exit codes 0', async () => {
    const four = job('four', 'echo replica $SKY_REPLICA_INDEX; sleep 1');
    await managerA.submit(four, 4);
    const done = await reportWhere(managerA, four, 'finished', finished(4));
    expect(done).toMatchObject({ succeeded: 4, failed: 0, exitCodes: [0, 0, 0, 0] });
    expect(done.externalId).toMatch(/^\d+$/);
    const rows = await squeueByName(slurm, A, 'sky.default.four');
    expect(rows.map((r) => r.id).sort()).toEqual([0, 1, 2, 3].map((i) => `${done.externalId}_${i}`));
    const lines = await collect(managerA.logs(refOf(four)));
    expect(lines.map((l) => `${l.replica}:${l.line}`).sort()).toEqual(['0:replica 0', '1:replica 1', '2:replica 2', '3:replica 3']);
  });

  it('reports `exit 3` as FAILED with exit code 3', async () => {
    const fail = job('fail', 'echo about to fail; exit 3');
    await managerB.submit(fail, 1);
    const done = await reportWhere(managerB, fail, 'finished', finished(1));
    expect(done).toMatchObject({ succeeded: 0, failed: 1, exitCodes: [3] });
    expect(done.replicas[0]).toMatchObject({ state: 'FAILED', exitCode: 3, message: 'exited with code 3' });
  });

  it('never submits twice: not on resubmit, not from a restarted manager, not after losing its record', async () => {
    const once = job('once', 'sleep 30');
    await managerA.submit(once, 2);
    await managerA.submit(once, 2);
    // A restarted controller: a new manager over the same state directory.
    const restarted = createSlurmManager(slurmCluster(A, slurm.get(A).slurmConf), { stateDir });
    await restarted.submit(once, 2);
    // A crash between sbatch and writing the record: the record is gone, Slurm still has the array.
    const dir = path.join(stateDir, A, 'default', 'jobs', 'once');
    await rm(path.join(dir, 'submission.json'));
    await restarted.submit(once, 2);
    const ids = new Set((await squeueByName(slurm, A, 'sky.default.once')).map((r) => r.id.split('_')[0]));
    expect(ids.size).toBe(1);
    const record = JSON.parse(await readFile(path.join(dir, 'submission.json'), 'utf8'));
    expect(record.submissions).toEqual([{ jobId: [...ids][0], from: 0, to: 1, firstReplicaIndex: 0 }]);
    expect((await report(restarted, once))?.externalId).toBe([...ids][0]);
    await restarted.delete(refOf(once));
    await restarted.close();
  });

  it('deletes a running job: scancel, and its files are gone', async () => {
    const long = job('long', 'echo started; sleep 300');
    await managerB.submit(long, 2);
    const running = await reportWhere(managerB, long, '2 running', (r) => r.running === 2);
    await managerB.delete(refOf(long));
    await until('no element of the array waits or runs in Slurm', async () => {
      const rows = await squeueByName(slurm, B, 'sky.default.long');
      return rows.length > 0 && rows.every((r) => !['PENDING', 'RUNNING', 'COMPLETING'].includes(r.state)) && rows;
    }, WAIT);
    const rows = await squeueByName(slurm, B, 'sky.default.long');
    expect(rows.map((r) => r.state)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(rows[0].id.split('_')[0]).toBe(running.externalId);
    expect(await report(managerB, long)).toBeUndefined();
    expect(await managerB.list()).not.toContainEqual(refOf(long));
    // Absent is fine.
    await managerB.delete(refOf(long));
  });

  it('runs afresh when submitted again after a delete (a preempted Job placed here again)', async () => {
    const rerun = job('rerun', 'echo run; sleep 300');
    await managerA.submit(rerun, 1);
    const first = await reportWhere(managerA, rerun, 'running', (r) => r.running === 1);
    await managerA.delete(refOf(rerun));
    // At once, while Slurm still lists the cancelled array under the same name, uid and range.
    await managerA.submit(rerun, 1);
    const second = await reportWhere(managerA, rerun, 'running again', (r) => r.running === 1);
    expect(second.externalId).not.toBe(first.externalId);
    expect(second.exitCodes).toEqual([]);
    await until('the first array CANCELLED, the second one running', async () => {
      const rows = await squeueByName(slurm, A, 'sky.default.rerun');
      const state = (id: string | undefined) => rows.find((r) => r.id.split('_')[0] === id)?.state;
      return state(first.externalId) === 'CANCELLED' && state(second.externalId) === 'RUNNING';
    }, WAIT);
    await managerA.delete(refOf(rerun));
  });

  it('shrinks by cancelling the elements above the count, and grows with a second array', async () => {
    const elastic = job('elastic', 'echo $SKY_REPLICA_INDEX; sleep 300');
    await managerA.submit(elastic, 3);
    await reportWhere(managerA, elastic, '3 running', (r) => r.running === 3);
    await managerA.submit(elastic, 1);
    const shrunk = await reportWhere(managerA, elastic, '1 replica', (r) => r.replicas.length === 1);
    expect(shrunk.running).toBe(1);
    await until('elements 1 and 2 cancelled', async () => {
      const rows = await squeueByName(slurm, A, 'sky.default.elastic');
      return rows.filter((r) => r.state === 'CANCELLED').length === 2;
    }, WAIT);
    await managerA.submit(elastic, 2, { firstReplicaIndex: 10 });
    const grown = await reportWhere(managerA, elastic, '2 running', (r) => r.running === 2);
    expect(grown.externalId?.split(',')).toHaveLength(2);
    await managerA.delete(refOf(elastic));
  });

  it('replaces what runs under the name when the Job is a new object (another uid)', async () => {
    const first = job('reborn', 'sleep 300', { uid: 'uid-reborn-1' });
    await managerB.submit(first, 1);
    const before = await reportWhere(managerB, first, 'running', (r) => r.running === 1);
    const second = job('reborn', 'echo new', { uid: 'uid-reborn-2' });
    await managerB.submit(second, 1);
    const after = await reportWhere(managerB, second, 'finished', finished(1));
    expect(after.externalId).not.toBe(before.externalId);
    expect(await collect(managerB.logs(refOf(second)))).toEqual([{ replica: 0, line: 'new' }]);
    await until('the first array CANCELLED', async () => {
      const rows = await squeueByName(slurm, B, 'sky.default.reborn');
      return rows.find((r) => r.id.startsWith(`${before.externalId}_`))?.state === 'CANCELLED';
    }, WAIT);
  });

  it('follows the logs of a running job until it ends', async () => {
    const ticker = job('ticker', 'for i in 1 2 3; do echo tick $i; sleep 1; done');
    await managerB.submit(ticker, 1);
    const lines = await collect(managerB.logs(refOf(ticker), { follow: true }));
    expect(lines.map((l) => l.line)).toEqual(['tick 1', 'tick 2', 'tick 3']);
  });
});

describe('what a Slurm cluster refuses', () => {
  it('does not run Deployments', async () => {
    await expect(managerA.submit(job('web', 'sleep 1', { kind: 'Deployment' }), 1)).rejects.toThrow(
      'SLURM clusters do not run Deployments',
    );
    expect(managerA.capabilities.kinds).toEqual(['Job']);
  });

  it('names spec.slurm.sshHost and the missing key when asked for SSH without one (test/integration/ssh-slurm-manager.test.ts has the rest)', () => {
    const saved = process.env.SKY_SSH_IDENTITY_FILE;
    process.env.SKY_SSH_IDENTITY_FILE = path.join(stateDir, 'no-such-key');
    try {
      expect(() => createSlurmManager(slurmCluster('remote', '/nowhere', { sshHost: 'alice@login' }), { stateDir })).toThrow(
        /^Cluster 'remote': spec\.slurm\.sshHost is "alice@login", but SKY_SSH_IDENTITY_FILE=.*no-such-key does not exist on the controller machine$/,
      );
    } finally {
      if (saved === undefined) delete process.env.SKY_SSH_IDENTITY_FILE;
      else process.env.SKY_SSH_IDENTITY_FILE = saved;
    }
  });

  it('names spec.slurm.restUrl and SKY_SLURM_JWT_FILE when asked for REST without a token file (test/integration/slurm-e2e-rest.test.ts has the rest)', () => {
    const saved = process.env.SKY_SLURM_JWT_FILE;
    delete process.env.SKY_SLURM_JWT_FILE;
    try {
      expect(() => createSlurmManager(slurmCluster('restful', '/nowhere', { restUrl: 'http://slurm-head:6820' }), { stateDir })).toThrow(
        /^Cluster 'restful': spec\.slurm\.restUrl is "http:\/\/slurm-head:6820", but SKY_SLURM_JWT_FILE is not set on the controller machine/,
      );
    } finally {
      if (saved !== undefined) process.env.SKY_SLURM_JWT_FILE = saved;
    }
  });

  it('refuses a restUrl whose host SKY_SLURM_REST_HOSTS does not list, before any token is read', () => {
    const saved = process.env.SKY_SLURM_REST_HOSTS;
    process.env.SKY_SLURM_REST_HOSTS = 'slurm-head:6820';
    try {
      expect(() => createSlurmManager(slurmCluster('elsewhere', '/nowhere', { restUrl: 'http://collector.example.com:6820' }), { stateDir })).toThrow(
        "Cluster 'elsewhere': spec.slurm.restUrl: collector.example.com:6820 is not among SKY_SLURM_REST_HOSTS (slurm-head:6820) on the controller machine; its token is not sent there",
      );
    } finally {
      if (saved === undefined) delete process.env.SKY_SLURM_REST_HOSTS;
      else process.env.SKY_SLURM_REST_HOSTS = saved;
    }
  });

  it('fails capacity with Slurm’s reason while slurmctld is stopped, and recovers when it is back', async () => {
    await slurm.stopController(B);
    try {
      await expect(managerB.capacity()).rejects.toThrow(/Unable to contact slurm controller|sinfo|squeue/);
    } finally {
      await slurm.startController(B);
    }
    // Until the slurmds register again, the restarted slurmctld reports its nodes' state as unknown.
    const back = await until('every node usable again', async () => {
      const c = await managerB.capacity().catch(() => undefined);
      return c?.nodes.every((n) => n.ready) && c;
    }, WAIT);
    expect(back.capacity.cpu).toBe(3);
  });
});
