/**
 * useGraphiQLAssets and the GraphiQL page on a small Yoga: the page links only to this server,
 * each asset URL answers the package's file with its type and a year's cache, gzipped for those
 * who accept it, and nothing else is served from the package's folder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { renderGraphiQLPage, SKY_EXAMPLE_OPERATIONS } from '../../../src/server/graphiql-page.js';
import { graphiqlAssetUrls, useGraphiQLAssets } from '../../../src/server/use-graphiql-assets.js';

const PACKAGE = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json'));
const VERSION = (JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
const assets = graphiqlAssetUrls();

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
  graphiql: { title: 'Sky <Manager>' },
  renderGraphiQL: renderGraphiQLPage({ assets, query: '{ ok } # </script><script>alert(1)</script>' }),
  landingPage: false,
  logging: false,
  plugins: [useGraphiQLAssets()],
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => yoga.fetch(`http://yoga${path}`, { method, headers });

describe('the GraphiQL page', () => {
  it('links to this server only, with the title filled in and escaped', async () => {
    const response = await get('/graphql', { accept: 'text/html' });
    const html = await response.text();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<title>Sky &lt;Manager&gt;</title>');
    expect(html).toContain('Loading Sky &lt;Manager&gt;');
    expect(html).not.toContain('__TITLE__');
    expect(html).not.toMatch(/https?:\/\/|(src|href)="\/\//);
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(linked.sort()).toEqual(['data:,', assets.script, assets.stylesheet].sort());
    for (const worker of [assets.editorWorker, assets.jsonWorker, assets.graphqlWorker]) expect(html).toContain(`"${worker}"`);
  });

  it('opens with the given operations, which cannot end its script', async () => {
    const html = await (await get('/graphql', { accept: 'text/html' })).text();
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('"query":"{ ok } # \\u003c/script>\\u003cscript>alert(1)\\u003c/script>"');
  });

  it('the example operations are a Clusters query and a WatchJobs subscription', () => {
    expect(SKY_EXAMPLE_OPERATIONS).toMatch(/^query Clusters \{\n {2}clusters \{/m);
    expect(SKY_EXAMPLE_OPERATIONS).toMatch(/^subscription WatchJobs \{\n {2}watchJobs \{/m);
  });
});

describe('useGraphiQLAssets', () => {
  const files = {
    stylesheet: ['graphiql.css', 'text/css; charset=utf-8'],
    script: ['yoga-graphiql.umd.js', 'text/javascript; charset=utf-8'],
    editorWorker: ['monacoeditorwork/editor.worker.bundle.js', 'text/javascript; charset=utf-8'],
    jsonWorker: ['monacoeditorwork/json.worker.bundle.js', 'text/javascript; charset=utf-8'],
    graphqlWorker: ['monacoeditorwork/graphql.worker..bundle.js', 'text/javascript; charset=utf-8'],
  } as const;

  it.each(Object.entries(files))('%s: the package file, its type, cached for a year under the version', async (role, [file, type]) => {
    const url = assets[role as keyof typeof assets];
    expect(url).toBe(`/graphiql/assets/${VERSION}/${file}`);
    const response = await get(url);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(bytes.equals(readFileSync(join(PACKAGE, 'dist', file)))).toBe(true);
  });

  it('gzips for a browser that accepts it', async () => {
    const response = await get(assets.script, { 'accept-encoding': 'gzip, deflate, br' });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('accept-encoding');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(gunzipSync(bytes).equals(readFileSync(join(PACKAGE, 'dist', 'yoga-graphiql.umd.js')))).toBe(true);
  });

  it('answers HEAD with the headers only', async () => {
    const response = await get(assets.stylesheet, {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(readFileSync(join(PACKAGE, 'dist', 'graphiql.css')).length));
    expect(await response.text()).toBe('');
  });

  it.each([
    `/graphiql/assets/${VERSION}/yoga-graphiql.es.js`,
    `/graphiql/assets/${VERSION}/package.json`,
    `/graphiql/assets/${VERSION}/..%2Fpackage.json`,
    `/graphiql/assets/${VERSION}/%2e%2e/%2e%2e/package.json`,
    `/graphiql/assets/${VERSION}/monacoeditorwork/`,
    `/graphiql/assets/0.0.0/graphiql.css`,
    '/graphiql/assets/graphiql.css',
  ])('serves nothing else: %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });

  it('serves no other method', async () => {
    expect((await get(assets.stylesheet, {}, 'POST')).status).toBe(404);
  });
});
