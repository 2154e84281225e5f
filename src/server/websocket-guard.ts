/**
 * The WebSocket endpoint's protection against callers who take too much: the caps of
 * ./websocket-limits.ts applied to graphql-ws's connections and subscriptions, and the cut-off of
 * clients that stop reading (./ws-write-batching.ts measures their backlog).
 *
 * What a client sees:
 * - a subscription over a cap: one `error` message, code TOO_MANY_SUBSCRIPTIONS, whose message
 *   names the limit, the count and the setting; the socket stays up (as refusals by useAuth do);
 * - a connection over a cap: closed with 1013 (Try Again Later) and the same kind of message as
 *   the close reason, when it opens (all connections) or at connection_init (per user);
 * - a client that leaves more than --max-send-buffer-bytes unread: closed with 1008 (Policy
 *   Violation). The close frame waits behind what is unread; a client that still does not read
 *   is dropped after the close timeout (CLOSE_TIMEOUT_MS). Either way the subscriptions end, and
 *   with them their store watches. The typed client and `skym get --watch` then resume from the
 *   last resourceVersion they received, as after any dropped connection.
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ApiServerConfig } from '../config/api-server.js';
import type { Authentication } from './auth/authenticate.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Logger } from './logger.js';
import { ConnectionLimits, LimitedConnection, type Owner, type Refusal, type WebSocketLimits } from './websocket-limits.js';
import { batchWritesPerTick } from './ws-write-batching.js';

export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';
/** RFC 6455: the server is overloaded for now. */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** RFC 6455: the client broke a rule of the server's (here: it does not read what it asked for). */
export const CLOSE_POLICY_VIOLATION = 1008;
/** How long a closing client gets to answer the close frame before its socket is destroyed (ws's closeTimeout). */
export const CLOSE_TIMEOUT_MS = 5_000;
/** RFC 6455 close reasons are at most 123 bytes. */
const MAX_CLOSE_REASON_BYTES = 123;

export interface WebSocketGuardOptions {
  limits: WebSocketLimits;
  /** Unread bytes a connection may hold; 0: no bound. */
  maxSendBufferBytes: number;
  /** When authentication is on (token file, OIDC): connections then count per user name. */
  authenticator?: Authenticator;
  logger: Logger;
}

/** graphql-ws hooks; ctx.extra is what graphql-ws's `ws` adapter puts there. */
type WsContext = Context<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>;

export interface WebSocketGuard {
  /** graphql-ws onConnect: false when the connection is refused (it is being closed). */
  onConnect(ctx: WsContext): boolean | Promise<boolean>;
  /** The first step of graphql-ws onSubscribe: the refusal to return, or undefined to go on. */
  onSubscribe(ctx: WsContext, id: string, payload: SubscribePayload): readonly GraphQLError[] | undefined;
  /** graphql-ws onComplete. */
  onComplete(ctx: WsContext, id: string, payload: SubscribePayload): void;
  /** Open connections and the subscriptions counted on them. */
  readonly counts: { connections: number; subscriptions: number };
}

/** The guard's settings in the server's config (src/config/api-server.ts). */
export function webSocketSettings(config: ApiServerConfig): Pick<WebSocketGuardOptions, 'limits' | 'maxSendBufferBytes'> {
  return {
    limits: {
      subscriptionsPerConnection: config.maxSubscriptionsPerConnection,
      subscriptionsPerUser: config.maxSubscriptionsPerUser,
      connectionsPerUser: config.maxWebsocketConnectionsPerUser,
      connections: config.maxWebsocketConnections,
    },
    maxSendBufferBytes: config.maxSendBufferBytes,
  };
}

function closeReason(refusal: Refusal): string {
  if (Buffer.byteLength(refusal.message) <= MAX_CLOSE_REASON_BYTES) return refusal.message;
  return `At most ${refusal.limit} allowed (--${refusal.setting}).`; // a long user name
}

/** Call before graphql-ws's useServer, so every connection is counted before graphql-ws sees it. */
export function guardWebSockets(wss: WebSocketServer, { limits: caps, maxSendBufferBytes, authenticator, logger }: WebSocketGuardOptions): WebSocketGuard {
  const log = logger.child({ component: 'websocket' });
  const limits = new ConnectionLimits(caps);
  const connections = new WeakMap<WebSocket, LimitedConnection>();
  /** Connections whose refused subscriptions were logged already: one line each, not one per refusal. */
  const logged = new WeakSet<LimitedConnection>();
  const address = (request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown';

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const opened = limits.open();
    if (!(opened instanceof LimitedConnection)) {
      log.warn({ address: address(request), limit: opened.limit }, 'WebSocket connection refused: %s', opened.message);
      socket.close(CLOSE_TRY_AGAIN_LATER, closeReason(opened));
      return;
    }
    connections.set(socket, opened);
    socket.once('close', () => limits.close(opened));
  });

  batchWritesPerTick(wss, {
    maxBacklogBytes: maxSendBufferBytes,
    onBacklog: (socket, unsentBytes) => {
      const owner = connections.get(socket)?.owner?.name;
      log.warn({ owner, unsentBytes, limit: maxSendBufferBytes }, 'closing a WebSocket client that does not read what it is sent');
      socket.close(CLOSE_POLICY_VIOLATION, `This client has ${unsentBytes} bytes unread; at most ${maxSendBufferBytes} may wait (--max-send-buffer-bytes).`);
    },
  });

  const ownerOf = (ctx: WsContext, authentication: Authentication | undefined): Owner => {
    // Without a valid token nothing will run anyway (useAuth refuses it); the address counts.
    if (authentication && 'user' in authentication) return { user: authentication.user.name };
    return { address: address(ctx.extra.request) };
  };

  const identify = (ctx: WsContext, connection: LimitedConnection, authentication: Authentication | undefined): boolean => {
    const refused = limits.identify(connection, ownerOf(ctx, authentication));
    if (!refused) return true;
    log.warn({ address: address(ctx.extra.request), limit: refused.limit }, 'WebSocket connection refused: %s', refused.message);
    ctx.extra.socket.close(CLOSE_TRY_AGAIN_LATER, closeReason(refused));
    return false;
  };

  return {
    onConnect(ctx) {
      const connection = connections.get(ctx.extra.socket);
      if (!connection) return false; // refused when it opened
      // Every operation graphql-ws still runs is in ctx.subscriptions, whatever way the others ended.
      connection.isActive = (id) => id in ctx.subscriptions;
      // Also settles a JWT's verification for the connection before any of its operations is parsed.
      const authentication = authenticator?.authenticate({ req: ctx.extra.request, connectionParams: ctx.connectionParams });
      if (authentication instanceof Promise) return authentication.then((settled) => identify(ctx, connection, settled));
      return identify(ctx, connection, authentication);
    },

    onSubscribe(ctx, id, payload) {
      const connection = connections.get(ctx.extra.socket);
      const refused = connection && limits.subscribe(connection, payload, id);
      if (!refused) return undefined;
      if (!logged.has(connection)) {
        logged.add(connection);
        log.warn({ owner: connection.owner?.name, limit: refused.limit, setting: refused.setting }, 'subscriptions refused: %s', refused.message);
      }
      return [new GraphQLError(refused.message, { extensions: { code: TOO_MANY_SUBSCRIPTIONS, limit: refused.limit } })];
    },

    onComplete(ctx, _id, payload) {
      const connection = connections.get(ctx.extra.socket);
      if (connection) limits.complete(connection, payload);
    },

    get counts() {
      return { connections: limits.connectionCount, subscriptions: limits.subscriptionCount };
    },
  };
}
