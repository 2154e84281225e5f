/**
 * /metrics on real processes (issue 17): an API server, the controller manager (`skym
 * controllers`, leader election on) and a LOCAL cluster. Jobs created with the typed client are
 * placed, and the figures of both processes move with them: no figure is asserted on time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { NotFoundError } from '../../src/domain/errors.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { killReplicas } from '../helpers/replicas.js';
import { has, scrape, sumOf, type Sample } from '../helpers/prometheus.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const JOBS = ['sky-metrics-a', 'sky-metrics-b', 'sky-metrics-c'];

let server: ServerProcess;
let controllers: ControllersProcess;
let client: SkyClient;
let jobs: JobAPI;
let apiMetrics: string;

const scrapeApi = () => scrape(apiMetrics);
const scrapeControllers = () => scrape(controllers.metricsUrl);

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  apiMetrics = server.url.replace(/\/graphql$/, '/metrics');
  client = new SkyClient({ url: server.url });
  jobs = new JobAPI({ client });
  controllers = await startControllers(server.url);
  await createReadyLocalCluster(new ClusterAPI({ client }), 'metrics-local', 8, { context: () => controllers.logs().slice(-3000) });
});

afterAll(async () => {
  killReplicas(/^sky-metrics-/);
  await controllers?.stop();
  await client?.close();
  await server?.stop();
});

describe('/metrics as jobs are placed', () => {
  let apiBefore: Sample[];
  let cmBefore: Sample[];
  let apiAfter: Sample[];
  let cmAfter: Sample[];

  beforeAll(async () => {
    apiBefore = await scrapeApi();
    cmBefore = await scrapeControllers();
    for (const name of JOBS) await jobs.create({ metadata: { name }, spec: { resources: { cpu: 1 }, run: 'sleep 1' } });
    await expect(jobs.get('sky-metrics-none')).rejects.toThrow(NotFoundError);
    for (const name of JOBS) {
      await until(`job ${name} placed`, async () => (await jobs.get(name)).status.placements.length > 0, { context: () => controllers.logs().slice(-3000) });
    }
    // The placement is written before the scheduler counts it: wait for the count, not a time.
    cmAfter = await until('the placements counted', async () => {
      const samples = await scrapeControllers();
      return sumOf(samples, 'sky_scheduler_placements_total', { kind: 'Job' }) - sumOf(cmBefore, 'sky_scheduler_placements_total', { kind: 'Job' }) >= JOBS.length && samples;
    });
    apiAfter = await scrapeApi();
  });

  it('the placements counter grows by the jobs placed, each with its first-placement latency', () => {
    const grown = (name: string, labels: Record<string, string> = {}) => sumOf(cmAfter, name, labels) - sumOf(cmBefore, name, labels);
    expect(grown('sky_scheduler_placements_total', { kind: 'Job' })).toBe(JOBS.length);
    expect(grown('sky_scheduler_placed_replicas_total', { kind: 'Job', cluster: 'metrics-local' })).toBe(JOBS.length);
    expect(grown('sky_scheduler_placement_latency_seconds_count', { kind: 'Job' })).toBe(JOBS.length);
  });

  it('the API server counts createJob by code, and the store writes', () => {
    const grown = (name: string, labels: Record<string, string>) => sumOf(apiAfter, name, labels) - sumOf(apiBefore, name, labels);
    expect(grown('sky_apiserver_requests_total', { operation: 'createJob', type: 'mutation', code: 'OK' })).toBe(JOBS.length);
    expect(grown('sky_apiserver_request_duration_seconds_count', { operation: 'createJob', type: 'mutation' })).toBe(JOBS.length);
    expect(grown('sky_apiserver_requests_total', { operation: 'job', type: 'query', code: 'NOT_FOUND' })).toBe(1);
    // The creates, and at least the scheduler's placement (a status update) of each.
    expect(grown('sky_apiserver_store_write_duration_seconds_count', { operation: 'create', result: 'ok' })).toBeGreaterThanOrEqual(JOBS.length);
    expect(grown('sky_apiserver_store_write_duration_seconds_count', { operation: 'update', result: 'ok' })).toBeGreaterThanOrEqual(JOBS.length);
  });

  it('the controller manager watches: subscribers are counted and events reach them with a measured lag', () => {
    expect(sumOf(apiAfter, 'sky_apiserver_watch_subscribers', { subscription: 'watchJobs' })).toBeGreaterThan(0);
    expect(sumOf(apiAfter, 'sky_apiserver_watch_subscribers', { subscription: 'watchClusters' })).toBeGreaterThan(0);
    const lag = (samples: Sample[]) => sumOf(samples, 'sky_apiserver_watch_delivery_lag_seconds_count', { subscription: 'watchJobs' });
    expect(lag(apiAfter) - lag(apiBefore)).toBeGreaterThanOrEqual(JOBS.length);
  });

  it('the single controller manager holds every role, and each cluster shows its phase and probes', () => {
    expect(sumOf(cmAfter, 'sky_controller_manager_leader', { role: 'scheduler' })).toBe(1);
    expect(sumOf(cmAfter, 'sky_controller_manager_leader', { role: 'skylet', cluster: 'metrics-local' })).toBe(1);
    expect(sumOf(cmAfter, 'sky_cluster_phase', { cluster: 'metrics-local', phase: 'READY' })).toBe(1);
    expect(sumOf(cmAfter, 'sky_cluster_phase', { cluster: 'metrics-local' })).toBe(1);
    expect(sumOf(cmAfter, 'sky_skylet_probe_duration_seconds_count', { cluster: 'metrics-local', result: 'ok' })).toBeGreaterThan(0);
  });

  it('both processes serve the process metrics', () => {
    for (const samples of [apiAfter, cmAfter]) {
      expect(has(samples, 'process_cpu_user_seconds_total')).toBe(true);
      expect(has(samples, 'nodejs_eventloop_lag_seconds')).toBe(true);
    }
  });
});

describe('/metrics with authentication on', () => {
  const TOKENS = { admin: 'admin-token-0123456789', controller: 'controller-token-0123456789', viewer: 'viewer-token-0123456789' };
  let dir: string;
  let guarded: ServerProcess;
  let open: ServerProcess;
  const metricsOf = (s: ServerProcess) => s.url.replace(/\/graphql$/, '/metrics');
  const get = (s: ServerProcess, token?: string) => fetch(metricsOf(s), { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skym-metrics-'));
    const tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, `${TOKENS.admin},root,0,sky:admins\n${TOKENS.controller},controllers,1,sky:controllers\n${TOKENS.viewer},vic,2,sky:viewers\n`);
    [guarded, open] = await Promise.all([
      startServer({ store: 'memory', tokenAuthFile: tokenFile }),
      startServer({ store: 'memory', tokenAuthFile: tokenFile, extraArgs: ['--metrics-open'] }),
    ]);
  });

  afterAll(async () => {
    await guarded?.stop();
    await open?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('needs a token whose user may get metrics: admins and controllers may, viewers may not', async () => {
    const anonymous = await get(guarded);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const viewer = await get(guarded, TOKENS.viewer);
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).toContain('User "vic" may not get metrics');
    for (const token of [TOKENS.admin, TOKENS.controller]) {
      const allowed = await get(guarded, token);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('content-type')).toContain('text/plain');
      expect(await allowed.text()).toContain('sky_apiserver_requests_total');
    }
  });

  it('counts the refused operations too, and serves everyone with --metrics-open', async () => {
    const refused = await fetch(open.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ jobs { items { metadata { name } } } }' }) });
    expect(refused.status).toBe(401);
    const samples = await scrape(metricsOf(open));
    expect(sumOf(samples, 'sky_apiserver_requests_total', { operation: '(none)', code: 'UNAUTHENTICATED' })).toBe(1);
  });
});
