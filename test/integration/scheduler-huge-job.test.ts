/**
 * A Job at the maximum replica count, on the real controller manager process: its placement is
 * decided in a few steps per cluster, so it keeps no other job waiting and SIGTERM stops the
 * process at once. (One replica at a time, a billion replicas kept the process busy for minutes,
 * deaf to SIGTERM, with every other job PENDING.) The huge Job asks for just over a ten-thousandth
 * of a cpu, so its replicas almost fit the two clusters: the scheduler has to count nearly all of
 * them before it can say they do not, and no replica process is started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { MAX_REPLICAS } from '../../src/domain/limits.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { killReplicas } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until as waitUntil } from '../helpers/wait.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';

const HUGE = MAX_REPLICAS;
// Rooms of 6 and 4 cpu: 59,994 + 39,996 = 99,990 replicas, ten short of the Job's 100,000.
const HUGE_CPU = 1.0001e-4;

let server: ServerProcess;
let controllers: ControllersProcess | undefined;
let client: SkyClient;
let clusters: ClusterAPI;
let jobs: JobAPI;

function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T> {
  return waitUntil(what, probe, { timeoutMs, context: () => controllers?.logs().slice(-3000) ?? '' });
}

const createLocalCluster = (name: string, cpu: number) => createReadyLocalCluster(clusters, name, cpu, { context: () => controllers?.logs().slice(-3000) ?? '' });

const hugeJob = (name: string) => ({ metadata: { name }, spec: { replicas: HUGE, resources: { cpu: HUGE_CPU }, run: 'true' } });

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
  jobs = new JobAPI({ client });
  controllers = await startControllers(server.url);
  await createLocalCluster('cloud', 6);
  await createLocalCluster('onprem', 4);
});

afterAll(async () => {
  killReplicas(/^sky-small/);
  await controllers?.kill('SIGKILL');
  await client?.close();
  await server?.stop();
});

describe(`a Job of ${HUGE} replicas`, () => {
  it('waits with its reasons while a small job is placed and runs', async () => {
    await jobs.create(hugeJob('sky-huge'));
    await jobs.create({ metadata: { name: 'sky-small' }, spec: { replicas: 2, resources: { cpu: 1 }, run: 'true' } });

    const small = await until('sky-small COMPLETED', async () => {
      const job = await jobs.get('sky-small');
      return job.status.phase === 'COMPLETED' && job;
    }, 30_000);
    expect(small.status.placements.reduce((n, p) => n + p.replicas, 0)).toBe(2);

    const huge = await jobs.get('sky-huge');
    expect(huge.status.phase).toBe('PENDING');
    expect(huge.status.placements).toEqual([]);
    expect(huge.status.conditions.find((c) => c.type === 'Scheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: expect.stringMatching(new RegExp(`^${HUGE} of ${HUGE} replicas do not fit: cloud: full after \\d+ replicas; onprem: full after \\d+ replicas$`)),
    });
  }, 60_000);

  it('and more of them being placed: SIGTERM stops the controller manager', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => jobs.create(hugeJob(`sky-huge-${i}`))));
    const process = controllers!;
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      process.kill('SIGTERM').then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
    ]);
    clearTimeout(timer);
    expect(stopped, `still running 15 s after SIGTERM:\n${process.logs().slice(-2000)}`).toBe(true);
    // It stopped through its own handler, not by dying mid-step.
    expect(process.logs()).toMatch(/"signal":"SIGTERM".*"msg":"stopping"/);
    controllers = undefined;
  }, 60_000);
});
