/**
 * The controller manager's metrics endpoint: its own small HTTP server with GET /metrics (and
 * /healthz), on its own port as kube-controller-manager serves its metrics apart from everything
 * else, so Prometheus can reach it without reaching the Skylet endpoint and its logs.
 *
 * Nothing authenticates scrapers: it binds to 127.0.0.1 by default. What it tells (cluster names,
 * queue depths, phases) is less than the API shows any viewer; bound beyond this machine it is
 * readable by whoever reaches it, and the start-up log says so.
 */
import { createServer } from 'node:http';
import type pino from 'pino';
import type { Registry } from 'prom-client';
import { closeNow, listen } from '../http/listen.js';

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  /** 0: a free port (logged, and `url` tells it). */
  port: number;
  logger: pino.Logger;
}

export interface MetricsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `http://host:port/metrics`; valid after start(). */
  readonly url: string;
}

export function createMetricsServer({ registry, host, port, logger }: MetricsServerOptions): MetricsServer {
  let url: string | undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end(`${req.method} is not allowed; use GET\n`);
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => {
          logger.warn({ err: error }, 'collecting metrics failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such path: ${path}; metrics are at /metrics\n`);
    }
  });

  return {
    async start() {
      const bound = await listen(server, port, host);
      const shownHost = host.includes(':') ? `[${host}]` : host;
      url = `http://${shownHost}:${bound}/metrics`;
      logger.info({ url }, 'metrics listening');
    },
    stop: () => closeNow(server),
    get url() {
      if (url === undefined) throw new Error('the metrics server has not started');
      return url;
    },
  };
}
