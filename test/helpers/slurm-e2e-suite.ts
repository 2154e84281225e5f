/**
 * Sky Manager end to end on two real Slurm clusters, over each way the Slurm manager reaches one
 * (`SlurmPath`): the API server and the controller manager as real processes, the clusters
 * registered with `skym create cluster --manager slurm` and the path's flags, jobs submitted
 * through the API and run by real slurmds, logs read with `skym logs`.
 *
 * - local: the Slurm commands on the controller machine (`--slurm-conf`);
 * - ssh: the same commands on a login node, a real sshd (fixtures/ssh/sshd.ts) whose key and
 *   known_hosts the controllers get from SKY_SSH_* (`--ssh-host`); the jobs' files are read there;
 * - rest: a real slurmrestd per cluster with auth/jwt (fixtures/slurm/restd.ts), its token read
 *   from SKY_SLURM_JWT_FILE (`--rest-url`); the jobs' files are read on the controller machine.
 *
 * One test file per path calls slurmEndToEnd, so the paths run in parallel. <prefix>-a has nodes
 * of 4 and 2 cpus, <prefix>-b nodes of 2 (with 2 fake GPUs) and 1 cpu.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurmRestd, type SlurmRestd } from '../../fixtures/slurm/restd.js';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import { ClusterAPI, DeploymentAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import type { Job } from '../../src/domain/types.js';
import { runSkym } from './cli.js';
import { startControllers, type ControllersProcess } from './controllers.js';
import { startServer, type ServerProcess } from './server.js';
import { demoClusterSpecs, squeueByName, startTestSlurm, type TestSlurm } from './slurm.js';
import { until as waitUntil } from './wait.js';

export type SlurmPath = 'local' | 'ssh' | 'rest';

/** How long the controller manager waits before moving work off a cluster in ERROR. */
const FAILOVER_GRACE_MS = 3_000;

/** What a path's own tests (in its file, after the shared ones) can reach. */
export interface SlurmEndToEnd {
  readonly slurm: TestSlurm;
  readonly server: ServerProcess;
  readonly controllers: ControllersProcess;
  readonly clusters: ClusterAPI;
  readonly jobs: JobAPI;
  /** The clusters' names: <prefix>-a and <prefix>-b. */
  readonly names: readonly [string, string];
  /** ssh only. */
  readonly sshd: SshdProcess | undefined;
  /** rest only: each cluster's slurmrestd. */
  readonly restd: ReadonlyMap<string, SlurmRestd>;
}

export function slurmEndToEnd(slurmPath: SlurmPath, prefix: string): SlurmEndToEnd {
const A = `${prefix}-a`;
const B = `${prefix}-b`;
let sshd: SshdProcess | undefined;
let jobsDir: string | undefined;
const restd = new Map<string, SlurmRestd>();

let slurm: TestSlurm;
let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-3000) ?? '' });
}

function jobInPhase(name: string, ...phases: Job['status']['phase'][]): Promise<Job> {
  let last: Job | undefined;
  return waitUntil(
    `job ${name} in ${phases.join('|')}`,
    async () => {
      last = await jobs.get(name);
      return phases.includes(last.status.phase) && last;
    },
    { timeoutMs: 90_000, context: () => `last status: ${JSON.stringify(last?.status)}\n${controllers?.logs().slice(-3000) ?? ''}` },
  );
}

const total = (job: Job, key: 'succeeded' | 'failed' | 'running') => job.status.replicaStatus.reduce((n, r) => n + r[key], 0);

beforeAll(async () => {
  // Over REST with munge: only then does slurmctld verify the JWTs slurmrestd passes on.
  const specs = demoClusterSpecs(prefix).map((spec) => (slurmPath === 'rest' ? { ...spec, auth: 'munge' as const } : spec));
  slurm = await startTestSlurm(prefix, specs);
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  const env: NodeJS.ProcessEnv = {};
  const flags = new Map<string, string[]>();
  for (const name of [A, B]) flags.set(name, ['--slurm-conf', slurm.get(name).slurmConf]);
  if (slurmPath === 'ssh') {
    sshd = await startSshd();
    jobsDir = await mkdtemp(path.join(tmpdir(), `sky-${prefix}-login-`));
    Object.assign(env, { SKY_SSH_IDENTITY_FILE: sshd.identityFile, SKY_SSH_KNOWN_HOSTS: sshd.knownHostsFile, SKY_SSH_JOBS_DIR: jobsDir });
    for (const name of [A, B]) flags.get(name)!.push('--ssh-host', sshd.sshHost);
  }
  if (slurmPath === 'rest') {
    for (const name of [A, B]) {
      const daemon = await startSlurmRestd(slurm, name);
      restd.set(name, daemon);
      flags.set(name, ['--rest-url', daemon.url]);
    }
    // One setting for both clusters: {cluster} is the Sky cluster's name, here also the fixture's directory.
    env.SKY_SLURM_JWT_FILE = path.join(slurm.baseDir, '{cluster}', 'rest.jwt');
  }
  controllers = await startControllers(server.url, { extraArgs: ['--no-discover', '--failover-grace-ms', String(FAILOVER_GRACE_MS)], env });
  for (const name of [A, B]) {
    const created = await runSkym(['create', 'cluster', name, '--manager', 'slurm', ...flags.get(name)!], { api: server.url });
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain(`Created cluster ${name}.`);
  }
  for (const name of [A, B]) await until(`cluster ${name} READY`, async () => (await clusters.get(name)).status.phase === 'READY');
}, 240_000);

afterAll(async () => {
  await controllers?.stop();
  await client?.close();
  await server?.stop();
  await sshd?.stop();
  for (const daemon of restd.values()) await daemon.stop();
  // Cancels whatever the tests left running in Slurm, then stops the daemons by pid.
  await slurm?.stopAndClean();
  if (jobsDir) await rm(jobsDir, { recursive: true, force: true });
}, 120_000);

describe(`jobs on Slurm clusters (${slurmPath})`, () => {
  it('reports each cluster’s declared nodes as its capacity', async () => {
    const a = await clusters.get(A);
    expect(a.status.capacity).toMatchObject({ cpu: 6, memory: 12_288, gpu: 0 });
    expect(a.status.nodes.map((n) => n.name).sort()).toEqual([`${A}1`, `${A}2`]);
    const b = await clusters.get(B);
    expect(b.status.capacity).toMatchObject({ cpu: 3, gpu: 2 });
    expect(b.status.acceleratorTypes).toEqual(['fake']);
  });

  it('runs a 1-cpu job, and `skym logs` prints its Sky!', async () => {
    await jobs.create({ metadata: { name: 'sky-hello' }, spec: { resources: { cpu: 1 }, run: 'echo Sky!' } });
    const done = await jobInPhase('sky-hello', 'COMPLETED');
    expect(done.status.replicaStatus).toEqual([
      expect.objectContaining({ succeeded: 1, failed: 0, exitCodes: [0], externalId: expect.stringMatching(/^\d+$/) }),
    ]);
    const logs = await runSkym(['logs', 'sky-hello'], { api: server.url });
    expect(logs.stderr).toBe('');
    expect(logs.stdout).toBe('Sky!\n');
  });

  it('spreads a 4-replica job across both clusters by free CPUs; it completes with 4 exit codes 0', async () => {
    await jobs.create({
      metadata: { name: 'sky-spread' },
      spec: { replicas: 4, resources: { cpu: 1 }, run: 'echo replica $SKY_REPLICA_INDEX; sleep 2' },
    });
    const placed = await jobInPhase('sky-spread', 'SCHEDULED', 'RUNNING', 'COMPLETED');
    const byCluster = Object.fromEntries(placed.status.placements.map((p) => [p.cluster, p.replicas]));
    expect(Object.keys(byCluster).sort()).toEqual([A, B]);
    expect(byCluster[A] + byCluster[B]).toBe(4);
    // 6 free cpus against 3: the bigger cluster gets at least as many.
    expect(byCluster[A]).toBeGreaterThanOrEqual(byCluster[B]);
    const done = await jobInPhase('sky-spread', 'COMPLETED');
    expect(done.status.replicaStatus.flatMap((r) => r.exitCodes ?? [])).toEqual([0, 0, 0, 0]);
    expect(total(done, 'succeeded')).toBe(4);
    // SKY_REPLICA_INDEX is unique across the two clusters.
    const logs = await runSkym(['logs', 'sky-spread'], { api: server.url });
    const indices = logs.stdout.split('\n').filter(Boolean).map((line) => line.replace(/^\[[^\]]+\]\s*/, '')).sort();
    expect(indices).toEqual(['replica 0', 'replica 1', 'replica 2', 'replica 3']);
  });

  it('reports a job that exits 3 as FAILED with exit code 3', async () => {
    await jobs.create({ metadata: { name: 'sky-fail' }, spec: { resources: { cpu: 1 }, run: 'exit 3' } });
    const failed = await jobInPhase('sky-fail', 'FAILED');
    expect(failed.status.replicaStatus.flatMap((r) => r.exitCodes ?? [])).toEqual([3]);
  });

  it('keeps a job larger than any node PENDING, with the reason for each cluster', async () => {
    await jobs.create({ metadata: { name: 'sky-huge' }, spec: { resources: { cpu: 8 }, run: 'echo never' } });
    const pending = await until('an Unschedulable condition', async () => {
      const job = await jobs.get('sky-huge');
      return job.status.conditions.find((c) => c.reason === 'Unschedulable') && job;
    });
    expect(pending.status.phase).toBe('PENDING');
    const message = pending.status.conditions.find((c) => c.type === 'Scheduled')!.message!;
    expect(message).toMatch(new RegExp(`${A}: .*8 cpu`));
    expect(message).toMatch(new RegExp(`${B}: .*8 cpu`));
    await jobs.delete('sky-huge');
  });

  it('does not place Deployments on Slurm clusters, and says why', async () => {
    const deployments = new DeploymentAPI({ client });
    await deployments.create({ metadata: { name: 'sky-web' }, spec: { resources: { cpu: 1 }, run: 'sleep 100' } });
    const pending = await until('an Unschedulable condition', async () => {
      const deployment = await deployments.get('sky-web');
      return deployment.status.conditions.find((c) => c.reason === 'Unschedulable') && deployment;
    });
    expect(pending.status.placements).toEqual([]);
    const message = pending.status.conditions.find((c) => c.type === 'Scheduled')!.message!;
    expect(message).toContain(`${A}: SLURM clusters do not run Deployments`);
    expect(message).toContain(`${B}: SLURM clusters do not run Deployments`);
    await deployments.delete('sky-web');
  });

  it('cancels a running job in Slurm when it is deleted', async () => {
    await jobs.create({ metadata: { name: 'sky-long' }, spec: { replicas: 2, resources: { cpu: 1 }, run: 'sleep 300' } });
    const running = await until('both replicas running', async () => {
      const job = await jobs.get('sky-long');
      return total(job, 'running') === 2 && job;
    });
    const where = running.status.replicaStatus.filter((r) => r.running > 0).map((r) => r.cluster);
    for (const cluster of where) {
      const rows = await squeueByName(slurm, cluster, 'sky.default.sky-long');
      expect(rows.some((r) => r.state === 'RUNNING')).toBe(true);
    }
    await jobs.delete('sky-long');
    for (const cluster of where) {
      await until(`sky-long cancelled in ${cluster}`, async () => {
        const rows = await squeueByName(slurm, cluster, 'sky.default.sky-long');
        return rows.length > 0 && rows.every((r) => r.state === 'CANCELLED');
      });
    }
  });
});

describe(`when a Slurm cluster goes away (${slurmPath})`, () => {
  it('turns the cluster ERROR when its slurmctld stops, and places its jobs elsewhere', async () => {
    await clusters.update({ ...(await clusters.get(B)), metadata: { ...(await clusters.get(B)).metadata, labels: { tier: 'b' } } });
    await jobs.create({
      metadata: { name: 'sky-move' },
      spec: { resources: { cpu: 1 }, run: 'sleep 300', placement: { preferences: [{ selector: 'tier=b', weight: 100 }] } },
    });
    const first = await jobInPhase('sky-move', 'RUNNING');
    expect(first.status.placements).toEqual([{ cluster: B, replicas: 1 }]);

    await slurm.stopController(B);
    try {
      const error = await until(`cluster ${B} ERROR`, async () => {
        const cluster = await clusters.get(B);
        return cluster.status.phase === 'ERROR' && cluster;
      }, 120_000);
      expect(error.status.message).toMatch(/slurm controller|slurmctld|sinfo|squeue/i);
      const moved = await until('sky-move placed on the other cluster', async () => {
        const job = await jobs.get('sky-move');
        return job.status.placements.length === 1 && job.status.placements[0].cluster === A && job;
      }, 120_000);
      expect(moved.status.placements).toEqual([{ cluster: A, replicas: 1 }]);
      await until('sky-move running on the other cluster', async () => {
        const job = await jobs.get('sky-move');
        return job.status.replicaStatus.some((r) => r.cluster === A && r.running === 1);
      }, 120_000);
    } finally {
      await slurm.startController(B);
    }
    // Back, the cluster is READY again, and the copy left there is cleaned up as an orphan.
    await until(`cluster ${B} READY again`, async () => (await clusters.get(B)).status.phase === 'READY', 120_000);
    await until('the copy on the recovered cluster cancelled', async () => {
      const rows = await squeueByName(slurm, B, 'sky.default.sky-move');
      return rows.every((r) => r.state !== 'RUNNING' && r.state !== 'PENDING');
    }, 120_000);
    await jobs.delete('sky-move');
  }, 600_000);
});

return {
  get slurm() {
    return slurm;
  },
  get server() {
    return server;
  },
  get controllers() {
    return controllers;
  },
  get clusters() {
    return clusters;
  },
  get jobs() {
    return jobs;
  },
  names: [A, B],
  get sshd() {
    return sshd;
  },
  restd,
};
}
