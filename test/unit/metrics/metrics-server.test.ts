/** The controller manager's metrics server: /metrics in the text format, /healthz, GET only. */
import pino from 'pino';
import { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsServer, type MetricsServer } from '../../../src/metrics/metrics-server.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import { parseMetrics, sumOf } from '../../helpers/prometheus.js';

describe('metrics server', () => {
  const registry = createMetricsRegistry({ processMetrics: false });
  const counter = new Counter({ name: 'sky_test_total', help: 'a test counter', labelNames: ['what'], registers: [registry] });
  let server: MetricsServer;

  beforeAll(async () => {
    server = createMetricsServer({ registry, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
    await server.start();
  });
  afterAll(() => server.stop());

  it('serves the registry at /metrics', async () => {
    counter.labels('quoted "value"\\').inc(2);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(sumOf(parseMetrics(await response.text()), 'sky_test_total', { what: 'quoted "value"\\' })).toBe(2);
  });

  it('answers /healthz, refuses other methods and names the path it does not know', async () => {
    const base = server.url.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    const unknown = await fetch(`${base}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('metrics are at /metrics');
  });
});
