/**
 * batchWritesPerTick on a real WebSocket server: messages sent in one tick leave in one socket
 * write, in order, and a connection is never left corked (later ticks still flush). A send's
 * callback runs once its tick's frames are handed to the socket, and after MESSAGES_PER_TURN
 * messages only once the event loop has turned; a client that stops reading is reported once its
 * unsent bytes pass the bound, and is sent nothing more, while one that reads bursts larger than
 * the bound is not.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { batchWritesPerTick, MESSAGES_PER_TURN, type WriteBatchingOptions } from '../../../src/server/ws-write-batching.js';

describe('batchWritesPerTick', () => {
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise((resolve) => wss?.close(resolve) ?? resolve(undefined));
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  async function connect(options?: WriteBatchingOptions) {
    server = createServer();
    wss = new WebSocketServer({ server });
    batchWritesPerTick(wss, options);
    const serverSide = new Promise<{ socket: WebSocket; tcp: Socket }>((resolve) => wss!.once('connection', (socket, request) => resolve({ socket, tcp: request.socket })));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    await new Promise((resolve) => client.once('open', resolve));
    return { ...(await serverSide), received, client };
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

  const KiB = 1024;
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const nextTick = () => new Promise((resolve) => process.nextTick(resolve));

  it('runs a send’s callback once its tick is handed to the socket, even when the client reads nothing', async () => {
    const { socket, client } = await connect();
    (client as unknown as { _socket: Socket })._socket.pause();
    const big = 'x'.repeat(256 * KiB);
    let called = 0;
    for (let i = 0; i < 64; i++) socket.send(big, () => called++); // 16 MiB: far more than the kernel takes
    expect(called).toBe(0);
    await nextTick();
    expect(called).toBe(64);
    expect(socket.bufferedAmount).toBeGreaterThan(0);
  });

  it('reports a client once when earlier ticks left more than the bound unsent, not while it reads', async () => {
    const reports: number[] = [];
    const { socket, client, received } = await connect({ maxBacklogBytes: 1024 * KiB, onBacklog: (_socket, bytes) => reports.push(bytes) });
    // Bursts four times the bound, read by the client: nothing is left over at the next tick.
    const chunk = 'y'.repeat(64 * KiB);
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 64; i++) socket.send(chunk);
      await until(() => received.length === round * 64);
    }
    expect(received).toHaveLength(3 * 64);
    expect(reports).toEqual([]);

    // The client stops reading: once the kernel's buffers are full, the bytes pile up here.
    (client as unknown as { _socket: Socket })._socket.pause();
    for (let i = 0; i < 400 && reports.length === 0; i++) {
      socket.send(chunk);
      await tick();
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toBeGreaterThan(1024 * KiB);
    const before = socket.bufferedAmount;
    let called = 0;
    for (let i = 0; i < 10; i++) {
      socket.send(chunk, () => called++);
      await tick();
    }
    expect(reports).toHaveLength(1);
    expect(called).toBe(10); // callbacks still run: graphql-ws must not hang on them
    expect(socket.bufferedAmount).toBe(before); // but nothing more is queued
  });

  it('holds callbacks until the event loop turns, once MESSAGES_PER_TURN messages were queued since it last did', async () => {
    const { socket, received } = await connect();
    const order: string[] = [];
    setImmediate(() => order.push('event loop'));
    for (let i = 0; i < 10; i++) socket.send(`a${i}`, () => order.push(`a${i}`));
    await nextTick();
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`)); // few: before the loop turns
    // More in further ticks of the same turn, past the count: held, then run in order.
    for (let i = 0; i < MESSAGES_PER_TURN; i++) socket.send(`b${i}`, () => order.push(`b${i}`));
    await nextTick();
    expect(order).toHaveLength(10);
    await until(() => received.length === MESSAGES_PER_TURN + 10);
    expect(received.slice(10)).toEqual(Array.from({ length: MESSAGES_PER_TURN }, (_, i) => `b${i}`));
    expect(order.slice(10)).toEqual(['event loop', ...Array.from({ length: MESSAGES_PER_TURN }, (_, i) => `b${i}`)]);
  });
});
