/**
 * ConnectionLimits with fake connections: each cap refuses with a message naming the limit, the
 * count and the setting; completed subscriptions and closed connections free their slots; slots
 * of subscriptions the transport forgot without saying so are reclaimed at the cap.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionLimits, LimitedConnection, type Refusal, type WebSocketLimits } from '../../../src/server/websocket-limits.js';

const limits = (caps: Partial<WebSocketLimits> = {}) =>
  new ConnectionLimits({ subscriptionsPerConnection: 0, subscriptionsPerUser: 0, connectionsPerUser: 0, connections: 0, ...caps });

function connect(limiter: ConnectionLimits, owner: { user: string } | { address: string } = { address: '10.0.0.7' }): LimitedConnection {
  const connection = limiter.open();
  if (!(connection instanceof LimitedConnection)) throw new Error(`refused: ${connection.message}`);
  expect(limiter.identify(connection, owner)).toBeUndefined();
  return connection;
}

/** Subscribes `count` fresh slots; returns them. */
function subscribe(limiter: ConnectionLimits, connection: LimitedConnection, count: number, prefix = 's'): object[] {
  return Array.from({ length: count }, (_, i) => {
    const slot = {};
    expect(limiter.subscribe(connection, slot, `${prefix}${i}`)).toBeUndefined();
    return slot;
  });
}

describe('ConnectionLimits', () => {
  it('refuses a subscription over the per-connection cap, naming limit, count and setting', () => {
    const limiter = limits({ subscriptionsPerConnection: 3 });
    const connection = connect(limiter);
    subscribe(limiter, connection, 3);
    expect(limiter.subscribe(connection, {}, 'x')).toEqual<Refusal>({
      setting: 'max-subscriptions-per-connection',
      limit: 3,
      count: 3,
      message: 'This connection has 3 subscriptions; at most 3 are allowed (--max-subscriptions-per-connection).',
    });
    // Another connection of the same address has its own slots.
    subscribe(limiter, connect(limiter), 3);
    expect(limiter.subscriptionCount).toBe(6);
  });

  it('frees a slot when its subscription completes, once', () => {
    const limiter = limits({ subscriptionsPerConnection: 2 });
    const connection = connect(limiter);
    const [first] = subscribe(limiter, connection, 2);
    limiter.complete(connection, first);
    limiter.complete(connection, first); // a second report of the same end changes nothing
    expect(limiter.subscriptionCount).toBe(1);
    subscribe(limiter, connection, 1, 'again');
    expect(limiter.subscribe(connection, {}, 'x')?.setting).toBe('max-subscriptions-per-connection');
  });

  it('caps a user over all their connections, and frees the slots of a closed one', () => {
    const limiter = limits({ subscriptionsPerConnection: 10, subscriptionsPerUser: 4 });
    const a = connect(limiter, { user: 'alice' });
    const b = connect(limiter, { user: 'alice' });
    const bob = connect(limiter, { user: 'bob' });
    subscribe(limiter, a, 3);
    subscribe(limiter, b, 1);
    expect(limiter.subscribe(b, {}, 'x')?.message).toBe('User "alice" has 4 subscriptions; at most 4 are allowed (--max-subscriptions-per-user).');
    subscribe(limiter, bob, 4); // another user is not affected
    limiter.close(a);
    subscribe(limiter, b, 3, 'after');
    expect(limiter.subscribe(b, {}, 'y')?.count).toBe(4);
    expect(limiter.subscriptionCount).toBe(8);
  });

  it('names an address when the connection has no user', () => {
    const limiter = limits({ subscriptionsPerUser: 1 });
    const connection = connect(limiter, { address: '::1' });
    subscribe(limiter, connection, 1);
    expect(limiter.subscribe(connection, {}, 'x')?.message).toBe('Address ::1 has 1 subscription; at most 1 is allowed (--max-subscriptions-per-user).');
  });

  it('reclaims, at the cap, the slots of subscriptions the transport no longer runs', () => {
    const limiter = limits({ subscriptionsPerConnection: 2, subscriptionsPerUser: 3 });
    const running = new Set(['s0', 's1']);
    const connection = connect(limiter);
    connection.isActive = (id) => running.has(id);
    subscribe(limiter, connection, 2);
    running.delete('s0'); // ended without a complete (graphql-ws: an operation it could not identify)
    expect(limiter.subscribe(connection, {}, 'next')).toBeUndefined();
    expect(limiter.subscriptionCount).toBe(2);

    // The per-user cap sweeps every connection of the user.
    const other = connect(limiter);
    const ids = new Set(['o0']);
    other.isActive = (id) => ids.has(id);
    subscribe(limiter, other, 1, 'o');
    running.add('next');
    ids.clear();
    expect(limiter.subscribe(connection, {}, 'more')?.setting).toBe('max-subscriptions-per-connection');
    expect(limiter.subscribe(other, {}, 'o1')).toBeUndefined();
    expect(limiter.subscriptionCount).toBe(3);
  });

  it('caps connections per user and in all; a refused or closed connection frees its place', () => {
    const limiter = limits({ connectionsPerUser: 2, connections: 3 });
    const first = connect(limiter, { user: 'alice' });
    connect(limiter, { user: 'alice' });
    const third = limiter.open() as LimitedConnection;
    expect(limiter.identify(third, { user: 'alice' })).toEqual<Refusal>({
      setting: 'max-websocket-connections-per-user',
      limit: 2,
      count: 2,
      message: 'User "alice" has 2 WebSocket connections; at most 2 are allowed (--max-websocket-connections-per-user).',
    });
    expect(limiter.open()).toMatchObject({
      setting: 'max-websocket-connections',
      message: 'The server has 3 WebSocket connections; at most 3 are allowed (--max-websocket-connections).',
    });
    limiter.close(third);
    limiter.close(third); // closing twice frees once
    limiter.close(first);
    expect(limiter.connectionCount).toBe(1);
    connect(limiter, { user: 'alice' });
    connect(limiter, { user: 'bob' });
    expect(limiter.open()).toMatchObject({ setting: 'max-websocket-connections', count: 3 });
  });

  it('treats 0 as no limit', () => {
    const limiter = limits();
    const connection = connect(limiter);
    subscribe(limiter, connection, 5_000);
    expect(limiter.subscriptionCount).toBe(5_000);
  });

  it('ignores subscriptions on a connection already closed', () => {
    const limiter = limits({ subscriptionsPerConnection: 1 });
    const connection = connect(limiter);
    const [slot] = subscribe(limiter, connection, 1);
    limiter.close(connection);
    expect(limiter.subscribe(connection, {}, 'late')).toBeUndefined();
    limiter.complete(connection, slot);
    expect(limiter.subscriptionCount).toBe(0);
    expect(limiter.connectionCount).toBe(0);
  });
});
