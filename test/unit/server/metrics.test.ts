/**
 * buildApp's /metrics in-process: operations counted by root field and code over HTTP and
 * WebSocket, the subscribers gauge following a subscription, the delivery lag of an event from
 * the store, and the store writes. Figures only, never times.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadApiServerConfig } from '../../../src/config/api-server.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import { buildApp, type App } from '../../../src/server/app.js';
import { createLogger } from '../../../src/server/logger.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';
import { parseMetrics, sumOf } from '../../helpers/prometheus.js';

describe('the API server\'s metrics', () => {
  const store = new MemoryStore();
  const registry = createMetricsRegistry({ processMetrics: false });
  let app: App;
  let metricsUrl: string;

  beforeAll(async () => {
    const config = loadApiServerConfig({ port: 0, store: 'memory', logLevel: 'silent' }, {});
    app = buildApp({ config, store, logger: createLogger('silent'), metricsRegistry: registry });
    await app.start();
    metricsUrl = app.url.replace(/\/graphql$/, '/metrics');
  });
  afterAll(async () => {
    await app.stop();
    await store.close();
  });

  const post = (query: string, variables?: object) =>
    fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseMetrics(await response.text());
  };
  const requests = (samples: ReturnType<typeof parseMetrics>, operation: string, code: string) => sumOf(samples, 'sky_apiserver_requests_total', { operation, code });

  it('counts operations by root field and code, never by the client\'s operation name', async () => {
    await post('mutation AnyNameAtAll { createNamespace(input: {metadata: {name: "m1"}}) { metadata { name } } }');
    await post('{ namespace(name: "absent") { metadata { name } } }');
    await post('{ namespaces { items { metadata { name } } } clusters { items { metadata { name } } } }');
    await post('mutation($input: NamespaceInput!) { createNamespace(input: $input) { metadata { name } } }', { input: { metadata: { name: 7 } } });
    await post('{ namespaces( }');
    const samples = await scrape();
    expect(requests(samples, 'createNamespace', 'OK')).toBe(1);
    expect(requests(samples, 'namespace', 'NOT_FOUND')).toBe(1);
    expect(requests(samples, '(multiple)', 'OK')).toBe(1);
    expect(requests(samples, 'createNamespace', 'BAD_USER_INPUT')).toBe(1);
    expect(requests(samples, '(none)', 'BAD_USER_INPUT')).toBe(1);
    expect(samples.some((s) => Object.values(s.labels).includes('AnyNameAtAll'))).toBe(false);
    expect(sumOf(samples, 'sky_apiserver_request_duration_seconds_count', { operation: 'createNamespace', type: 'mutation' })).toBe(2);
    expect(sumOf(samples, 'sky_apiserver_store_write_duration_seconds_count', { operation: 'create', result: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('follows a subscription: subscribers while it runs, the lag of each store event it gets', async () => {
    const before = await scrape();
    const client = createClient({ url: app.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const names: string[] = [];
    const done = new Promise<void>((resolve, reject) =>
      client.subscribe(
        { query: 'subscription { watchNamespaces { type object { metadata { name } } } }' },
        { next: (r) => names.push((r.data as any).watchNamespaces.object?.metadata.name ?? ''), error: reject, complete: resolve },
      ),
    );
    await vi.waitFor(async () => expect(sumOf(await scrape(), 'sky_apiserver_watch_subscribers', { subscription: 'watchNamespaces' })).toBe(1));
    await post('mutation { createNamespace(input: {metadata: {name: "m2"}}) { metadata { name } } }');
    await vi.waitFor(() => expect(names).toContain('m2'));
    const during = await scrape();
    // The snapshot's ADDED events came from a list, not from the store's publishing: no lag for them.
    const lag = (samples: typeof during) => sumOf(samples, 'sky_apiserver_watch_delivery_lag_seconds_count', { subscription: 'watchNamespaces' });
    expect(lag(during) - lag(before)).toBe(1);
    expect(requests(during, 'watchNamespaces', 'OK') - requests(before, 'watchNamespaces', 'OK')).toBe(1);
    await client.dispose();
    await done.catch(() => undefined);
    await vi.waitFor(async () => expect(sumOf(await scrape(), 'sky_apiserver_watch_subscribers', { subscription: 'watchNamespaces' })).toBe(0));
  });

  it('answers GET only', async () => {
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
  });
});
