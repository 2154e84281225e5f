/**
 * One connection to the API, shared by every API object built on it: a graphql-request client
 * for queries and mutations over HTTP, and a graphql-ws client for watches, created on the first
 * watch and multiplexing all of them over one WebSocket.
 *
 * The API may be several servers of one installation (sharing an etcd). The client uses one at a
 * time and sticks to it while it works; when it cannot be reached, queries go to the next one,
 * mutations only when they certainly never reached a server (./failover.ts), and watches resume
 * on the next one from the last resourceVersion they delivered, which every server of the
 * installation answers alike because resourceVersion is etcd's revision.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Channel } from './channel.js';
import { ApiAddressError, apiEndpoints, resolveApiToken, resolveApiUrls } from './endpoint.js';
import { ApiError, ConnectionError, errorFromGraphQL, networkReason } from './errors.js';
import { failoverDecision, operationType } from './failover.js';

export interface SkyClientOptions {
  /**
   * The API server: its GraphQL endpoint, or its base URL (`http://host:50051`, /graphql is
   * added); or several servers of one installation separated by commas
   * (`http://a:50051,http://b:50051`), as `urls`. Default `$SKYM_API` (which may be such a list
   * too), else http://127.0.0.1:50051/graphql.
   */
  url?: string;
  /**
   * Several API servers of one installation (they share an etcd), each written as `url`; tried
   * in this order, starting with the first. Wins over `url`.
   */
  urls?: readonly string[];
  /** Sent with every HTTP request and with the WebSocket upgrade request. */
  headers?: Record<string, string>;
  /**
   * Bearer token for a server started with --token-auth-file, sent as `Authorization: Bearer …`
   * on HTTP requests and on the WebSocket upgrade; default `$SKYM_TOKEN`. None: no header.
   */
  token?: string;
  /** How long a watch keeps trying to get its connection back before throwing ConnectionError. */
  reconnectTimeoutMs?: number;
  /**
   * A query or mutation not answered after this long fails as a ConnectionError (a query is then
   * sent to the next server). Default none, as kubectl's --request-timeout: a request waits as
   * long as its connection stays open.
   */
  requestTimeoutMs?: number;
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

/** The WebSocket client of one server, and what became of its socket. */
interface Socket {
  readonly client: WsClient;
  /** Index of its server in `urls`. */
  readonly at: number;
  state: 'connecting' | 'connected' | 'closed';
}

export class SkyClient {
  /** Every API server, as GraphQL endpoints, in the order they are tried. */
  readonly urls: readonly string[];
  private readonly headers: Record<string, string>;
  private readonly reconnectTimeoutMs: number;
  private readonly requestTimeoutMs?: number;
  /** One per server, made on its first request. */
  private readonly http: (GraphQLClient | undefined)[];
  /** Index of the server in use, in `urls`. */
  private active = 0;
  private socket?: Socket;
  /** Acknowledged WebSocket connections so far, to any server. */
  private connections = 0;
  /** Aborted by close(): ends every watch, including those waiting to reconnect. */
  private readonly closing = new AbortController();

  constructor(options: SkyClientOptions = {}) {
    this.urls = options.urls === undefined ? resolveApiUrls(options.url) : endpointsOf(options.urls);
    const token = resolveApiToken(options.token);
    const explicit = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
    // An Authorization header given in `headers` wins over the token.
    this.headers = token && !explicit ? { ...options.headers, authorization: `Bearer ${token}` } : { ...options.headers };
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.http = this.urls.map(() => undefined);
  }

  /** The GraphQL endpoint of the server in use: the one the next request goes to first. */
  get url(): string {
    return this.urls[this.active];
  }

  /** The WebSocket URL of the server in use. */
  get wsUrl(): string {
    return this.url.replace(/^http/, 'ws');
  }

  /** Runs a query or mutation; failures are thrown as the classes of ./errors.ts. */
  async request<T>(document: string, variables: Variables): Promise<T> {
    return (await this.requestWithExtensions<T>(document, variables)).data;
  }

  /**
   * As request(), with the response's `extensions` too (where the server puts warnings). Starts
   * with the server in use; on a connection failure, goes on to the next as ./failover.ts allows,
   * each server at most once, and stays with the one that answered.
   */
  async requestWithExtensions<T>(document: string, variables: Variables): Promise<Result<T> & { data: T }> {
    const operation = operationType(document);
    const start = this.active;
    const failures: ConnectionError[] = [];
    for (let tried = 0; tried < this.urls.length; tried++) {
      const at = (start + tried) % this.urls.length;
      try {
        const signal = this.requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(this.requestTimeoutMs);
        const { data, extensions } = await this.httpClient(at).rawRequest<T>({ query: document, variables, signal });
        this.active = at;
        return { data, extensions: extensions as Result<T>['extensions'] };
      } catch (error) {
        const failure = this.translate(error, at);
        if (!(failure instanceof ConnectionError)) throw failure;
        this.moveOn(at);
        // A mutation that may have reached this server is not sent to another (./failover.ts).
        if (failoverDecision(operation, error) === 'surface') {
          throw new ConnectionError(failure.url, failure.unreachable[0].reason, { cause: error, mayHaveBeenApplied: true });
        }
        failures.push(failure);
      }
    }
    throw ConnectionError.ofAll(failures);
  }

  /**
   * Runs a watch subscription (its root field aliased `event`) from `resourceVersion` and keeps it
   * running across dropped connections: after a drop it subscribes again, on the next server when
   * there are several, from the resourceVersion of the last event it yielded (BOOKMARKs
   * included), which the server answers with every later change exactly once. Errors from the
   * server (GONE among them) end it; so does a connection that stays down longer than
   * `reconnectTimeoutMs`, or that no server gives at the first attempt (ConnectionError);
   * `signal` and close() end it normally.
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
    /** Attempts in a row that reached no server. */
    let unreached = 0;
    for (;;) {
      const connectionsBefore = this.connections;
      const wasConnected = this.socket?.state === 'connected';
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
      // The give-up clock runs only while attempts fail to reach a server at all; an attempt
      // that did (the socket was up, or events arrived) was a working watch that dropped. A watch
      // that reached no server, trying each once, fails at once, like a query would.
      if (delivered || wasConnected || this.connections > connectionsBefore) {
        reachedOnce = true;
        failingSince = undefined;
        unreached = 0;
      } else {
        unreached++;
      }
      failingSince ??= Date.now();
      // A server not yet tried since the last one that answered is tried at once.
      const untried = unreached % this.urls.length !== 0;
      if (lost && ((!reachedOnce && !untried) || Date.now() - failingSince > this.reconnectTimeoutMs)) throw lost;
      if (untried) continue;
      // The delay grows until events flow again, so servers that keep ending the stream at once
      // (or refusing it) are not hammered.
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
   * resume from, such as a log follow. Until its first result it may start again on the next
   * server, having delivered nothing that could repeat. Ends when the server completes it, or
   * normally on `signal` and close().
   */
  async *subscription<T>(document: string, variables: Variables, signal?: AbortSignal): AsyncGenerator<Result<T>> {
    const stop = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    for (let attempt = 1; ; attempt++) {
      let received = false;
      try {
        for await (const result of this.subscribe<T>(document, variables, stop)) {
          received = true;
          yield result;
        }
        return;
      } catch (error) {
        if (!(error instanceof ConnectionError) || received || attempt >= this.urls.length || stop.aborted) throw error;
      }
    }
  }

  /** Ends every watch and closes the WebSocket. HTTP needs no closing. */
  async close(): Promise<void> {
    this.closing.abort();
    const socket = this.socket;
    this.socket = undefined;
    await socket?.client.dispose();
  }

  /**
   * One subscription on the shared socket, as an iterable of its results. It ends when the server
   * completes it or `signal` aborts, and throws ConnectionError when the socket goes away (the
   * next attempt then goes to the next server) and the server's own error (as ./errors.ts
   * classes) when it sends one.
   */
  private async *subscribe<T>(query: string, variables: Variables, signal: AbortSignal): AsyncGenerator<Result<T>> {
    if (signal.aborted) return;
    const socket = this.socketToUse();
    const ws = socket.client;
    const results = new Channel<Result<T>>();
    const unsubscribe = ws.subscribe<T>(
      { query, variables },
      {
        next: (result: FormattedExecutionResult<T>) =>
          result.errors?.length
            ? results.fail(errorFromGraphQL(result.errors))
            : results.push({ data: result.data ?? undefined, extensions: result.extensions }),
        error: (error: unknown) =>
          results.fail(Array.isArray(error) ? errorFromGraphQL(error as GraphQLFormattedError[]) : this.connectionError(error, socket.at)),
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
        // A server that dropped the socket, or never gave one, is likely going away; its watches
        // resume on the next server, from a version every server of the installation knows.
        this.moveOn(socket.at);
        results.fail(this.connectionError(socketError ?? event, socket.at));
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

  /**
   * The socket of the server in use. A socket to another one is kept while it is up or coming up,
   * so working watches are not cut because requests moved on; once down, it is replaced.
   */
  private socketToUse(): Socket {
    const current = this.socket;
    if (current && (current.at === this.active || current.state !== 'closed')) return current;
    void current?.client.dispose();
    const headers = this.headers;
    // The upgrade request carries the same headers as HTTP requests, so the server's plugins
    // (authentication among them) see a WebSocket client exactly as they see an HTTP one.
    class WebSocketWithHeaders extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    const at = this.active;
    // 'connecting' from the start: the caller subscribes on it at once.
    const socket: Socket = {
      at,
      state: 'connecting',
      client: createClient({
        url: this.urls[at].replace(/^http/, 'ws'),
        webSocketImpl: WebSocketWithHeaders,
        // A browser's WebSocket sends no headers: the token goes in connection_init as well
        // (the server takes a header first, when there is one).
        connectionParams: authorization === undefined ? undefined : { authorization },
        // No retries inside graphql-ws: it would re-subscribe with the original variables; watch()
        // reconnects itself, from the last resourceVersion it delivered.
        retryAttempts: 0,
        // Kept a few seconds after its last subscription ends: a program that ends one watch
        // and starts the next (a page changing views) would otherwise race the socket's close.
        lazyCloseTimeout: 5_000,
        on: {
          connecting: () => (socket.state = 'connecting'),
          connected: () => {
            this.connections++;
            socket.state = 'connected';
          },
          closed: () => (socket.state = 'closed'),
        },
      }),
    };
    this.socket = socket;
    return socket;
  }

  private httpClient(at: number): GraphQLClient {
    return (this.http[at] ??= new GraphQLClient(this.urls[at], { headers: this.headers }));
  }

  /** Server `at` failed: the next one is in use, unless another failure has moved on already. */
  private moveOn(at: number): void {
    if (this.active === at) this.active = (at + 1) % this.urls.length;
  }

  private connectionError(cause: unknown, at: number): ConnectionError {
    return new ConnectionError(this.urls[at], networkReason(cause), { cause });
  }

  private translate(error: unknown, at: number): unknown {
    const url = this.urls[at];
    if (error instanceof ClientError) {
      const errors = error.response.errors;
      if (errors?.length) return errorFromGraphQL(errors);
      return new ApiError(
        `${url} answered HTTP ${error.response.status} without a GraphQL result: is it a Sky Manager API server's GraphQL endpoint? ` +
          '(It is at /graphql, e.g. http://127.0.0.1:50051/graphql; a base URL such as http://127.0.0.1:50051 works too.)',
      );
    }
    // fetch reports every network failure (refused, DNS, reset) as a TypeError with the cause.
    if (error instanceof TypeError && error.cause !== undefined) return this.connectionError(error, at);
    // requestTimeoutMs ran out.
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return new ConnectionError(url, `no answer within ${this.requestTimeoutMs} ms`, { cause: error });
    }
    return error;
  }
}

/** `urls` as GraphQL endpoints; an empty list is refused rather than read as "the default". */
function endpointsOf(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new ApiAddressError('urls is empty: give at least one API server');
  return apiEndpoints(urls.join(','));
}
