/**
 * useConsole on a small Yoga, over a build directory made here: the page at /console/ with its
 * security headers and no caching, hashed assets with a year's cache, gzipped when asked, a clear
 * 404 for anything else (no path outside the build), and a clear message when nothing is built.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useConsole } from '../../../src/server/use-console.js';

let build: string;
let empty: string;
const PAGE = '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>';
const SCRIPT = 'console.log("sky");'.repeat(50);

const yogaOver = (dir: string) =>
  createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }), landingPage: false, logging: false, plugins: [useConsole({ build: dir })] });

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'sky-console-build-'));
  empty = await mkdtemp(join(tmpdir(), 'sky-console-empty-'));
  await mkdir(join(build, 'assets'));
  await writeFile(join(build, 'index.html'), PAGE);
  await writeFile(join(build, 'assets', 'index-abc123.js'), SCRIPT);
  await writeFile(join(build, 'assets', 'notes.txt'), 'not a served type');
});

afterAll(async () => {
  await rm(build, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

describe('useConsole', () => {
  it('serves the page at /console/ with its policy and no long cache; /console redirects there', async () => {
    const yoga = yogaOver(build);
    const page = await yoga.fetch('http://yoga/console/');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(PAGE);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const policy = page.headers.get('content-security-policy') ?? '';
    for (const rule of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(policy).toContain(rule);
    expect(policy).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');

    const bare = await yoga.fetch('http://yoga/console?x=1', { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/?x=1');
  });

  it('serves hashed assets for a year, gzipped for browsers that accept it', async () => {
    const yoga = yogaOver(build);
    const plain = await yoga.fetch('http://yoga/console/assets/index-abc123.js');
    expect(await plain.text()).toBe(SCRIPT);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-security-policy')).toBeNull();
    const zipped = await yoga.fetch('http://yoga/console/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(SCRIPT);
  });

  it('answers 404 for files not in the build, of other types, or outside it', async () => {
    const yoga = yogaOver(build);
    for (const path of ['/console/assets/missing.js', '/console/assets/notes.txt', '/console/../package.json', '/console/%2e%2e/package.json']) {
      const response = await yoga.fetch(`http://yoga${path}`);
      expect(response.status, path).toBe(404);
    }
    // Other paths are left to the rest of the server.
    expect((await yoga.fetch('http://yoga/graphql?query={ok}')).status).toBe(200);
  });

  it('says how to build the console when there is none', async () => {
    const response = await yogaOver(empty).fetch('http://yoga/console/');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('The console is not built: run `npm run build`.');
  });
});
