/**
 * A local HTTP server standing in for a kube-apiserver endpoint in unit tests, with a KubeConfig
 * pointing at it (bearer token `token`). `handle` answers every request; tests swap what it does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface FakeApiServer {
  kubeConfig: KubeConfig;
  close(): Promise<void>;
}

export async function startFakeApiServer(handle: (req: IncomingMessage, res: ServerResponse) => void, token = 't'): Promise<FakeApiServer> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return {
    kubeConfig,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
