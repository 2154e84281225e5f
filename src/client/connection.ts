/**
 * One connection to the API server, shared by every API object built on it: a graphql-request
 * client for queries and mutations over HTTP, and a graphql-ws client for watches, created on the
 * first watch and multiplexing all of them over one WebSocket.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Channel } from './channel.js';
import { resolveApiToken, resolveApiUrl } from './endpoint.js';
import { ApiError, ConnectionError, errorFromGraphQL, networkReason } from './errors.js';

export interface SkyClientOptions {
  /**
   * The API server: its GraphQL endpoint, or its base URL (`http://host:50051`, /graphql is
   * added); default `$SKYM_API`, else http://127.0.0.1:50051/graphql.
   */
  url?: string;
  /** Sent with every HTTP request and with the WebSocket upgrade request. */
  headers?: Record<string, string>;
  /**
   * Bearer token for a server started with --token-auth-file, sent as `Authorization: Bearer …`
   * on HTTP requests and on the WebSocket upgrade; default `$SKYM_TOKEN`. None: no header.
   */
  token?: string;
  /** How long a watch keeps trying to get its connection back before throwing ConnectionError. */
  reconnectTimeoutMs?: number;
}

export type Variables = Record<string, unknown>;

/** One result of an operation: its data, and what the server sent beside it. */
export interface Result<T> {
  /** Absent from a subscription message that carries only extensions. */
  data?: T;
  extensions?: Record<string, unknown>;
}

// Reconnect delays of a watch: quick first retries for a blip, capped for an outage.
const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export class SkyClient {
  readonly url: string;
  readonly wsUrl: string;
  private readonly headers: Record<string, string>;
  private readonly reconnectTimeoutMs: number;
  private readonly http: GraphQLClient;
  private ws?: WsClient;
  /** Acknowledged WebSocket connections so far, and whether one is open now. */
  private connections = 0;
  private connected = false;
  /** Aborted by close(): ends every watch, including those waiting to reconnect. */
  private readonly closing = new AbortController();

  constructor(options: SkyClientOptions = {}) {
    this.url = resolveApiUrl(options.url);
    this.wsUrl = this.url.replace(/^http/, 'ws');
    const token = resolveApiToken(options.token);
    const explicit = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
    // An Authorization header given in `headers` wins over the token.
    this.headers = token && !explicit ? { ...options.headers, authorization: `Bearer ${token}` } : { ...options.headers };
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 60_000;
    this.http = new GraphQLClient(this.url, { headers: this.headers });
  }

  /** Runs a query or mutation; failures are thrown as the classes of ./errors.ts. */
  async request<T>(document: string, variables: Variables): Promise<T> {
    return (await this.requestWithExtensions<T>(document, variables)).data;
  }

  /** As request(), with the response's `extensions` too (where the server puts warnings). */
  async requestWithExtensions<T>(document: string, variables: Variables): Promise<Result<T> & { data: T }> {
    try {
      const { data, extensions } = await this.http.rawRequest<T>(document, variables);
      return { data, extensions: extensions as Result<T>['extensions'] };
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * Runs a watch subscription (its root field aliased `event`) from `resourceVersion` and keeps it
   * running across dropped connections: after a drop it subscribes again from the
   * resourceVersion of the last event it yielded (BOOKMARKs included), which the server answers
   * with every later change exactly once. Errors from the server (GONE among them) end it; so
   * does a connection that stays down longer than `reconnectTimeoutMs`, or is not there at the
   * first attempt (ConnectionError); `signal` and close() end it normally.
   */
  async *watch<E extends { resourceVersion: string }>(
    document: string,
    variables: Variables,
    resourceVersion: string,
    signal?: AbortSignal,
  ): AsyncGenerator<E> {
    const stop = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    let from = resourceVersion;
    let failures = 0;
    let reachedOnce = false;
    let failingSince: number | undefined;
    for (;;) {
      const connectionsBefore = this.connections;
      const wasConnected = this.connected;
      let delivered = false;
      let lost: ConnectionError | undefined;
      try {
        for await (const { data } of this.subscribe<{ event: E }>(document, { ...variables, resourceVersion: from }, stop)) {
          if (!data) continue;
          from = data.event.resourceVersion;
          delivered = true;
          yield data.event;
        }
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error;
        lost = error;
      }
      if (stop.aborted) return;
      // The give-up clock runs only while attempts fail to reach the server at all; an attempt
      // that did (the socket was up, or events arrived) was a working watch that dropped. A watch
      // that never reached the server fails at once, like a query would.
      if (delivered || wasConnected || this.connections > connectionsBefore) {
        reachedOnce = true;
        failingSince = undefined;
      }
      failingSince ??= Date.now();
      if (lost && (!reachedOnce || Date.now() - failingSince > this.reconnectTimeoutMs)) throw lost;
      // The delay grows until events flow again, so a server that keeps ending the stream at
      // once (or refusing it) is not hammered.
      if (delivered) failures = 0;
      const delay = failures === 0 ? 0 : Math.min(RECONNECT_BASE_MS * 2 ** (failures - 1), RECONNECT_MAX_MS);
      failures++;
      try {
        await sleep(delay, undefined, { signal: stop });
      } catch {
        return; // stopped while waiting
      }
    }
  }

  /**
   * Runs a subscription once, yielding each result as it comes. Unlike watch() it does not resume
   * after a dropped connection (it throws ConnectionError): for streams that have no version to
   * resume from, such as a log follow. Ends when the server completes it, or normally on `signal`
   * and close().
   */
  async *subscription<T>(document: string, variables: Variables, signal?: AbortSignal): AsyncGenerator<Result<T>> {
    yield* this.subscribe<T>(document, variables, signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal);
  }

  /** Ends every watch and closes the WebSocket. HTTP needs no closing. */
  async close(): Promise<void> {
    this.closing.abort();
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
  }

  /**
   * One subscription on the shared socket, as an iterable of its results. It ends when the server
   * completes it or `signal` aborts, and throws ConnectionError when the socket goes away and the
   * server's own error (as ./errors.ts classes) when it sends one.
   */
  private async *subscribe<T>(query: string, variables: Variables, signal: AbortSignal): AsyncGenerator<Result<T>> {
    if (signal.aborted) return;
    const ws = this.wsClient();
    const results = new Channel<Result<T>>();
    const unsubscribe = ws.subscribe<T>(
      { query, variables },
      {
        next: (result: FormattedExecutionResult<T>) =>
          result.errors?.length
            ? results.fail(errorFromGraphQL(result.errors))
            : results.push({ data: result.data ?? undefined, extensions: result.extensions }),
        error: (error: unknown) =>
          results.fail(Array.isArray(error) ? errorFromGraphQL(error as GraphQLFormattedError[]) : this.connectionError(error)),
        complete: () => results.end(),
      },
    );
    // A closed socket ends this attempt at once, and the unsubscribe must happen right here:
    // after a normal closure graphql-ws re-sends the subscriptions still open, with the
    // resourceVersion they started from, which would replay events the caller has already seen.
    // Resuming is watch()'s job.
    let socketError: unknown; // says more than the close event that follows it ("ECONNREFUSED")
    const listeners = [
      ws.on('error', (error) => (socketError = error)),
      ws.on('closed', (event) => {
        unsubscribe();
        results.fail(this.connectionError(socketError ?? event));
      }),
    ];
    const abort = () => results.end();
    signal.addEventListener('abort', abort);
    try {
      yield* results;
    } finally {
      signal.removeEventListener('abort', abort);
      listeners.forEach((stop) => stop());
      unsubscribe();
    }
  }

  private wsClient(): WsClient {
    if (this.ws) return this.ws;
    const headers = this.headers;
    // The upgrade request carries the same headers as HTTP requests, so the server's plugins
    // (authentication among them) see a WebSocket client exactly as they see an HTTP one.
    class WebSocketWithHeaders extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    this.ws = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocketWithHeaders,
      // No retries inside graphql-ws: it would re-subscribe with the original variables; watch()
      // reconnects itself, from the last resourceVersion it delivered.
      retryAttempts: 0,
      on: {
        connected: () => {
          this.connections++;
          this.connected = true;
        },
        closed: () => {
          this.connected = false;
        },
      },
    });
    return this.ws;
  }

  private connectionError(cause: unknown): ConnectionError {
    return new ConnectionError(this.url, networkReason(cause), { cause });
  }

  private translate(error: unknown): unknown {
    if (error instanceof ClientError) {
      const errors = error.response.errors;
      if (errors?.length) return errorFromGraphQL(errors);
      return new ApiError(
        `${this.url} answered HTTP ${error.response.status} without a GraphQL result: is it a Sky Manager API server's GraphQL endpoint? ` +
          '(It is at /graphql, e.g. http://127.0.0.1:50051/graphql; a base URL such as http://127.0.0.1:50051 works too.)',
      );
    }
    // fetch reports every network failure (refused, DNS, reset) as a TypeError with the cause.
    if (error instanceof TypeError && error.cause !== undefined) return this.connectionError(error);
    return error;
  }
}
