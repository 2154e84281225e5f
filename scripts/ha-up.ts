/**
 * The highly available control plane on one machine, for trying it: a 3-member etcd cluster, two
 * API servers on it and two leader-elected controller managers that share the local cluster.
 *
 *   npm run build && node dist/scripts/ha-up.js [--ports 50051,50052] [--dir DIR]
 *        [--lease-duration 15s --renew-deadline 10s --retry-period 2s]
 *
 * The API servers listen on 127.0.0.1 at the two --ports; the controller managers use both.
 * Every process writes its log under DIR (default a fresh temporary directory, kept on exit so
 * the logs can be read). It prints what runs where with pids and commands to try, then waits;
 * SIGINT or SIGTERM stops every process it started, by pid. Needs Debian's etcd-server (or
 * ETCD_BINARY). What a real installation changes: one member, server and replica per machine.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startEtcdCluster, type EtcdCluster } from '../fixtures/etcd-cluster.js';
import { spawnProcess, type SupervisedProcess } from '../fixtures/process/supervisor.js';
import { LeaseAPI, SkyClient } from '../src/client/index.js';
import { ensureLocalCluster } from '../src/roots/up.js';
import { PROJECT_ROOT } from '../test/helpers/root.js';

const BIN = join(PROJECT_ROOT, 'bin', 'run.js');
const START_TIMEOUT_MS = 60_000;
const REPLICAS = ['controllers-1', 'controllers-2'];

const { values: args } = parseArgs({
  options: {
    ports: { type: 'string', default: '50051,50052' },
    dir: { type: 'string' },
    'lease-duration': { type: 'string', default: '15s' },
    'renew-deadline': { type: 'string', default: '10s' },
    'retry-period': { type: 'string', default: '2s' },
  },
});
const ports = args.ports!.split(',').map(Number);
if (ports.length !== 2 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535) || ports[0] === ports[1]) {
  throw new Error(`--ports must be two different ports from 1 to 65535, one per API server (50051,50052), got ${args.ports}`);
}

const dir = args.dir ?? (await mkdtemp(join(tmpdir(), 'skym-ha-')));
await mkdir(dir, { recursive: true });
const children: SupervisedProcess[] = [];
let etcd: EtcdCluster | undefined;

async function stopAll(): Promise<void> {
  // Controllers first (they write through the servers), servers next, etcd last.
  for (const child of [...children].reverse()) await child.stop('SIGTERM', 10_000);
  await etcd?.stop();
}

/** Resolves once `url` answers /readyz with 200 (the store is reachable), or throws with the log's tail. */
async function ready(child: SupervisedProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    child.assertRunning();
    const answer = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (answer?.ok) return;
    if (Date.now() > deadline) throw new Error(`${child.name} not ready at ${url} after ${START_TIMEOUT_MS / 1000}s; last lines of ${child.logFile}:\n${child.tail()}`);
    await sleep(200);
  }
}

try {
  process.stdout.write('Starting a 3-member etcd cluster... ');
  etcd = await startEtcdCluster({ size: 3 });
  console.log(etcd.members.map((m) => `${m.name} ${m.endpoint} (pid ${m.pid})`).join(', '));

  const apiUrls: string[] = [];
  for (const [i, port] of ports.entries()) {
    const name = `server-${i + 1}`;
    const child = await spawnProcess({
      name,
      command: BIN,
      args: ['server', '--host', '127.0.0.1', '--port', String(port), '--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')],
      cwd: PROJECT_ROOT,
      env: { ...process.env, SKYM_LOG_LEVEL: process.env.SKYM_LOG_LEVEL ?? 'info' },
      logFile: join(dir, `${name}.log`),
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    await ready(child, `${base}/readyz`);
    apiUrls.push(`${base}/graphql`);
    console.log(`API server ${name}: ${base}/graphql (pid ${child.pid})`);
  }
  const api = apiUrls.join(',');
  // Registered before the controller managers start, so the first Skylet finds it at once.
  await ensureLocalCluster(api, process.env.SKYM_TOKEN);

  const client = new SkyClient({ urls: apiUrls });
  const leases = new LeaseAPI({ client });
  const stateDir = join(dir, 'clusters'); // shared: LOCAL runs replicas on this machine, whichever replica runs its Skylet
  for (const identity of REPLICAS) {
    const child = await spawnProcess({
      name: identity,
      command: BIN,
      args: [
        'controllers',
        '--api', api,
        '--state-dir', stateDir,
        '--leader-elect',
        '--leader-elect-identity', identity,
        '--lease-duration', args['lease-duration']!,
        '--renew-deadline', args['renew-deadline']!,
        '--retry-period', args['retry-period']!,
        '--no-discover',
      ],
      cwd: PROJECT_ROOT,
      env: { ...process.env, SKYM_LOG_LEVEL: process.env.SKYM_LOG_LEVEL ?? 'info' },
      logFile: join(dir, `${identity}.log`),
    });
    children.push(child);
    // Up once it has joined: its member Lease is how the replicas see each other.
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await leases.get(`skym-member-${identity}`).catch(() => undefined))) {
      child.assertRunning();
      if (Date.now() > deadline) throw new Error(`${identity} did not join within ${START_TIMEOUT_MS / 1000}s; last lines of ${child.logFile}:\n${child.tail()}`);
      await sleep(200);
    }
    console.log(`Controller manager ${identity} (pid ${child.pid})`);
  }
  const leader = (await leases.get('skym-controller-manager').catch(() => undefined))?.spec.holderIdentity;
  await client.close();

  console.log(`
Sky Manager runs highly available on this machine; logs in ${dir}.
Leader now: ${leader ?? '(being elected)'}.

Try, in another shell:
  export SKYM_API=${api}
  skym get leases                           # who leads, who runs each cluster's Skylet
  skym create job hello --resources cpu 1 --run "echo Sky!"
  skym get jobs
  kill -9 <pid of an API server, a controller manager or an etcd member>   # and go on
Ctrl-C here stops everything.`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.log(`\n${signal}: stopping the controller managers, the API servers and etcd.`);
} catch (error) {
  console.error(`\nCould not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
