/**
 * Starts the REAL controller manager, `node bin/run.js controllers --api URL`, as a child process
 * with its own state directory, and stops it by pid. Crash tests SIGKILL it and start another
 * on the same state directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { spawnProcess } from '../../fixtures/process/supervisor.js';
import { PROJECT_ROOT } from './root.js';

const READY = /Sky Manager controllers running.*; metrics (\S+)/;

export interface ControllersProcess {
  pid: number;
  /** http://127.0.0.1:PORT/metrics (a free port unless extraArgs give --metrics-port). */
  metricsUrl: string;
  stateDir: string;
  logs(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM and wait; removes the state directory unless `keepState`. */
  stop(options?: { keepState?: boolean }): Promise<void>;
}

export interface StartControllersOptions {
  stateDir?: string;
  extraArgs?: string[];
  /** Added to the environment (KUBECONFIG for discovery tests). */
  env?: NodeJS.ProcessEnv;
  /**
   * Register the kubeconfig's contexts at start. Off by default: a developer's own kubeconfig
   * must not leak into tests; discovery tests turn it on with their own KUBECONFIG.
   */
  discover?: boolean;
  /** Default 200 ms each: fast enough for tests to see changes soon. */
  probeIntervalMs?: number;
  /** `null`: no flag, so each cluster manager's own default applies (as for users). */
  statusIntervalMs?: number | null;
  /**
   * Its name in the leader Lease. Default: one per state directory, so a process started again
   * on the same state directory after a SIGKILL is the same replica restarted, and takes its
   * lease back at once instead of waiting out the lease duration.
   */
  leaderElectIdentity?: string;
}

export async function startControllers(apiUrl: string, options: StartControllersOptions = {}): Promise<ControllersProcess> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'sky-controllers-')));
  const child = await spawnProcess({
    name: 'controllers',
    command: process.execPath,
    args: [join(PROJECT_ROOT, 'bin', 'run.js'), 'controllers', '--api', apiUrl, '--state-dir', stateDir, '--leader-elect-identity', options.leaderElectIdentity ?? `test-${basename(stateDir)}`, '--probe-interval-ms', String(options.probeIntervalMs ?? 200), ...(options.statusIntervalMs === null ? [] : ['--status-interval-ms', String(options.statusIntervalMs ?? 200)]), ...(options.discover ? [] : ['--no-discover']), ...(options.extraArgs ?? [])],
    cwd: PROJECT_ROOT,
    env: { ...process.env, SKYM_LOG_LEVEL: 'info', ...options.env },
    keepChars: 100_000,
  });
  let metricsUrl: string;
  try {
    [, metricsUrl] = await child.waitForOutput(READY, 30_000);
  } catch (error) {
    await child.kill('SIGKILL');
    throw error;
  }
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    await child.kill(signal);
  };
  return {
    pid: child.pid,
    metricsUrl,
    stateDir,
    logs: () => child.output(),
    kill,
    async stop({ keepState = false } = {}) {
      await child.stop('SIGTERM', 10_000);
      if (!keepState && !options.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
