/**
 * Failures read like a person wrote them: `Error: <sentence>` on stderr, exit status 1, no stack
 * trace — with the real binary, against a real server (or none at all).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, SkyClient } from '../../src/client/index.js';
import { runSkym, type SkymResult } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
const skym = (...args: string[]) => runSkym(args, { api: server.url });

/** No stack frames, whatever went wrong. */
const noStack = (result: SkymResult) => expect(result.stderr).not.toMatch(/^\s+at /m);

/** A local port with nothing listening on it. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('errors', () => {
  it('a server that is not running: says so and how to start one', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/graphql`;
    const result = await runSkym(['get', 'clusters', '--api', url]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      `Error: the Sky Manager API server at ${url} is not running or not reachable (ECONNREFUSED).\n` +
        'Start one with `skym up` (API server and controllers) or `skym server` (API server only), ' +
        'or point skym at a running one with --api URL, SKYM_API or `skym config set api URL`.\n',
    );
  });

  it('a missing object, named as the user typed it', async () => {
    const job = await skym('get', 'job', 'x');
    expect(job).toMatchObject({ code: 1, stdout: '', stderr: 'Error: job "x" not found in namespace "default"\n' });
    expect(await skym('delete', 'cluster', 'a')).toMatchObject({ code: 1, stderr: 'Error: cluster "a" not found\n' });
    expect(await skym('create', 'job', 'j', '-n', 'nowhere', '--run', 'x')).toMatchObject({
      code: 1,
      stderr: 'Error: namespace "nowhere" not found; create it with `skym create namespace nowhere`\n',
    });
  });

  it('a conflicting update: someone else changed it', async () => {
    const clusters = new ClusterAPI({ client });
    const created = await clusters.create({ metadata: { name: 'a' }, spec: { manager: 'LOCAL' } });
    // Someone else changes the spec (a status or label change alone would not count: see cli-apply).
    await clusters.update({ ...created, spec: { manager: 'LOCAL', local: { cpu: 2 } } });
    const stale = JSON.stringify({ ...created, spec: { manager: 'LOCAL', local: { cpu: 1 } } });
    const result = await runSkym(['apply', '-f', '-'], { api: server.url, input: stale });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'Error: standard input, document 1: cluster "a" was changed by someone else; get it again and retry\nNothing was applied: 1 of 1 objects failed the server\'s check.\n',
    );
  });

  it('an object that already exists points at apply', async () => {
    await skym('create', 'ns', 'twice');
    expect(await skym('create', 'ns', 'twice')).toMatchObject({ code: 1, stderr: 'Error: namespace "twice" already exists; change it with `skym apply`\n' });
  });

  it('bad input names the field', async () => {
    const result = await skym('create', 'job', 'Bad_Name', '--run', 'x');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: invalid metadata\.name: "Bad_Name" is not a DNS-1123 label/);
    const negative = await runSkym(['apply', '-f', '-'], { api: server.url, input: 'kind: Job\nmetadata: {name: neg}\nspec: {replicas: -1}\n' });
    expect(negative.stderr).toBe(
      "Error: standard input, document 1: invalid spec.replicas: must be at least 1, got -1\nNothing was applied: 1 of 1 objects failed the server's check.\n",
    );
    noStack(negative);
  });

  it('a bad selector names it', async () => {
    const result = await skym('get', 'jobs', '-l', 'app==web,(');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: invalid labelSelector: invalid label selector term/);
  });

  it('an unknown kind lists the known ones', async () => {
    expect(await skym('get', 'pods')).toMatchObject({
      code: 1,
      stderr: 'Error: unknown kind "pods"; use one of clusters, namespaces, jobs, deployments, filterpolicies, queues, priorityclasses, leases, roles, clusterroles, rolebindings, clusterrolebindings (or their singular or short names)\n',
    });
  });

  it('an unknown kind close to a known one suggests it', async () => {
    expect((await skym('get', 'jbos')).stderr).toMatch(/\. Did you mean jobs\?\n$/);
  });

  it('a mistyped command suggests the closest one in the words people type, in one line, exit 2', async () => {
    const result = await skym('gte', 'jobs', '-n', 'team-a');
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'Error: "gte" is not a skym command. Did you mean skym get jobs -n team-a?\n' });
    expect(result.stderr).not.toContain('gte:jobs');
    expect(await skym('create', 'jbo', 'hello', '--run', 'echo hi')).toMatchObject({
      code: 2,
      stderr: 'Error: "create jbo" is not a skym command. Did you mean skym create job hello --run \'echo hi\'?\n',
    });
    expect(await skym('frobnicate')).toMatchObject({ code: 2, stderr: 'Error: "frobnicate" is not a skym command. See skym --help for the commands.\n' });
  });

  it('leader election timings that could let two controller managers lead at once are refused before anything starts', async () => {
    const result = await skym('controllers', '--lease-duration', '5s', '--renew-deadline', '5s');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/leaderElectLeaseDurationMs \(--lease-duration\): must be greater than leaderElectRenewDeadlineMs \(--renew-deadline\) \(5000\), got 5000/);
    expect(await skym('controllers', '--retry-period', '2.5s')).toMatchObject({ code: 1, stderr: expect.stringMatching(/--retry-period: "2.5s" is not a duration/) });
    noStack(result);
  });

  it('under --json, the error is JSON on stdout', async () => {
    const result = await skym('get', 'job', 'x', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ error: { message: 'job "x" not found in namespace "default"', code: 'NOT_FOUND' } });
  });

  it('usage mistakes keep oclif\'s message and its exit status 2', async () => {
    const result = await skym('create', 'job');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: Missing 1 required arg:\nname/);
    noStack(result);
  });

  it('the error as thrown, with its stack, only when asked for (--log-level debug)', async () => {
    const result = await skym('get', 'job', 'x', '--log-level', 'debug');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: job "x" not found in namespace "default"\nNotFoundError: Object 'jobs\/default\/x' not found\.\n/);
  });
});
