/**
 * The WebSocket limit flags of `skym server` and `skym up` (src/server/websocket-guard.ts), and the
 * config values they give; a flag not given falls through to its SKYM_* variable, then the default.
 */
import { Flags } from '@oclif/core';
import type { ConfigInput } from '../src/config.js';

const none = '0 for no limit';

export const websocketLimitFlags = {
  'max-subscriptions-per-connection': Flags.integer({
    min: 0,
    helpValue: 'N',
    description: `Subscriptions one WebSocket connection may run at once; more get TOO_MANY_SUBSCRIPTIONS (${none}). Default: $SKYM_MAX_SUBSCRIPTIONS_PER_CONNECTION, else 100.`,
  }),
  'max-subscriptions-per-user': Flags.integer({
    min: 0,
    helpValue: 'N',
    description: `Subscriptions one user (the token's user; without --token-auth-file, the remote address) may run at once over all their connections (${none}). Default: $SKYM_MAX_SUBSCRIPTIONS_PER_USER, else 1000.`,
  }),
  'max-websocket-connections-per-user': Flags.integer({
    min: 0,
    helpValue: 'N',
    description: `WebSocket connections one user or address may hold; more are closed with code 1013 (${none}). Default: $SKYM_MAX_WEBSOCKET_CONNECTIONS_PER_USER, else 100.`,
  }),
  'max-websocket-connections': Flags.integer({
    min: 0,
    helpValue: 'N',
    description: `WebSocket connections the server holds in all; more are closed with code 1013 (${none}). Default: $SKYM_MAX_WEBSOCKET_CONNECTIONS, else 1000.`,
  }),
  'max-send-buffer-bytes': Flags.integer({
    min: 0,
    helpValue: 'N',
    description: `Bytes a WebSocket client may leave unread; a client that stops reading is closed with code 1008 once it has more (${none}). Default: $SKYM_MAX_SEND_BUFFER_BYTES, else 16777216 (16 MiB).`,
  }),
};

type Parsed = { [K in keyof typeof websocketLimitFlags]?: number };

export function websocketLimitConfig(flags: Parsed): Partial<ConfigInput> {
  return {
    maxSubscriptionsPerConnection: flags['max-subscriptions-per-connection'],
    maxSubscriptionsPerUser: flags['max-subscriptions-per-user'],
    maxWebsocketConnectionsPerUser: flags['max-websocket-connections-per-user'],
    maxWebsocketConnections: flags['max-websocket-connections'],
    maxSendBufferBytes: flags['max-send-buffer-bytes'],
  };
}
