/**
 * The Skylet endpoint: a small HTTP server in the controller manager through which the API server
 * reads what only a Skylet can reach, the way kube-apiserver proxies `kubectl logs` to the
 * kubelet. The API server never holds cluster credentials and may run on another machine; each
 * Skylet publishes `urlFor(cluster)` in its Cluster's status, and the API server fetches there.
 * The route and the wire format are in src/domain/skylet-api.ts.
 *
 * With a Skylet token (src/domain/skylet-token.ts) every request must carry the credential of the
 * cluster endpoint it asks (derived from the token), or gets 401; the API server sends it. Without one nothing authenticates callers: it binds to 127.0.0.1 by
 * default, and bound to a public address it lets anyone who reaches it read the logs of every
 * cluster this process manages (the controller manager warns at start).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import type pino from 'pino';
import { closeNow, listen } from '../http/listen.js';
import { CONTROLLER_DEFAULTS } from '../config/defaults.js';
import type { LogOptions } from '../cluster-managers/types.js';
import { clusterEndpoint, LOGS_CONTENT_TYPE, parseLogsPath, parseLogsQuery, type ReplicaLogLine } from '../domain/skylet-api.js';
import { carriesSkyletCredential } from '../domain/skylet-token.js';
import type { WorkloadRef } from '../domain/object-ref.js';

/** What the endpoint needs of a Skylet (skylet.ts implements it). */
export interface LogSource {
  /** Throws at once when the Skylet cannot read logs (it has no cluster manager). */
  logs(ref: WorkloadRef, options: LogOptions): AsyncIterable<ReplicaLogLine>;
}

export interface SkyletEndpointOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0, a free one. */
  port?: number;
  /** The Skylet of a cluster, if this process runs one for it. */
  lookup(cluster: string): LogSource | undefined;
  /** When set, a request must carry it (`Authorization: Bearer …`). */
  token?: string;
  logger: pino.Logger;
}

export interface SkyletEndpoint {
  start(): Promise<void>;
  /** Stops listening and cuts open streams (their readers see a broken stream, not an end). */
  stop(): Promise<void>;
  /** `http://host:port`; valid after start(). */
  readonly url: string;
  /** `http://host:port/clusters/<cluster>`: what the cluster's Skylet publishes. Valid after start(). */
  urlFor(cluster: string): string;
}

/** The host others can reach us at: an any-address listener is published under the machine's name. */
function advertisedHost(host: string): string {
  const reachable = host === '0.0.0.0' || host === '::' ? os.hostname() : host;
  return reachable.includes(':') ? `[${reachable}]` : reachable;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** `/clusters/<cluster>` of a request path, as this endpoint publishes it; undefined for others. */
const CLUSTER_PREFIX = /^\/clusters\/[^/]+(?=\/|$)/;

function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error }));
}

export function createSkyletEndpoint(options: SkyletEndpointOptions): SkyletEndpoint {
  const { host = CONTROLLER_DEFAULTS.skyletHost, port = CONTROLLER_DEFAULTS.skyletPort, lookup, logger, token } = options;
  let url: string | undefined;

  async function serveLogs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Before anything else, so that a caller without the credential learns nothing, not even
    // routes. The credential is the one of the cluster endpoint the path asks for.
    const requestUrl = new URL(req.url ?? '/', 'http://skylet');
    const clusterPath = CLUSTER_PREFIX.exec(requestUrl.pathname)?.[0];
    if (token !== undefined && (clusterPath === undefined || !carriesSkyletCredential(req.headers.authorization, token, `${url}${clusterPath}`))) {
      return sendError(res, 401, 'this Skylet endpoint needs the Skylet token (the API server sends it when given the same --skylet-token-file)', {
        'www-authenticate': 'Bearer realm="skylet"',
      });
    }
    const route = parseLogsPath(requestUrl.pathname);
    if (!route) return sendError(res, 404, `no such route: ${requestUrl.pathname}`);
    if (req.method !== 'GET') return sendError(res, 405, `${req.method} is not allowed; use GET`, { allow: 'GET' });
    const query = parseLogsQuery(requestUrl.searchParams);
    if ('problem' in query) return sendError(res, 400, query.problem);
    const source = lookup(route.cluster);
    if (!source) return sendError(res, 404, `no Skylet for cluster "${route.cluster}" runs here`);

    // 'close' on the response comes when the client goes away as well as after our own end();
    // either way nobody reads any more, so the follow stops.
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const ref: WorkloadRef = { kind: route.kind, namespace: route.namespace, name: route.name };
    let lines: AsyncIterable<ReplicaLogLine>;
    try {
      lines = source.logs(ref, { tail: query.tail, follow: query.follow, signal: closed.signal });
    } catch (error) {
      return sendError(res, 503, error instanceof Error ? error.message : String(error));
    }
    // Headers go out now, not with the first line: a follow may print nothing for a long while,
    // and the API server must know at once that the stream is open.
    res.writeHead(200, { 'content-type': LOGS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.flushHeaders();
    // Settles once the last line written has gone out (or cannot any more).
    let flushed = Promise.resolve();
    try {
      for await (const { replica, line } of lines) {
        let room = true;
        flushed = new Promise((resolve) => (room = res.write(`${JSON.stringify({ replica, line })}\n`, () => resolve())));
        if (!room) await once(res, 'drain', { signal: closed.signal });
      }
      res.end();
    } catch (error) {
      if (closed.signal.aborted) return; // the client went away
      logger.warn({ err: String(error), cluster: route.cluster, workload: `${route.namespace}/${route.name}` }, 'log stream failed');
      // The lines read so far are sent; then breaking the chunked body off (rather than ending
      // it) tells the reader that the logs are incomplete.
      await Promise.race([flushed, once(closed.signal, 'abort')]);
      res.destroy();
    }
  }

  const server = createServer((req, res) => {
    serveLogs(req, res).catch((error) => {
      logger.warn({ err: String(error) }, 'Skylet endpoint request failed');
      res.destroy();
    });
  });

  return {
    async start() {
      url = `http://${advertisedHost(host)}:${await listen(server, port, host)}`;
      logger.info({ url, authentication: token === undefined ? 'none' : 'Skylet token' }, 'Skylet endpoint listening');
      if (token === undefined && !isLoopback(host)) {
        logger.warn({ url }, 'the Skylet endpoint listens beyond this machine without a Skylet token: anyone who reaches it can read logs (use --skylet-token-file)');
      }
    },

    stop: () => closeNow(server),

    get url() {
      if (url === undefined) throw new Error('the Skylet endpoint has not started');
      return url;
    },

    urlFor(cluster) {
      return clusterEndpoint(this.url, cluster);
    },
  };
}
