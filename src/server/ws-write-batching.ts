/**
 * One socket write per connection per tick, instead of one per message.
 *
 * A store change reaches every subscription on a connection within the same tick (a thousand
 * subscribers over a hundred connections: ten messages per connection per change), and `ws`
 * writes each message at once, a syscall each; at 1,000 subscribers those writes were a tenth of
 * the server's CPU. Corking the connection's socket at its first message of a tick and uncorking
 * on the next tick hands the kernel all of that tick's frames in one writev. Nothing waits longer
 * than the microtasks already queued.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

export function batchWritesPerTick(wss: WebSocketServer): void {
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // The upgrade request's socket is the connection's TCP socket, the one `ws` writes to.
    const tcp = request.socket;
    const send = socket.send.bind(socket);
    let corked = false;
    const uncork = () => {
      corked = false;
      tcp.uncork();
    };
    socket.send = ((...args: Parameters<WebSocket['send']>) => {
      if (!corked) {
        corked = true;
        tcp.cork();
        process.nextTick(uncork);
      }
      return send(...args);
    }) as WebSocket['send'];
  });
}
