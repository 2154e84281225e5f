/**
 * Three leader-elected controller-manager replicas sharing 30 LOCAL clusters: each cluster's
 * Skylet runs on exactly one replica, the one holding the cluster's Lease (checked by the leases
 * and by what each replica logs); SIGKILL one and its clusters move to the other two, where work
 * placed on them runs. Real processes: the API server, the replicas, the replicas' jobs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, LeaseAPI, SkyClient } from '../../src/client/index.js';
import { skyletLeaseName } from '../../src/controllers/skylet-shards.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { killReplicas } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const CLUSTERS = Array.from({ length: 30 }, (_, i) => `shard-${String(i).padStart(2, '0')}`);
const TIMINGS = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'];

let server: ServerProcess;
let client: SkyClient;
let leases: LeaseAPI;
let stateDir: string;
const replicas = new Map<string, ControllersProcess>();

const logs = () => [...replicas].map(([id, r]) => `--- ${id}\n${r.logs().slice(-1500)}`).join('\n');

/** The clusters whose Skylet runs in a replica, by its log: launched and not stopped since. */
function runningIn(replica: ControllersProcess): Set<string> {
  const running = new Set<string>();
  for (const [, verb, cluster] of replica.logs().matchAll(/(Launched|Stopped) Skylet for cluster: ([a-z0-9-]+)\./g)) {
    if (verb === 'Launched') running.add(cluster);
    else running.delete(cluster);
  }
  return running;
}

/** Each cluster's lease holder, and the replicas that run its Skylet. */
async function ownership(): Promise<Map<string, { holder?: string; runners: string[] }>> {
  const all = new Map((await leases.list()).items.map((l) => [l.metadata.name, l.spec.holderIdentity]));
  const running = [...replicas].map(([id, r]) => [id, runningIn(r)] as const);
  return new Map(CLUSTERS.map((c) => [c, { holder: all.get(skyletLeaseName(c)) || undefined, runners: running.filter(([, set]) => set.has(c)).map(([id]) => id) }]));
}

/** Every cluster held by one live replica, which alone runs its Skylet. */
async function settled(): Promise<Map<string, { holder?: string; runners: string[] }> | false> {
  const now = await ownership();
  for (const { holder, runners } of now.values()) {
    if (!holder || !replicas.has(holder) || runners.length !== 1 || runners[0] !== holder) return false;
  }
  return now;
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  leases = new LeaseAPI({ client });
  stateDir = await mkdtemp(join(tmpdir(), 'sky-shards-'));
  for (const id of ['r1', 'r2', 'r3']) {
    replicas.set(id, await startControllers(server.url, { stateDir, leaderElectIdentity: id, probeIntervalMs: 1_000, statusIntervalMs: 1_000, extraArgs: TIMINGS }));
  }
  const clusters = new ClusterAPI({ client });
  for (const name of CLUSTERS) await clusters.create({ metadata: { name, labels: { name } }, spec: { manager: 'LOCAL', local: { cpu: 1, memory: 1_024, gpu: 0 } } });
  await until('all 30 clusters READY', async () => (await clusters.list()).items.filter((c) => c.status.phase === 'READY').length === 30, { timeoutMs: 60_000, context: logs });
}, 120_000);

afterAll(async () => {
  killReplicas(/^sky-shard-/);
  for (const r of replicas.values()) await r.stop({ keepState: true });
  await client?.close();
  await server?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('Skylets shared by three replicas', () => {
  it('each cluster is held and run by exactly one replica, and every replica has a share', async () => {
    const owned = await until('one holder and runner per cluster', settled, { timeoutMs: 30_000, context: logs });
    const shares = new Map<string, number>();
    for (const { holder } of owned.values()) shares.set(holder!, (shares.get(holder!) ?? 0) + 1);
    expect([...shares.keys()].sort()).toEqual(['r1', 'r2', 'r3']);
    // It stays so: sampled for a few renew periods.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 500));
      for (const [cluster, { runners }] of await ownership()) expect(runners.length, `${cluster} runs on ${runners.join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('a SIGKILLed replica: its clusters move to the other two, and work placed on them runs', async () => {
    const before = (await until('settled', settled, { context: logs }))!;
    const lost = CLUSTERS.filter((c) => before.get(c)!.holder === 'r2');
    expect(lost.length).toBeGreaterThan(0);
    await replicas.get('r2')!.kill('SIGKILL');
    replicas.delete('r2');
    const after = await until('r2 clusters moved', settled, { timeoutMs: 30_000, context: logs });
    for (const c of lost) expect(['r1', 'r3']).toContain(after.get(c)!.holder);
    for (const c of CLUSTERS.filter((c) => !lost.includes(c))) expect(after.get(c)!.holder, `${c} stays`).toBe(before.get(c)!.holder);

    const jobs = new JobAPI({ client });
    const name = `sky-shard-${lost[0]}`;
    await jobs.create({ metadata: { name }, spec: { resources: { cpu: 1 }, run: 'echo moved', placement: { clusterSelector: `name=${lost[0]}` } } });
    const done = await until(`${name} COMPLETED`, async () => {
      const job = await jobs.get(name);
      return job.status.phase === 'COMPLETED' && job;
    }, { timeoutMs: 30_000, context: logs });
    expect(done.status.placements).toEqual([{ cluster: lost[0], replicas: 1 }]);
  });
});
