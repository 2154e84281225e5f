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
 * A message counts as sent once it is queued on the socket: its callback runs at once, not when
 * the kernel has taken its bytes. graphql-ws awaits that callback before a subscription's next
 * message, so a client that stopped reading used to stall every one of its subscriptions, and
 * their store events piled up unseen in one queue per subscription, for as long as the client
 * kept the socket open. Now what a slow client has not read piles up in one place, the socket's
 * buffer (`bufferedAmount`), and is measured once per tick, at the first message, before it is
 * corked: when more than `maxBacklogBytes` are still unsent from earlier ticks, `onBacklog` runs
 * once, and nothing more is sent on that connection (as kube-apiserver stops a watcher that
 * cannot keep up). A burst larger than the bound is fine as long as the client reads it: only
 * bytes left over at the next tick count. Queue order is send order, so messages stay in order.
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

export function batchWritesPerTick(wss: WebSocketServer, { maxBacklogBytes = 0, onBacklog }: WriteBatchingOptions = {}): void {
  const bound = maxBacklogBytes > 0 ? maxBacklogBytes : Infinity;
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // The upgrade request's socket is the connection's TCP socket, the one `ws` writes to.
    const tcp = request.socket;
    const send = socket.send.bind(socket) as (data: unknown, options?: object) => void;
    let corked = false;
    let over = false;
    const uncork = () => {
      corked = false;
      tcp.uncork();
    };
    socket.send = ((data: unknown, options?: object | SendCallback, cb?: SendCallback) => {
      const callback = typeof options === 'function' ? options : cb;
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
      callback?.();
    }) as WebSocket['send'];
  });
}
