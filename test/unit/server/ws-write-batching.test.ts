/**
 * batchWritesPerTick on a real WebSocket server: messages sent in one tick leave in one socket
 * write, in order, and a connection is never left corked (later ticks still flush).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { batchWritesPerTick } from '../../../src/server/ws-write-batching.js';

describe('batchWritesPerTick', () => {
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise((resolve) => wss?.close(resolve) ?? resolve(undefined));
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  async function connect() {
    server = createServer();
    wss = new WebSocketServer({ server });
    batchWritesPerTick(wss);
    const serverSide = new Promise<{ socket: WebSocket; tcp: Socket }>((resolve) => wss!.once('connection', (socket, request) => resolve({ socket, tcp: request.socket })));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    await new Promise((resolve) => client.once('open', resolve));
    return { ...(await serverSide), received };
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('sends a tick’s messages in one write, in order, and flushes later ticks too', async () => {
    const { socket, tcp, received } = await connect();
    let writes = 0;
    const countWrites = <T extends (...args: never[]) => unknown>(fn: T) => ((...args: Parameters<T>) => (writes++, fn.apply(tcp, args))) as unknown as T;
    tcp._writev = countWrites(tcp._writev!);
    tcp._write = countWrites(tcp._write);

    for (let i = 0; i < 10; i++) socket.send(`first-${i}`);
    await until(() => received.length === 10);
    expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `first-${i}`));
    expect(writes).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 5));
    socket.send('later');
    await until(() => received.length === 11);
    expect(received.at(-1)).toBe('later');
    expect(writes).toBe(2);
  });
});
