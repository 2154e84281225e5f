/**
 * One socket write per connection per tick, instead of one per message, and a bound on what a
 * connection may leave unsent.
 *
 * A store change reaches every subscription on a connection within the same tick (a thousand
 * subscribers over a hundred connections: ten messages per connection per change), and `ws`
 * writes each message at once, a syscall each; at 1,000 subscribers those writes were a tenth of
 * the server's CPU. Corking the connection's socket at its first message of a tick and uncorking
 * on the next tick hands the kernel all of that tick's frames in one writev. Nothing waits longer
 * than the microtasks already queued.
 *
 * A message counts as sent once it is queued on the socket: its callback runs then, not when the
 * kernel has taken its bytes. graphql-ws awaits that callback before a subscription's next
 * message, so a client that stopped reading used to stall every one of its subscriptions, and
 * their store events piled up unseen in one queue per subscription, for as long as the client
 * kept the socket open. Now what a slow client has not read piles up in one place, the socket's
 * buffer (`bufferedAmount`), and is measured once per tick, at the first message, before it is
 * corked: when more than `maxBacklogBytes` are still unsent from earlier ticks, `onBacklog` runs
 * once, and nothing more is sent on that connection (as kube-apiserver stops a watcher that
 * cannot keep up). A burst larger than the bound is fine as long as the client reads it: only
 * bytes left over at the next tick count. Queue order is send order, so messages stay in order.
 *
 * Those callbacks are also where a flood yields. A subscription's messages are produced in a chain
 * of microtasks (event, result, send, callback, next event), so a watch whose snapshot holds
 * thousands of objects, or a hundred such watches on one socket, ran to the end in one turn of the
 * event loop while every other client waited (seconds, bench/README.md). After MESSAGES_PER_TICK
 * messages in one tick, a connection's further callbacks wait for the event loop to turn
 * (setImmediate): other requests are served in between. The fan-out of a store change, one
 * message per subscription (at most 100 on a connection by default), stays below that count.
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

/** Messages a connection queues in one tick before their senders wait for the event loop to turn. */
export const MESSAGES_PER_TICK = 256;

export function batchWritesPerTick(wss: WebSocketServer, { maxBacklogBytes = 0, onBacklog }: WriteBatchingOptions = {}): void {
  const bound = maxBacklogBytes > 0 ? maxBacklogBytes : Infinity;
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // The upgrade request's socket is the connection's TCP socket, the one `ws` writes to.
    const tcp = request.socket;
    const send = socket.send.bind(socket) as (data: unknown, options?: object) => void;
    let corked = false;
    let over = false;
    let inTick = 0;
    let waiting: SendCallback[] = [];
    const release = () => {
      const callbacks = waiting;
      waiting = [];
      for (const callback of callbacks) callback();
    };
    const uncork = () => {
      corked = false;
      inTick = 0;
      tcp.uncork();
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
      if (!over) send(data, typeof options === 'function' ? undefined : options);
      if (!callback) return;
      if (++inTick <= MESSAGES_PER_TICK) return callback();
      if (waiting.push(callback) === 1) setImmediate(release);
    }) as WebSocket['send'];
  });
}
