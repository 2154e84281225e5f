/**
 * `skym up` as a user runs it: one real process with the API server, the controller manager and
 * the local cluster, on a fresh data directory. The quickstart runs for real: the job, then
 * `skym logs hello` printing `Sky!`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/root.js';

let child: ChildProcess;
let output = '';
let dataDir: string;
let url: string;
let client: SkyClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sky-up-'));
  child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'run.js'), 'up', '--port', '0', '--data-dir', dataDir], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Discovery stays on, as for users; a kubeconfig that does not exist means nothing to find.
    env: { ...process.env, SKYM_LOG_LEVEL: 'info', KUBECONFIG: join(dataDir, 'no-such-kubeconfig') },
  });
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skym up did not come up:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /Sky Manager is up\. API and GraphiQL: (\S+)/.exec(output);
      if (match) (clearTimeout(timer), resolve(match[1]));
    });
    child.once('exit', () => (clearTimeout(timer), reject(new Error(`skym up exited:\n${output}`))));
  });
  client = new SkyClient({ url });
});

afterAll(async () => {
  await client?.close();
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

it('registers the local cluster, runs the quickstart job, shows its logs, and stops on SIGTERM', async () => {
  const clusters = new ClusterAPI({ client });
  const jobs = new JobAPI({ client });
  const deadline = Date.now() + 20_000;
  while ((await clusters.get('local')).status.phase !== 'READY') {
    if (Date.now() > deadline) throw new Error(`local cluster not READY:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await clusters.get('local')).spec.manager).toBe('LOCAL');

  await jobs.create({ metadata: { name: 'hello' }, spec: { resources: { cpu: 1 }, run: 'echo Sky!' } });
  let job = await jobs.get('hello');
  while (job.status.phase !== 'COMPLETED') {
    if (Date.now() > deadline) throw new Error(`hello not COMPLETED (${job.status.phase}):\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
    job = await jobs.get('hello');
  }
  expect(job.status.placements).toEqual([{ cluster: 'local', replicas: 1 }]);
  // The quickstart's last step: the API server reads the log from the local cluster's Skylet.
  expect(await runSkym(['logs', 'hello', '--api', url])).toMatchObject({ code: 0, stdout: 'Sky!\n', stderr: '' });
  expect(output).toContain("Sending job hello to clusters {'local': 1}.");

  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  process.kill(child.pid!, 'SIGTERM');
  expect(await exited).toBe(0);
});
