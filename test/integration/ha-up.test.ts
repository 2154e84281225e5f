/**
 * The documented HA set-up (scripts/ha-up.ts) as a user runs it: a 3-member etcd, two API
 * servers and two controller managers, all real processes. Jobs run through the endpoint list;
 * after SIGKILL of the API server the CLI tried first and of the replica running the local
 * cluster's Skylet, the CLI keeps working, the cluster moves and new work runs; SIGINT stops
 * every process the script started.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../fixtures/ports.js';
import { spawnProcess, type SupervisedProcess } from '../../fixtures/process/supervisor.js';
import { JobAPI, LeaseAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/root.js';
import { until } from '../helpers/wait.js';

const UP = /Ctrl-C here stops everything\./;

let script: SupervisedProcess;
let dir: string;
let client: SkyClient;
let apiList: string;
/** Every pid the script printed, by what it named: "server-1", "controllers-2", "m0", … */
const pids = new Map<string, number>();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sky-ha-up-'));
  const ports = [await freePort(), await freePort()];
  script = await spawnProcess({
    name: 'ha-up',
    command: process.execPath,
    args: [join(PROJECT_ROOT, 'dist', 'scripts', 'ha-up.js'), '--ports', ports.join(','), '--dir', dir, '--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'],
    cwd: PROJECT_ROOT,
    env: { ...process.env, SKYM_LOG_LEVEL: 'info' },
  });
  await script.waitForOutput(UP, 120_000);
  const output = script.output();
  for (const [, name, pid] of output.matchAll(/(server-\d|controllers-\d|m\d)\b[^\n(]*\(pid (\d+)\)/g)) pids.set(name, Number(pid));
  apiList = /export SKYM_API=(\S+)/.exec(output)![1];
  client = new SkyClient({ url: apiList });
}, 180_000);

afterAll(async () => {
  await client?.close();
  await script?.stop('SIGKILL', 10_000);
  // Whatever the script could not stop: by pid, as every test stops what it started.
  for (const pid of pids.values()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function runs(jobs: JobAPI, name: string): Promise<void> {
  await jobs.create({ metadata: { name }, spec: { resources: { cpu: 0.1 }, run: 'echo Sky!' } });
  await until(`${name} completes`, async () => (await jobs.get(name)).status.phase === 'COMPLETED', { timeoutMs: 60_000, intervalMs: 100 });
}

it('starts etcd × 3, two API servers and two controller managers; survives losing a server and the Skylet replica; stops all on SIGINT', async () => {
  expect([...pids.keys()].sort()).toEqual(['controllers-1', 'controllers-2', 'm0', 'm1', 'm2', 'server-1', 'server-2']);
  const jobs = new JobAPI({ client });
  const leases = new LeaseAPI({ client });
  await runs(jobs, 'before');

  // The first server in the list, and the replica running the local cluster's Skylet.
  const holder = (await leases.get('skylet-local')).spec.holderIdentity!;
  const standby = holder === 'controllers-1' ? 'controllers-2' : 'controllers-1';
  process.kill(pids.get('server-1')!, 'SIGKILL');
  process.kill(pids.get(holder)!, 'SIGKILL');

  const listed = await runSkym(['get', 'leases', '--api', apiList]);
  expect(listed.code, listed.stderr).toBe(0);
  await until('the standby holds the cluster', async () => (await leases.get('skylet-local')).spec.holderIdentity === standby, { timeoutMs: 60_000, intervalMs: 100 });
  await runs(jobs, 'after');
  const got = await runSkym(['get', 'jobs', '--api', apiList]);
  expect(got.stdout).toMatch(/after\s+local\s+1\s.*COMPLETED/);

  script.signal('SIGINT');
  const exit = await script.exited;
  expect(exit.code, script.output()).toBe(0);
  expect(script.output()).toContain('SIGINT: stopping');
  for (const [name, pid] of pids) expect(alive(pid), `${name} (pid ${pid}) still runs`).toBe(false);
}, 240_000);
