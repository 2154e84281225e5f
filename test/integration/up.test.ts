/**
 * `skym up` as a user runs it: one real process with the API server, the controller manager and
 * the local cluster, on a fresh data directory. The quickstart runs for real: the job, then
 * `skym logs hello` printing `Sky!`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { killReplicas, replicaPids } from '../helpers/replicas.js';
import { PROJECT_ROOT } from '../helpers/root.js';
import { startServer } from '../helpers/server.js';

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

  // A replica still running when up stops keeps running (it belongs to the cluster); up says so.
  await jobs.create({ metadata: { name: 'up-sleeper' }, spec: { resources: { cpu: 1 }, run: 'sleep 120' } });
  while ((await jobs.get('up-sleeper')).status.phase !== 'RUNNING') {
    if (Date.now() > deadline) throw new Error(`up-sleeper not RUNNING:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain("The local cluster's replicas of job default/up-sleeper keep running: they belong to the cluster, and the next skym up adopts them.");
    expect(replicaPids('up-sleeper')).toHaveLength(1);
  } finally {
    killReplicas('up-sleeper');
  }
});

/** Runs `skym up` to its end; for start-ups that must fail. */
function upUntilExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const up = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'run.js'), 'up', '--no-discover', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    up.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    up.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    up.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

it('says why it cannot start, with the flag that fixes it: a port in use, a data directory in use', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  const otherDir = await mkdtemp(join(tmpdir(), 'sky-up-busy-'));
  const server = await startServer({ store: 'lowdb' }); // holds its data directory
  try {
    const portTaken = await upUntilExit(['--port', String(port), '--data-dir', otherDir]);
    expect(portTaken.code).toBe(1);
    expect(portTaken.stderr).toContain(
      `Error: cannot listen on 127.0.0.1:${port}: the address is in use, perhaps by another skym up or skym server. Stop that one, or choose another port (--port).`,
    );
    expect(portTaken.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // skym server says it in the same one line, without the WebSocket server's stack trace before it.
    const serverOnTakenPort = await runSkym(['server', '--store', 'memory', '--port', String(port)]);
    expect(serverOnTakenPort).toMatchObject({
      code: 1,
      stderr: `Error: cannot listen on 127.0.0.1:${port}: the address is in use, perhaps by another skym up or skym server. Stop that one, or choose another port (--port).\n`,
    });

    const dirTaken = await upUntilExit(['--port', '0', '--data-dir', server.dataDir!]);
    expect(dirTaken.code).toBe(1);
    expect(dirTaken.stderr).toContain(
      `Error: Data directory ${server.dataDir} is in use by process ${server.pid} (${join(server.dataDir!, 'LOCK')}), another skym up or skym server. Stop that one, or choose another directory (--data-dir).`,
    );
  } finally {
    await server.stop();
    await new Promise((resolve) => busy.close(resolve));
    await rm(otherDir, { recursive: true, force: true });
  }
});
