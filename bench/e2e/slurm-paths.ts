/**
 * The Slurm rows of bench/e2e: two Slurm clusters (the demo sizes, 6 and 3 cpus) per way the
 * Slurm manager reaches a cluster, set up as test/helpers/slurm-e2e-suite.ts sets them up:
 *
 * - local: the Slurm commands on this machine (spec.slurm.slurmConf);
 * - ssh: the same commands on a login node, a real sshd (fixtures/ssh/sshd.ts) whose key and
 *   known_hosts the controllers get from SKY_SSH_* (spec.slurm.sshHost);
 * - rest: a real slurmrestd per cluster (fixtures/slurm/restd.ts), the clusters with munge so
 *   that slurmctld verifies the JWTs, the token read from SKY_SLURM_JWT_FILE (spec.slurm.restUrl).
 *
 * The controller manager's environment is fixed when it starts, so the sshd and the token
 * files' pattern come first (slurmPathsEnvironment); each path's clusters are started and
 * registered later (startSlurmPath) and taken away again after its row.
 *
 * Each path also counts what it costs the cluster's side: the sessions sshd opened (one per
 * command or file read over the login node's one connection, and the logins, which should stay
 * at one per cluster), or the requests slurmrestd received (through a counting proxy).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoClusterSpecs, startSlurmClusters, type SlurmClusters } from '../../fixtures/slurm/clusters.js';
import { startSlurmRestd, type SlurmRestd } from '../../fixtures/slurm/restd.js';
import { startSshd, type SshdProcess } from '../../fixtures/ssh/sshd.js';
import type { ClusterAPI } from '../../src/client/index.js';
import type { SlurmPath } from '../../test/helpers/slurm-e2e-suite.js';
import { until } from '../../test/helpers/wait.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

export type { SlurmPath };
export const SLURM_PATHS: readonly SlurmPath[] = ['local', 'ssh', 'rest'];

/** `local,ssh,rest` → the paths in the order given; a clear error for anything else. */
export function parseSlurmPaths(value: string): SlurmPath[] {
  const given = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (given.length === 0) throw new Error(`--slurm-paths: give at least one of ${SLURM_PATHS.join(', ')} (or --skip slurm)`);
  const unknown = given.filter((p) => !(SLURM_PATHS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--slurm-paths: "${unknown.join('", "')}" is not one of ${SLURM_PATHS.join(', ')}`);
  return [...new Set(given)] as SlurmPath[];
}

/** What the paths share and need before the controller manager starts. */
export interface SlurmPathsSetup {
  /** For the controller manager: SKY_SSH_* (ssh) and SKY_SLURM_JWT_FILE (rest). */
  env: NodeJS.ProcessEnv;
  /** Every path's Slurm clusters live under here, one directory per cluster. */
  slurmDir: string;
  /** The login node of the ssh path. */
  sshd: SshdProcess | undefined;
  stop(): Promise<void>;
}

export async function slurmPathsEnvironment(paths: readonly SlurmPath[], dir: string): Promise<SlurmPathsSetup> {
  const slurmDir = join(dir, 'slurm');
  const env: NodeJS.ProcessEnv = {};
  let sshd: SshdProcess | undefined;
  if (paths.includes('ssh')) {
    // VERBOSE in a Match block (the global LogLevel comes first and would win): sshd then logs
    // each session ("Starting session: command ..."), which is one per command run over the
    // multiplexed connection.
    sshd = await startSshd({ extraConfig: ['Match all', '  LogLevel VERBOSE'] });
    const jobsDir = join(dir, 'login-node-jobs');
    await mkdir(jobsDir, { recursive: true });
    Object.assign(env, { SKY_SSH_IDENTITY_FILE: sshd.identityFile, SKY_SSH_KNOWN_HOSTS: sshd.knownHostsFile, SKY_SSH_JOBS_DIR: jobsDir });
  }
  // {cluster} is the Sky cluster's name, also its fixture directory's, where restd.ts writes the token.
  if (paths.includes('rest')) env.SKY_SLURM_JWT_FILE = join(slurmDir, '{cluster}', 'rest.jwt');
  return { env, slurmDir, sshd, stop: async () => sshd?.stop() };
}

/** One path's clusters, registered with Sky under the label `bench-e2e=<label>`. */
export interface SlurmPathClusters {
  readonly path: SlurmPath;
  readonly label: string;
  readonly names: readonly string[];
  /** Running totals of what this path's cluster side has served ("sessions", "GET /jobs", ...). */
  counters(): Promise<Map<string, number>>;
  /**
   * Slurm's own share, from its job table (read here, not through the path): for each Sky job
   * slurmctld remembers, start_time - submit_time in seconds (whole seconds, as Slurm keeps them).
   */
  slurmStartDelays(): Promise<number[]>;
  /** Deletes the Sky clusters, then stops the daemons. */
  stop(): Promise<void>;
  /** Stops the daemons only (after a failure, when the API may be gone). Safe to call twice. */
  stopDaemons(): Promise<void>;
}

export async function startSlurmPath(path: SlurmPath, setup: SlurmPathsSetup, clusters: ClusterAPI): Promise<SlurmPathClusters> {
  const label = `slurm-${path}`;
  // Over REST with munge: only then does slurmctld verify the JWTs slurmrestd passes on.
  const specs = demoClusterSpecs(`bench-${path}`).map((spec) => (path === 'rest' ? { ...spec, auth: 'munge' as const } : spec));
  const names = specs.map((s) => s.name);
  const restds: SlurmRestd[] = [];
  const proxies: CountingProxy[] = [];
  let slurm: SlurmClusters | undefined;
  const stopDaemons = async () => {
    for (const proxy of proxies.splice(0)) await proxy.stop();
    for (const restd of restds.splice(0)) await restd.stop();
    await slurm?.stop();
  };
  try {
    slurm = await startSlurmClusters(specs, { baseDir: setup.slurmDir });
    for (const info of slurm.clusters) {
      let config: { slurmConf?: string; sshHost?: string; restUrl?: string };
      if (path === 'local') config = { slurmConf: info.slurmConf };
      else if (path === 'ssh') config = { slurmConf: info.slurmConf, sshHost: setup.sshd!.sshHost };
      else {
        const restd = await startSlurmRestd(slurm, info.name);
        restds.push(restd);
        const proxy = await startCountingProxy(restd.url);
        proxies.push(proxy);
        config = { restUrl: proxy.url };
      }
      await clusters.create({ metadata: { name: info.name, labels: { 'bench-e2e': label } }, spec: { manager: 'SLURM', slurm: config } });
    }
    await until(`the ${path} path's clusters READY`, async () => {
      const phases = await Promise.all(names.map(async (name) => (await clusters.get(name)).status.phase));
      return phases.every((phase) => phase === 'READY');
    }, { timeoutMs: 120_000 });
  } catch (error) {
    for (const name of names) await clusters.delete(name).catch(() => undefined);
    await stopDaemons();
    throw error;
  }

  const sshd = setup.sshd;
  return {
    path,
    label,
    names,
    async counters() {
      const counts = new Map<string, number>();
      if (path === 'ssh' && sshd) {
        const log = await readFile(sshd.logFile, 'utf8').catch(() => '');
        counts.set('sessions', log.split('\n').filter((line) => line.includes('Starting session: ')).length);
        counts.set('logins', await sshd.acceptedLogins());
      }
      for (const proxy of proxies) {
        for (const [request, n] of proxy.counts()) counts.set(request, (counts.get(request) ?? 0) + n);
      }
      return counts;
    },
    async slurmStartDelays() {
      const delays: number[] = [];
      for (const name of names) {
        const table = JSON.parse(await slurm!.command(name, 'squeue', ['--json'])) as { jobs?: { name?: string; submit_time?: number; start_time?: number }[] };
        for (const job of table.jobs ?? []) {
          // Sky names its arrays sky.<namespace>.<name> (batch.ts).
          if (job.name?.startsWith('sky.') && job.submit_time && job.start_time) delays.push(job.start_time - job.submit_time);
        }
      }
      return delays;
    },
    async stop() {
      for (const name of names) await clusters.delete(name);
      await until(`the ${path} path's clusters gone from Sky`, async () => {
        const left = new Set((await clusters.list()).items.map((c) => c.metadata.name));
        return names.every((name) => !left.has(name));
      }, { timeoutMs: 60_000 });
      await stopDaemons();
    },
    stopDaemons,
  };
}
