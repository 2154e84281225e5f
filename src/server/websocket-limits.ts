/**
 * How many WebSocket connections, and how many subscriptions on them, one caller may hold: the
 * counting behind src/server/graphql-ws.ts, free of any socket so it can be tested with fakes.
 *
 * Four caps, each 0 for none:
 * - subscriptions per connection and per user: every operation the socket runs counts while it
 *   runs (a watch for its whole life, a query sent over the socket until it answers); a refused
 *   one gets an error, and the socket stays up;
 * - connections per user and in all: a refused connection is closed.
 * "User" is who the connection authenticates as (the token file's user name), else its remote
 * address: an open server, or a connection without a valid token.
 *
 * A subscription frees its slot when the transport reports it complete. graphql-ws does not
 * report every end (an operation it cannot identify, a failing execute), but it always forgets
 * the subscription in its own table; so at a cap, before refusing, the slots whose subscription
 * the connection no longer runs (`isActive`) are dropped. Counting costs O(1) per subscription;
 * that sweep runs only at a cap.
 */

/** The settings, named as the `skym server` flags that set them. */
export const SETTINGS = {
  subscriptionsPerConnection: 'max-subscriptions-per-connection',
  subscriptionsPerUser: 'max-subscriptions-per-user',
  connectionsPerUser: 'max-websocket-connections-per-user',
  connections: 'max-websocket-connections',
} as const;

export type WebSocketLimits = Record<keyof typeof SETTINGS, number>;

/** Who a connection counts against. */
export type Owner = { user: string } | { address: string };

export interface Refusal {
  /** The flag that sets the limit, without dashes. */
  setting: (typeof SETTINGS)[keyof typeof SETTINGS];
  limit: number;
  count: number;
  message: string;
}

interface OwnerRecord {
  key: string;
  /** `User "alice"` or `Address 10.0.0.7`, for messages. */
  name: string;
  connections: Set<LimitedConnection>;
  subscriptions: number;
}

/** One connection's share of the counts; made by ConnectionLimits.open. */
export class LimitedConnection {
  owner?: OwnerRecord;
  /** Slot (the subscribe message's payload object, unique per subscribe) → subscription id. */
  readonly slots = new Map<object, string>();
  closed = false;
  /** Whether the transport still runs the subscription with this id; set once it is known. */
  isActive: (id: string) => boolean = () => true;
}

const ownerKey = (owner: Owner) => ('user' in owner ? `user:${owner.user}` : `address:${owner.address}`);
const ownerName = (owner: Owner) => ('user' in owner ? `User "${owner.user}"` : `Address ${owner.address}`);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function refusal(setting: Refusal['setting'], limit: number, count: number, who: string, what: [string, string]): Refusal {
  const message = `${who} has ${plural(count, ...what)}; at most ${limit} ${limit === 1 ? 'is' : 'are'} allowed (--${setting}).`;
  return { setting, limit, count, message };
}

export class ConnectionLimits {
  private readonly max: WebSocketLimits;
  private readonly owners = new Map<string, OwnerRecord>();
  private openConnections = 0;

  constructor(limits: WebSocketLimits) {
    const cap = (n: number) => (n > 0 ? n : Infinity);
    this.max = {
      subscriptionsPerConnection: cap(limits.subscriptionsPerConnection),
      subscriptionsPerUser: cap(limits.subscriptionsPerUser),
      connectionsPerUser: cap(limits.connectionsPerUser),
      connections: cap(limits.connections),
    };
  }

  /** Open connections, and subscriptions counted on them (for tests and logs). */
  get connectionCount(): number {
    return this.openConnections;
  }

  get subscriptionCount(): number {
    let total = 0;
    for (const owner of this.owners.values()) total += owner.subscriptions;
    return total;
  }

  /** A new socket, before anyone is known; a refused one is not counted (close it). */
  open(): LimitedConnection | Refusal {
    if (this.openConnections >= this.max.connections) {
      return refusal(SETTINGS.connections, this.max.connections, this.openConnections, 'The server', ['WebSocket connection', 'WebSocket connections']);
    }
    this.openConnections++;
    return new LimitedConnection();
  }

  /** Says whom the connection counts against (once, when the client introduces itself). */
  identify(connection: LimitedConnection, owner: Owner): Refusal | undefined {
    if (connection.closed || connection.owner) return undefined;
    const key = ownerKey(owner);
    const record = this.owners.get(key) ?? { key, name: ownerName(owner), connections: new Set(), subscriptions: 0 };
    if (record.connections.size >= this.max.connectionsPerUser) {
      return refusal(SETTINGS.connectionsPerUser, this.max.connectionsPerUser, record.connections.size, record.name, ['WebSocket connection', 'WebSocket connections']);
    }
    record.connections.add(connection);
    this.owners.set(key, record);
    connection.owner = record;
    return undefined;
  }

  /** Takes a slot for a subscription, or says which cap refuses it. */
  subscribe(connection: LimitedConnection, slot: object, id: string): Refusal | undefined {
    if (connection.closed) return undefined; // its subscriptions end with it
    if (connection.slots.size >= this.max.subscriptionsPerConnection) this.sweep(connection);
    if (connection.slots.size >= this.max.subscriptionsPerConnection) {
      return refusal(SETTINGS.subscriptionsPerConnection, this.max.subscriptionsPerConnection, connection.slots.size, 'This connection', ['subscription', 'subscriptions']);
    }
    const owner = connection.owner;
    if (owner) {
      if (owner.subscriptions >= this.max.subscriptionsPerUser) for (const other of owner.connections) this.sweep(other);
      if (owner.subscriptions >= this.max.subscriptionsPerUser) {
        return refusal(SETTINGS.subscriptionsPerUser, this.max.subscriptionsPerUser, owner.subscriptions, owner.name, ['subscription', 'subscriptions']);
      }
      owner.subscriptions++;
    }
    connection.slots.set(slot, id);
    return undefined;
  }

  /** The subscription of this slot ended (completed, stopped by the client, failed). */
  complete(connection: LimitedConnection, slot: object): void {
    if (connection.slots.delete(slot) && connection.owner) connection.owner.subscriptions--;
  }

  /** The socket closed: all its slots and its connection are free. */
  close(connection: LimitedConnection): void {
    if (connection.closed) return;
    connection.closed = true;
    this.openConnections--;
    const owner = connection.owner;
    if (owner) {
      owner.subscriptions -= connection.slots.size;
      owner.connections.delete(connection);
      if (owner.connections.size === 0) this.owners.delete(owner.key);
    }
    connection.slots.clear();
  }

  /** Drops the slots of subscriptions the transport no longer runs. */
  private sweep(connection: LimitedConnection): void {
    for (const [slot, id] of connection.slots) if (!connection.isActive(id)) this.complete(connection, slot);
  }
}
