/**
 * bench/ha/takeover: how long the controller manager is headless when its leader dies.
 *
 *   npm run bench:ha -- [--rounds 3] [--timings 15s/10s/2s,3s/2s/500ms]
 *
 * For each set of timings (lease duration / renew deadline / retry period): an API server and
 * two leader-elected `skym controllers` replicas sharing a state directory, one LOCAL cluster.
 * Each round SIGKILLs the leader, and measures from the kill (1) until the other replica holds
 * the Lease, (2) until a Job created at the moment of the kill is placed, and (3) when the killed
 * replica also ran the cluster's Skylet, until the other holds the cluster's Lease. The killed
 * replica is started again as the standby of the next round. Real processes; figures are for
 * comparison.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ClusterAPI, JobAPI, LeaseAPI, SkyClient } from '../../src/client/index.js';
import { skyletLeaseName } from '../../src/controllers/skylet-shards.js';
import { createReadyLocalCluster } from '../../test/helpers/clusters.js';
import { startControllers, type ControllersProcess } from '../../test/helpers/controllers.js';
import { killReplicas } from '../../test/helpers/replicas.js';
import { startServer } from '../../test/helpers/server.js';
import { until } from '../../test/helpers/wait.js';
import { printTable, type Row } from '../queues/table.js';

const LEASE = 'skym-controller-manager';
const CLUSTER_LEASE = skyletLeaseName('local');

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    timings: { type: 'string', default: '15s/10s/2s,3s/2s/500ms' },
  },
});
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, got ${args.rounds}`);
const timingSets = args.timings!.split(',').map((set) => {
  const [lease, renew, retry] = set.split('/');
  if (!lease || !renew || !retry) throw new Error(`--timings: "${set}" is not LEASE/RENEW/RETRY such as 15s/10s/2s`);
  return { lease, renew, retry };
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(timings: { lease: string; renew: string; retry: string }): Promise<Row> {
  const server = await startServer({ store: 'memory' });
  const client = new SkyClient({ url: server.url });
  const leases = new LeaseAPI({ client });
  const jobs = new JobAPI({ client });
  const stateDir = await mkdtemp(join(tmpdir(), 'sky-bench-ha-'));
  const extraArgs = ['--lease-duration', timings.lease, '--renew-deadline', timings.renew, '--retry-period', timings.retry];
  const replicas = new Map<string, ControllersProcess>();
  const start = async (identity: string) => replicas.set(identity, await startControllers(server.url, { stateDir, leaderElectIdentity: identity, extraArgs }));
  const holderOf = async (lease: string) => (await leases.get(lease).catch(() => undefined))?.spec.holderIdentity;
  const holder = () => holderOf(LEASE);
  const toLease: number[] = [];
  const toPlaced: number[] = [];
  const toCluster: number[] = [];
  try {
    await start('replica-1');
    await until('a leader', async () => (await holder()) === 'replica-1');
    await start('replica-2');
    await createReadyLocalCluster(new ClusterAPI({ client }), 'local', 4);
    for (let round = 0; round < rounds; round++) {
      const leader = (await holder())!;
      const standby = leader === 'replica-1' ? 'replica-2' : 'replica-1';
      // The standby has seen the leader's lease for a while, as it would in service.
      await new Promise((r) => setTimeout(r, 1_000));
      const ranSkylet = (await holderOf(CLUSTER_LEASE)) === leader;
      await replicas.get(leader)!.kill('SIGKILL');
      const killedAt = performance.now();
      const name = `bench-ha-${round}`;
      await jobs.create({ metadata: { name }, spec: { resources: { cpu: 0.1 }, run: 'true' } });
      await until('the standby leads', async () => (await holder()) === standby, { timeoutMs: 120_000, intervalMs: 20 });
      toLease.push(performance.now() - killedAt);
      await until('the job placed', async () => (await jobs.get(name)).status.placements.length > 0, { timeoutMs: 120_000, intervalMs: 20 });
      toPlaced.push(performance.now() - killedAt);
      if (ranSkylet) {
        await until('the cluster moved', async () => (await holderOf(CLUSTER_LEASE)) === standby, { timeoutMs: 120_000, intervalMs: 20 });
        toCluster.push(performance.now() - killedAt);
      }
      await start(leader);
    }
  } finally {
    killReplicas(/^bench-ha-/);
    for (const replica of replicas.values()) await replica.stop({ keepState: true }).catch(() => undefined);
    await client.close();
    await server.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
  return {
    'lease / renew / retry': `${timings.lease} / ${timings.renew} / ${timings.retry}`,
    rounds,
    'kill → standby holds the lease, median s': median(toLease) / 1000,
    'max s': Math.max(...toLease) / 1000,
    'kill → a Job created at the kill is placed, median s': median(toPlaced) / 1000,
    'max s ': Math.max(...toPlaced) / 1000,
    // Only rounds whose killed leader also ran the Skylet (rendezvous hashing decides).
    'kill → the Skylet runs on the other, median s (rounds)': toCluster.length ? `${(median(toCluster) / 1000).toFixed(2)} (${toCluster.length})` : '-',
  };
}

console.log(`bench/ha/takeover on Node ${process.version}, ${new Date().toISOString()}`);
const rows: Row[] = [];
for (const timings of timingSets) rows.push(await measure(timings));
printTable('takeover after SIGKILL of the leader (two replicas, one LOCAL cluster)', rows);
