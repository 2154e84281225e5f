/**
 * The Skylet endpoint's contract, shared by its server (src/controllers/skylet-endpoint.ts, in the
 * controller manager) and its one client (src/resolvers/skylet-logs.ts, in the API server), as
 * kube-apiserver and the kubelet share the kubelet's API. The API server never holds cluster
 * credentials; for logs it asks the Skylet that does, at the address the Skylet publishes in its
 * Cluster's `status.skyletEndpoint` (`http://host:port/clusters/<cluster>`):
 *
 *   GET <skyletEndpoint>/logs/<jobs|deployments>/<namespace>/<name>[?tail=N][&follow=true]
 *     200 application/x-ndjson: one `{"replica":0,"line":"Sky!"}` per line. Without follow the
 *         body ends after the logs so far; with follow, once every replica has finished. A body
 *         that breaks off instead of ending means the stream failed.
 *     400, 404 (no Skylet for that cluster here), 405, 503: application/json `{"error": "…"}`.
 */
import { isValidName } from './kinds.js';
import type { LogLine } from './types.js';
import { describeRef } from './object-ref.js';

export const LOGS_CONTENT_TYPE = 'application/x-ndjson';

/** A line as a Skylet sends it; the cluster is the endpoint's. */
export type ReplicaLogLine = Omit<LogLine, 'cluster'>;

export type LogsKind = 'Job' | 'Deployment';

export interface LogsRoute {
  cluster: string;
  kind: LogsKind;
  namespace: string;
  name: string;
}

export interface LogsQuery {
  /** Only the last `tail` lines of each replica's log so far. */
  tail?: number;
  /** Keep streaming new lines until every replica has finished. */
  follow: boolean;
}

/** The endpoint a Skylet server at `base` (`http://host:port`) publishes for `cluster`. */
export function clusterEndpoint(base: string, cluster: string): string {
  return `${base}/clusters/${encodeURIComponent(cluster)}`;
}

/**
 * Why `text` cannot be a Skylet endpoint, or undefined when it can. Anyone allowed to write a
 * Cluster's status chooses the URL the API server then fetches, so only plain http(s) URLs pass:
 * no other schemes (file:, data:), no credentials to replay, no query to smuggle parameters in.
 */
export function skyletEndpointProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not an absolute URL such as http://127.0.0.1:7070/clusters/local`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL, not ${url.protocol}`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or a fragment';
  return undefined;
}

/** The logs URL of a workload under a cluster's endpoint (which skyletEndpointProblem accepted). */
export function logsUrl(endpoint: string, workload: Omit<LogsRoute, 'cluster'>, query: LogsQuery): URL {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/logs/${describeRef(workload)}`;
  if (query.tail !== undefined) url.searchParams.set('tail', String(query.tail));
  if (query.follow) url.searchParams.set('follow', 'true');
  return url;
}

const LOGS_PATH = /^\/clusters\/([^/]+)\/logs\/(jobs|deployments)\/([^/]+)\/([^/]+)$/;

/**
 * The route of a request path, or undefined when it is not a logs path. Every name must be a
 * DNS-1123 label: they become file paths in cluster managers, so `..` must never get through.
 */
export function parseLogsPath(pathname: string): LogsRoute | undefined {
  const match = LOGS_PATH.exec(pathname);
  if (!match) return undefined;
  let names: string[];
  try {
    names = [match[1], match[3], match[4]].map(decodeURIComponent);
  } catch {
    return undefined; // malformed %-escape
  }
  if (!names.every(isValidName)) return undefined;
  const [cluster, namespace, name] = names;
  return { cluster, kind: match[2] === 'jobs' ? 'Job' : 'Deployment', namespace, name };
}

/** The query of a logs request, or the reason it is wrong. */
export function parseLogsQuery(params: URLSearchParams): LogsQuery | { problem: string } {
  const tail = params.get('tail');
  const follow = params.get('follow');
  if (tail !== null && !(/^\d+$/.test(tail) && Number.isSafeInteger(Number(tail)))) return { problem: `tail must be a whole number of lines, not "${tail}"` };
  if (follow !== null && follow !== 'true' && follow !== 'false') return { problem: `follow must be true or false, not "${follow}"` };
  return { ...(tail === null ? {} : { tail: Number(tail) }), follow: follow === 'true' };
}

/** A parsed NDJSON value if it is a log line, else undefined. */
export function asReplicaLogLine(value: unknown): ReplicaLogLine | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { replica, line } = value as Record<string, unknown>;
  if (typeof replica !== 'number' || !Number.isInteger(replica) || replica < 0 || typeof line !== 'string') return undefined;
  return { replica, line };
}
