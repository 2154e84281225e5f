/**
 * Logs end to end on real processes. The API server holds no cluster credentials: it reads logs
 * from the Skylet endpoint of the controller manager, at the address each Cluster's status
 * publishes, as kube-apiserver reads them from kubelets.
 *
 * 1. An API server, the controller manager and two LOCAL clusters: jobLogs, tail, the
 *    followJobLogs subscription, deploymentLogs, and `skym logs`.
 * 2. Clusters that cannot be read: an API server with no controller manager, whose Cluster and
 *    Job statuses are written through the API as a controller would. One cluster is served by a
 *    Skylet endpoint in this process over a real local cluster manager; the others publish a dead
 *    address, no address, or an endpoint that does not serve them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalManager } from '../../src/cluster-managers/local/local-manager.js';
import type { ClusterManager } from '../../src/cluster-managers/types.js';
import { ClusterAPI, DeploymentAPI, JobAPI, SkyClient, type LogLine, type Warning } from '../../src/client/index.js';
import { createSkyletEndpoint, type SkyletEndpoint } from '../../src/controllers/skylet-endpoint.js';
import type { Job } from '../../src/domain/types.js';
import { runSkym, spawnSkym } from '../helpers/cli.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { failure, post, Watch } from '../helpers/graphql.js';
import { killReplicas } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const LOGS = 'query($name: String!, $tail: Int) { jobLogs(name: $name, tail: $tail) { cluster replica line } }';
const FOLLOW = 'subscription($name: String!, $tail: Int) { event: followJobLogs(name: $name, tail: $tail) { cluster replica line } }';

/** The workloads that run long; afterAll stops whatever of them still runs. */
const LONG_RUNNING = /^log-/;

const byCluster = (a: Warning, b: Warning) => (a.cluster ?? '').localeCompare(b.cluster ?? '');

describe('logs from the clusters a workload runs on', () => {
  let server: ServerProcess;
  let controllers: ControllersProcess;
  let client: SkyClient;
  let clusters: ClusterAPI;
  let jobs: JobAPI;
  let tmp: string;
  const context = () => controllers?.logs().slice(-3000) ?? '';

  function completed(name: string): Promise<Job> {
    return until(`job ${name} COMPLETED`, async () => {
      const job = await jobs.get(name);
      return job.status.phase === 'COMPLETED' && job;
    }, { context });
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'sky-logs-'));
    // Both sides share a Skylet token, as a deployment would: every read below proves the API
    // server sends it, and a request without it is refused.
    const skyletTokenFile = join(tmp, 'skylet-token');
    await writeFile(skyletTokenFile, `${randomBytes(24).toString('base64url')}\n`);
    server = await startServer({ store: 'memory', extraArgs: ['--skylet-token-file', skyletTokenFile] });
    client = new SkyClient({ url: server.url });
    clusters = new ClusterAPI({ client });
    jobs = new JobAPI({ client });
    controllers = await startControllers(server.url, { extraArgs: ['--skylet-token-file', skyletTokenFile] });
    for (const name of ['east', 'west']) {
      await clusters.create({ metadata: { name }, spec: { manager: 'LOCAL', local: { cpu: 2, memory: 4096, gpu: 0 } } });
    }
    for (const name of ['east', 'west']) {
      await until(`cluster ${name} READY`, async () => (await clusters.get(name)).status.phase === 'READY', { context });
    }
  });

  afterAll(async () => {
    killReplicas(LONG_RUNNING);
    await controllers?.stop();
    await client?.close();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('refuses a Skylet endpoint request without the Skylet token', async () => {
    const east = await clusters.get('east');
    const response = await fetch(`${east.status.skyletEndpoint}/logs/jobs/default/hello`);
    expect(response.status).toBe(401);
    expect(controllers.logs()).toMatch(/"authentication":"Skylet token"/);
  });

  it('publishes each cluster’s Skylet endpoint in its status', async () => {
    const east = await clusters.get('east');
    expect(east.status.skyletEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/clusters\/east$/);
    expect(controllers.logs()).toContain(`Skylet endpoint ${new URL(east.status.skyletEndpoint!).origin}`);
  });

  it('jobLogs returns the line the job printed, with its cluster and replica, and no warning', async () => {
    await jobs.create({ metadata: { name: 'hello' }, spec: { resources: { cpu: 0.1 }, run: 'echo Sky!' } });
    const job = await completed('hello');
    const response = await post(server.url, LOGS, { name: 'hello' });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ jobLogs: [{ cluster: job.status.placements[0].cluster, replica: 0, line: 'Sky!' }] });
    expect(JSON.parse(response.text).extensions).toBeUndefined();
  });

  it('skym logs hello prints Sky!', async () => {
    const result = await runSkym(['logs', 'hello', '--api', server.url]);
    expect(result).toMatchObject({ code: 0, stdout: 'Sky!\n', stderr: '' });
  });

  it('returns the lines of a job spread over both clusters, cluster by cluster', async () => {
    // 2 cpu per replica and 2 per cluster: one replica on each.
    await jobs.create({
      metadata: { name: 'spread' },
      spec: { replicas: 2, resources: { cpu: 2 }, run: 'echo "from $SKY_CLUSTER"; echo "replica $SKY_REPLICA_INDEX"' },
    });
    const job = await completed('spread');
    const order = job.status.placements.map((p) => p.cluster);
    expect([...order].sort()).toEqual(['east', 'west']);

    // `replica` numbers replicas within their cluster; SKY_REPLICA_INDEX across the workload.
    const lines = await jobs.logs('spread');
    expect(lines).toEqual(
      order.flatMap((cluster, i) => [
        { cluster, replica: 0, line: `from ${cluster}` },
        { cluster, replica: 0, line: `replica ${i}` },
      ]),
    );

    // More than one replica: the CLI says whose each line is, as kubectl logs --prefix does.
    const result = await runSkym(['logs', 'spread', '--api', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(order.map((cluster, i) => `[${cluster}/0] from ${cluster}\n[${cluster}/0] replica ${i}\n`).join(''));
  });

  it('tail keeps the last lines of each replica', async () => {
    await jobs.create({ metadata: { name: 'five' }, spec: { resources: { cpu: 0.1 }, run: 'for i in 1 2 3 4 5; do echo "line $i"; done' } });
    await completed('five');
    expect((await jobs.logs('five', { tail: 2 })).map((l) => l.line)).toEqual(['line 4', 'line 5']);
    expect(await jobs.logs('five', { tail: 0 })).toEqual([]);
    expect((await jobs.logs('five')).map((l) => l.line)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect((await runSkym(['logs', 'five', '--tail', '1', '--api', server.url])).stdout).toBe('line 5\n');
    const negative = await failure(server.url, LOGS, { name: 'five', tail: -1 });
    expect(negative.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tail' });
  });

  it('followJobLogs streams lines as they are written and ends when the job finishes', async () => {
    const gate = join(tmp, 'gate');
    await jobs.create({
      metadata: { name: 'ticker' },
      spec: { resources: { cpu: 0.1 }, run: `for i in 1 2 3 4 5; do echo "tick $i"; sleep 0.2; done; while [ ! -e ${gate} ]; do sleep 0.1; done; echo done` },
    });
    // A cluster that has not started a replica yet has nothing to follow; `skym logs -f` waits for
    // this as kubectl does for a pending pod, and so does this test.
    await until('ticker running', async () => (await jobs.get('ticker')).status.phase === 'RUNNING', { context });
    const watch = new Watch<LogLine>(server.wsUrl, FOLLOW, { name: 'ticker' });
    try {
      await watch.until((lines) => lines.some((l) => l.line === 'tick 5'), 20_000);
      // Streamed, not collected at the end: the job is still waiting at its gate.
      expect(watch.events.map((l) => l.line)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
      expect(watch.completed).toBe(false);
      await writeFile(gate, '');
      await watch.until((lines) => lines.some((l) => l.line === 'done'));
      await until('the subscription to complete', async () => watch.completed);
      expect(watch.events.map((l) => l.line).slice(-1)).toEqual(['done']);
      expect(new Set(watch.events.map((l) => `${l.cluster}/${l.replica}`)).size).toBe(1);
    } finally {
      await watch.close();
    }
  });

  it('skym logs -f, started right after the job, waits for it, prints lines as they come and exits when it ends', async () => {
    await jobs.create({ metadata: { name: 'counter' }, spec: { resources: { cpu: 0.1 }, run: 'for i in 1 2 3; do echo "count $i"; sleep 0.2; done' } });
    const result = await runSkym(['logs', 'counter', '-f', '--api', server.url]);
    expect(result).toMatchObject({ code: 0, stdout: 'count 1\ncount 2\ncount 3\n' });
    expect(result.stderr).toMatch(/^(Waiting for job "counter" to start \((PENDING|SCHEDULED)\)…\n)?$/);
  });

  it('Ctrl-C ends skym logs -f cleanly', async () => {
    await jobs.create({ metadata: { name: 'log-sleeper' }, spec: { resources: { cpu: 0.1 }, run: 'echo started; sleep 100' } });
    await until('log-sleeper running', async () => (await jobs.get('log-sleeper')).status.phase === 'RUNNING', { context });
    const follow = spawnSkym(['logs', 'log-sleeper', '--follow', '--api', server.url]);
    await follow.waitFor((lines) => lines.includes('started'));
    const result = await follow.interrupt();
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    await jobs.delete('log-sleeper');
  });

  it('deploymentLogs and skym logs --deployment read a deployment’s replicas', async () => {
    const deployments = new DeploymentAPI({ client });
    await deployments.create({ metadata: { name: 'log-web' }, spec: { resources: { cpu: 0.1 }, run: 'echo serving; sleep 100' } });
    const lines = await until('the deployment to print', async () => {
      const read = await deployments.logs('log-web');
      return read.length > 0 && read;
    }, { context });
    expect(lines).toEqual([{ cluster: expect.stringMatching(/^(east|west)$/), replica: 0, line: 'serving' }]);
    expect((await runSkym(['logs', 'log-web', '--deployment', '--api', server.url])).stdout).toBe('serving\n');
    await deployments.delete('log-web');
  });

  it('says clearly when there is nothing to read', async () => {
    const missing = await failure(server.url, LOGS, { name: 'nope' });
    expect(missing).toMatchObject({ message: "Object 'jobs/default/nope' not found.", extensions: { code: 'NOT_FOUND' } });
    expect(await runSkym(['logs', 'nope', '--api', server.url])).toMatchObject({ code: 1, stderr: 'Error: job "nope" not found in namespace "default"\n' });
    const follow = new Watch<LogLine>(server.wsUrl, FOLLOW, { name: 'nope' });
    try {
      expect(await follow.failure()).toEqual([expect.objectContaining({ message: "Object 'jobs/default/nope' not found.", extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    } finally {
      await follow.close();
    }

    // Fits no cluster, so it is placed nowhere: no lines, and a warning that says why.
    await jobs.create({ metadata: { name: 'huge' }, spec: { resources: { cpu: 64 }, run: 'echo never' } });
    const warnings: Warning[] = [];
    expect(await jobs.logs('huge', { onWarning: (w) => warnings.push(w) })).toEqual([]);
    expect(warnings).toEqual([{ message: 'jobs/default/huge is not placed on any cluster yet (phase PENDING), so there are no logs to read' }]);
    const result = await runSkym(['logs', 'huge', '--api', server.url]);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `Warning: ${warnings[0].message}\n` });
    await jobs.delete('huge');
  });
});

describe('clusters whose logs cannot be read', () => {
  let server: ServerProcess;
  let client: SkyClient;
  let clusters: ClusterAPI;
  let jobs: JobAPI;
  let stateDir: string;
  let manager: ClusterManager;
  let endpoint: SkyletEndpoint;
  let deadEndpoint: string;

  /** What a Skylet's health probe writes, with the given endpoint. */
  const readyStatus = (skyletEndpoint?: string) => ({ phase: 'READY' as const, ...(skyletEndpoint ? { skyletEndpoint } : {}) });

  /** A job whose status says it ran on `placed`, as the scheduler and Skylets would write it. */
  async function jobPlacedOn(name: string, placed: string[]) {
    await jobs.create({ metadata: { name }, spec: { run: 'echo Sky!' } });
    await jobs.updateStatus({ metadata: { name }, status: { phase: 'COMPLETED', placements: placed.map((cluster) => ({ cluster, replicas: 1 })) } });
  }

  beforeAll(async () => {
    server = await startServer({ store: 'memory' });
    client = new SkyClient({ url: server.url });
    clusters = new ClusterAPI({ client });
    jobs = new JobAPI({ client });
    for (const name of ['up', 'down', 'mute', 'elsewhere']) await clusters.create({ metadata: { name }, spec: { manager: 'LOCAL' } });

    // Cluster "up": a real local cluster manager has run the job, behind a real Skylet endpoint.
    stateDir = await mkdtemp(join(tmpdir(), 'sky-logs-skylet-'));
    manager = createLocalManager(await clusters.get('up'), { stateDir, pollIntervalMs: 50 });
    await jobPlacedOn('mixed', ['up', 'down', 'mute', 'elsewhere']);
    await jobPlacedOn('stranded', ['down', 'mute']);
    await manager.submit(await jobs.get('mixed'), 1);
    await until('the replica on "up" to finish', async () => {
      const report = (await manager.status([{ kind: 'Job', namespace: 'default', name: 'mixed' }])).get('jobs/default/mixed');
      return report?.succeeded === 1;
    });
    endpoint = createSkyletEndpoint({ lookup: (cluster) => (cluster === 'up' ? manager : undefined), logger: pino({ level: 'silent' }) });
    await endpoint.start();

    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/clusters/down`;
    await new Promise((resolve) => closed.close(resolve));

    await clusters.updateStatus({ metadata: { name: 'up' }, status: readyStatus(endpoint.urlFor('up')) });
    await clusters.updateStatus({ metadata: { name: 'down' }, status: readyStatus(deadEndpoint) });
    await clusters.updateStatus({ metadata: { name: 'mute' }, status: readyStatus() });
    await clusters.updateStatus({ metadata: { name: 'elsewhere' }, status: readyStatus(endpoint.urlFor('elsewhere')) });
  });

  afterAll(async () => {
    await endpoint?.stop();
    await manager?.close();
    await client?.close();
    await server?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const expectedWarnings = () => [
    { cluster: 'down', message: `cannot reach its Skylet at ${deadEndpoint} (ECONNREFUSED)` },
    { cluster: 'elsewhere', message: `its Skylet at ${endpoint.urlFor('elsewhere')} answered HTTP 404: no Skylet for cluster "elsewhere" runs here` },
    { cluster: 'mute', message: 'no Skylet has published an endpoint for it yet (is the controller manager running?)' },
  ];

  it('jobLogs returns the lines of the clusters it can read, and names the others in extensions.warnings', async () => {
    const response = await post(server.url, LOGS, { name: 'mixed' });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ jobLogs: [{ cluster: 'up', replica: 0, line: 'Sky!' }] });
    const { extensions } = JSON.parse(response.text) as { extensions: { warnings: Warning[] } };
    expect([...extensions.warnings].sort(byCluster)).toEqual(expectedWarnings());
  });

  it('the typed client hands the warnings to onWarning', async () => {
    const warnings: Warning[] = [];
    expect(await jobs.logs('mixed', { onWarning: (w) => warnings.push(w) })).toEqual([{ cluster: 'up', replica: 0, line: 'Sky!' }]);
    expect(warnings.sort(byCluster)).toEqual(expectedWarnings());
  });

  it('with no cluster readable, the answer is no lines and a warning for each cluster', async () => {
    const response = await post(server.url, LOGS, { name: 'stranded' });
    expect(response.data).toEqual({ jobLogs: [] });
    expect(JSON.parse(response.text).extensions.warnings.map((w: Warning) => w.cluster).sort()).toEqual(['down', 'mute']);
  });

  /** Follows a job to its end; its lines, and the warnings of every message. */
  async function followToEnd(name: string) {
    const watch = new Watch<LogLine>(server.wsUrl, FOLLOW, { name });
    try {
      await until(`the follow of ${name} to complete`, async () => watch.completed || watch.error !== undefined);
      expect(watch.error).toBeUndefined();
      const warnings = watch.payloads.flatMap((p) => (p.extensions as { warnings?: Warning[] } | undefined)?.warnings ?? []);
      return { lines: watch.events, warnings: warnings.sort(byCluster), payloads: watch.payloads };
    } finally {
      await watch.close();
    }
  }

  it('followJobLogs sends the warnings beside the lines of the clusters it can read', async () => {
    const { lines, warnings } = await followToEnd('mixed');
    expect(lines).toEqual([{ cluster: 'up', replica: 0, line: 'Sky!' }]);
    expect(warnings).toEqual(expectedWarnings());
  });

  it('followJobLogs with no cluster readable sends the warnings on messages of their own, then ends', async () => {
    const { lines, warnings, payloads } = await followToEnd('stranded');
    expect(lines).toEqual([]);
    expect(warnings.map((w) => w.cluster)).toEqual(['down', 'mute']);
    expect(payloads.every((p) => p.data === undefined && p.errors === undefined)).toBe(true);
  });

  it('skym logs prints what it can, the warnings on stderr, and exits 1', async () => {
    const result = await runSkym(['logs', 'mixed', '--api', server.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Sky!\n');
    const stderr = result.stderr.split('\n').filter(Boolean).sort();
    expect(stderr).toEqual(expectedWarnings().map((w) => `Warning: cluster "${w.cluster}": ${w.message}`));
  });

  it('refuses a skyletEndpoint that is not an http(s) URL, since the API server would fetch it', async () => {
    const refused = await failure(
      server.url,
      'mutation($input: ClusterStatusUpdateInput!) { updateClusterStatus(input: $input) { kind } }',
      { input: { metadata: { name: 'mute' }, status: readyStatus('file:///etc/passwd') } },
    );
    expect(refused).toMatchObject({
      message: 'input.status.skyletEndpoint: must be an http:// or https:// URL, not file:',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.status.skyletEndpoint' },
    });
  });
});
