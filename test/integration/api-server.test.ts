/**
 * `skym server` as an operator runs it: the listening line (with the real port for --port 0)
 * alone on stdout, health and readiness endpoints, GraphiQL in a browser, a graceful stop on
 * SIGTERM and SIGINT that ends open subscriptions, and clear refusals of bad flags.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindApi } from '../helpers/api.js';
import { startBackend, STORES } from '../helpers/backends.js';
import { Watch, type WatchEvent } from '../helpers/graphql.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { PROJECT_ROOT } from '../helpers/root.js';

const LINE = /^Sky Manager API listening on http:\/\/127\.0\.0\.1:(\d+)\/graphql\n$/;

describe('skym server', () => {
  let server: ServerProcess;
  let base: string;

  beforeAll(async () => {
    server = await startServer({ store: 'memory' });
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => server?.stop());

  it('prints exactly one line, with the port it really listens on, and logs nothing to stdout', async () => {
    const child = spawn(process.execPath, ['bin/run.js', 'server', '--port', '0', '--store', 'memory'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SKYM_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const port = Number(LINE.exec(stdout)?.[1]);
      expect(port, `stdout was ${JSON.stringify(stdout)}`).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(stderr).toContain('API server started'); // logs go to stderr, as JSON lines
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(LINE.test(stdout)).toBe(true); // still the one line: nothing else was printed
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves GraphiQL at /graphql to a browser', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/graphiql/i);
  });

  const stops = STORES.flatMap((store) => (['SIGTERM', 'SIGINT'] as const).map((signal) => [signal, store] as const));
  it.each(stops)('stops gracefully on %s (%s store), ending open subscriptions', async (signal, store) => {
    const backend = await startBackend(store);
    try {
      const own = backend.server;
      const watch = new Watch<WatchEvent>(own.wsUrl, kindApi(own.url, 'Job').documents.watch, {});
      await watch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
      const started = Date.now();
      const exit = await own.kill(signal);
      expect(exit).toEqual({ code: 0, signal: null });
      // Promptly: nothing (store client, timers, sockets) kept the process alive.
      expect(Date.now() - started).toBeLessThan(5_000);
      // The subscription did not hang: the client learned the server went away.
      const deadline = Date.now() + 5_000;
      while (watch.error === undefined && !watch.completed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(watch.error !== undefined || watch.completed).toBe(true);
      await watch.close();
    } finally {
      await backend.stop();
    }
  });

  it.each([
    [['--store', 'sqlite'], /sqlite|Expected --store/],
    [['--port', '70000'], /port|70000/i],
    [['--store', 'etcd', '--etcd-endpoints', 'not a url'], /etcdEndpoints|url/i],
    [['--cors-allowed-origins', 'https://tools.example.com/path'], /corsAllowedOrigins.*"https:\/\/tools\.example\.com\/path" is not an origin/],
  ])('refuses %j with a message and a non-zero exit', (flags, message) => {
    const result = spawnSync(process.execPath, ['bin/run.js', 'server', ...flags], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, SKYM_LOG_LEVEL: 'silent' } });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(message);
    expect(result.stdout).not.toMatch(/listening/);
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://tools.example.com';
  const query = (url: string, origin: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ query: '{ __typename }' }) });
  const preflight = (url: string, origin: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('allows no other origin by default: no Access-Control-Allow-Origin, so browsers keep pages out', async () => {
    const server = await startServer({ store: 'memory' });
    try {
      const response = await query(server.url, ORIGIN);
      expect(response.status).toBe(200); // same-origin and non-browser clients are unaffected
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(server.url, ORIGIN)).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.stop();
    }
  });

  it('--cors-allowed-origins lets exactly those origins in, preflight included', async () => {
    const server = await startServer({ store: 'memory', extraArgs: ['--cors-allowed-origins', `${ORIGIN},http://localhost:3000`] });
    try {
      const allowed = await query(server.url, ORIGIN);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const check = await preflight(server.url, ORIGIN);
      expect(check.status).toBe(204);
      expect(check.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(check.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
      expect((await query(server.url, 'https://evil.example.org')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example.org');
    } finally {
      await server.stop();
    }
  });
});
