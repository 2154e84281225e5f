/**
 * The API server's side of the Skylet endpoint (src/domain/skylet-api.ts): one cluster's replica
 * logs, fetched from the URL its Cluster's status.skyletEndpoint publishes.
 *
 * That URL is written by whoever may write Cluster status, so it is treated as untrusted: only
 * http(s) URLs without credentials are fetched (checked here again, not only when written), the
 * path and query are ours, link-local and metadata addresses are refused (./skylet-http.ts),
 * redirects are not followed, the Skylet token goes out only as a credential bound to this
 * endpoint, an answer that is not a Skylet's NDJSON is refused without repeating what it said,
 * lines are size-capped and connecting has a deadline.
 *
 * Every failure is a SkyletError whose message reads as the rest of a sentence about the cluster
 * ("cannot reach its Skylet at http://…: ECONNREFUSED"): the log resolvers turn them into warnings.
 */
import type { IncomingMessage } from 'node:http';
import { networkReason } from '../domain/network-reason.js';
import {
  asReplicaLogLine,
  logsUrl,
  LOGS_CONTENT_TYPE,
  skyletEndpointProblem,
  type LogsQuery,
  type LogsRoute,
  type ReplicaLogLine,
} from '../domain/skylet-api.js';
import { skyletAuthorization } from '../domain/skylet-token.js';
import { NdjsonError, parseNdjson } from './ndjson.js';
import { getSkylet, RefusedAddressError } from './skylet-http.js';

export class SkyletError extends Error {}

export interface SkyletLogsOptions extends LogsQuery {
  /** Ends the read quietly: whoever wanted the lines has gone away. */
  signal?: AbortSignal;
  /** Until the Skylet starts answering; default 10 s. */
  connectTimeoutMs?: number;
  /** For the whole read, when it must end (a query); past it the read fails. */
  deadlineMs?: number;
  /** The Skylet token, from which each Skylet gets its own credential (src/domain/skylet-token.ts). */
  token?: string;
  /** Fetch from link-local and metadata addresses too. */
  allowLinkLocal?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Enough of an error answer for its `error` sentence, and no more. */
const MAX_ERROR_BYTES = 4096;
const MAX_ERROR_CHARS = 300;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The `error` of a Skylet's JSON error answer, read up to a small cap; '' if there is none. */
async function errorSentence(response: IncomingMessage): Promise<string> {
  if (!(response.headers['content-type'] ?? '').startsWith('application/json')) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= MAX_ERROR_BYTES) break;
  }
  try {
    const { error } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: unknown };
    return typeof error === 'string' ? `: ${error.slice(0, MAX_ERROR_CHARS)}` : '';
  } catch {
    return '';
  }
}

export async function* readSkyletLogs(
  endpoint: string | undefined,
  workload: Omit<LogsRoute, 'cluster'>,
  options: SkyletLogsOptions,
): AsyncGenerator<ReplicaLogLine> {
  if (endpoint === undefined) throw new SkyletError('no Skylet has published an endpoint for it yet (is the controller manager running?)');
  const problem = skyletEndpointProblem(endpoint);
  if (problem) throw new SkyletError(`its skyletEndpoint is not usable: ${problem}`);
  const url = logsUrl(endpoint, workload, options);

  // Aborted, with the SkyletError to throw as its reason, when a deadline passes.
  const failed = new AbortController();
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, options.deadlineMs ?? Infinity);
  const connectTimer = setTimeout(() => failed.abort(new SkyletError(`its Skylet at ${endpoint} did not answer within ${seconds(connectTimeoutMs)}`)), connectTimeoutMs);
  const deadlineTimer =
    options.deadlineMs === undefined
      ? undefined
      : setTimeout(() => failed.abort(new SkyletError(`its Skylet at ${endpoint} did not send all of the logs within ${seconds(options.deadlineMs!)}`)), options.deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const stopped = () => options.signal?.aborted === true && !failed.signal.aborted;
  const failure = (what: string, error: unknown) => {
    if (failed.signal.aborted) return failed.signal.reason as SkyletError;
    if (error instanceof SkyletError) return error;
    if (error instanceof RefusedAddressError) return new SkyletError(`${what}: ${error.message}`);
    return new SkyletError(`${what} (${error instanceof NdjsonError ? error.message : networkReason(error)})`);
  };

  try {
    let response: IncomingMessage;
    try {
      const headers: Record<string, string> = { accept: LOGS_CONTENT_TYPE };
      if (options.token !== undefined) headers.authorization = skyletAuthorization(options.token, endpoint);
      response = await getSkylet(url, { signal, headers, allowLinkLocal: options.allowLinkLocal });
    } catch (error) {
      if (stopped()) return;
      throw failure(`cannot reach its Skylet at ${endpoint}`, error);
    } finally {
      clearTimeout(connectTimer);
    }
    if (response.statusCode !== 200) {
      const sentence = await errorSentence(response).catch(() => '');
      response.destroy();
      throw new SkyletError(`its Skylet at ${endpoint} answered HTTP ${response.statusCode}${sentence}`);
    }
    const type = response.headers['content-type'] ?? '';
    if (!type.startsWith(LOGS_CONTENT_TYPE)) {
      response.destroy();
      throw new SkyletError(`${endpoint} does not answer as a Skylet does (content-type "${type}" instead of ${LOGS_CONTENT_TYPE})`);
    }
    try {
      for await (const value of parseNdjson(response as AsyncIterable<Uint8Array>)) {
        const line = asReplicaLogLine(value);
        if (!line) throw new SkyletError(`${endpoint} sent something that is not a log line`);
        yield line;
      }
    } catch (error) {
      if (stopped()) return;
      throw failure(`the log stream from its Skylet at ${endpoint} broke off`, error);
    }
  } finally {
    clearTimeout(deadlineTimer);
  }
}
