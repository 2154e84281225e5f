/**
 * Starting and stopping the processes' HTTP servers (the API server, the Skylet endpoint, the
 * controller manager's metrics) the same way: a listen that fails (a port in use) rejects instead
 * of throwing from an event, and a stop that cuts open connections (watches, log follows) rather
 * than waiting for them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on host:port (0: a free one) and returns the port bound. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and closes every connection at once. */
export async function closeNow(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
