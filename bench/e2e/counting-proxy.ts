/**
 * An HTTP pass-through on a free loopback port that counts the requests it forwards, by method
 * and path (numbers in the path become `{id}`): put in front of a slurmrestd, it tells how many
 * REST round trips the Slurm manager made, which slurmrestd itself does not report. One more
 * loopback hop per request; bodies are streamed, not buffered.
 */
import { Agent, createServer, request, type Server } from 'node:http';

export interface CountingProxy {
  /** http://127.0.0.1:PORT: use instead of the target's URL. */
  url: string;
  /** Requests forwarded so far, by "METHOD /path". */
  counts(): Map<string, number>;
  stop(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const counts = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    const key = `${incoming.method} ${(incoming.url ?? '/').split('?')[0].replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      // The caller sees a failed upstream as a 502 with the reason, as from any proxy.
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`counting proxy: ${error.message}`);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('counting proxy: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts: () => new Map(counts),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
