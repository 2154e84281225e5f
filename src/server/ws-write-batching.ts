/**
 * One socket write per connection per tick, instead of one per message, and a bound on what a
 * connection may leave unsent.
 *
 * A store change reaches every subscription on a connection within the same tick, and `ws`
 * writes each message at once, a syscall each. Corking the connection's socket at its first
 * message of a tick and uncorking on the next tick hands the kernel all of that tick's frames in
 * one writev. Nothing waits longer than the microtasks already queued.
 *
 * A message counts as sent once its tick's frames are handed to the socket: its callback runs
 * right after the uncork, not when the kernel has taken the bytes (graphql-ws awaits that callback
 * before a subscription's next message). So what a slow client has not read piles up in one
 * place, the socket's buffer (`bufferedAmount`), and is measured once per tick, at the first
 * message, before it is corked: when more than `maxBacklogBytes` are still unsent from earlier
 * ticks, `onBacklog` runs once, and nothing more is sent on that connection (as kube-apiserver
 * stops a watcher that cannot keep up). A burst larger than the bound is fine as long as the
 * client reads it: only bytes left over at the next tick count. Queue order is send order, so
 * messages stay in order.
 *
 * Those callbacks are also where a flood yields. A subscription's messages are produced in a chain
 * of microtasks and ticks (event, result, send, callback, next event), so a watch whose snapshot
 * holds thousands of objects would otherwise run to the end in one turn of the event loop while
 * every other client waits. Once a connection
 * has queued MESSAGES_PER_TURN messages since the event loop last turned, its callbacks wait for
 * the next turn (setImmediate): other requests are served in between. The fan-out of a store
 * change, one message per subscription (at most 100 on a connection by default), stays below it.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

export interface WriteBatchingOptions {
  /** Unsent bytes a connection may hold from earlier ticks; 0 or absent: no bound. */
  maxBacklogBytes?: number;
  /** Runs once for a connection over the bound (close it); its messages are dropped from then on. */
  onBacklog?: (socket: WebSocket, unsentBytes: number) => void;
}

type SendCallback = (error?: Error) => void;

/** Messages a connection queues between two turns of the event loop before its senders wait for the next. */
export const MESSAGES_PER_TURN = 256;

export function batchWritesPerTick(wss: WebSocketServer, { maxBacklogBytes = 0, onBacklog }: WriteBatchingOptions = {}): void {
  const bound = maxBacklogBytes > 0 ? maxBacklogBytes : Infinity;
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // The upgrade request's socket is the connection's TCP socket, the one `ws` writes to.
    const tcp = request.socket;
    const send = socket.send.bind(socket) as (data: unknown, options?: object) => void;
    let corked = false;
    let over = false;
    /** Callbacks of this tick's messages, run once its frames are handed over. */
    let flushed: SendCallback[] = [];
    /** Messages since the event loop last turned, and the callbacks waiting for it to turn. */
    let sinceTurn = 0;
    let held: SendCallback[] = [];
    const run = (callbacks: SendCallback[]) => {
      for (const callback of callbacks) callback();
    };
    const turned = () => {
      sinceTurn = 0;
      const callbacks = held;
      held = [];
      run(callbacks);
    };
    const uncork = () => {
      corked = false;
      tcp.uncork();
      const callbacks = flushed;
      flushed = [];
      if (sinceTurn <= MESSAGES_PER_TURN) run(callbacks);
      else for (const callback of callbacks) held.push(callback);
    };
    socket.send = ((data: unknown, options?: object | SendCallback, cb?: SendCallback) => {
      const callback = (typeof options === 'function' ? options : cb) as SendCallback | undefined;
      if (!corked && !over) {
        if (socket.bufferedAmount > bound) {
          over = true;
          onBacklog?.(socket, socket.bufferedAmount);
        } else {
          corked = true;
          tcp.cork();
          process.nextTick(uncork);
        }
      }
      if (over) return callback?.(); // dropped: the connection is being closed
      send(data, typeof options === 'function' ? undefined : options);
      if (sinceTurn++ === 0) setImmediate(turned);
      if (callback) flushed.push(callback);
    }) as WebSocket['send'];
  });
}
