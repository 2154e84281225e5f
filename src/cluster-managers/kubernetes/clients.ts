/**
 * The API clients of one member cluster, with two things client-node does not do by itself:
 *
 * - Every request can be aborted: by close() (the Skylet stops) or after a timeout, so a hung
 *   API server makes a probe fail instead of stalling the Skylet's loops forever.
 * - Connections are reused. client-node builds a new TLS agent for every request, so each call
 *   would pay a handshake; status and capacity run every second or so per cluster, so one
 *   keep-alive agent per cluster, with the same TLS material, takes most of that load away.
 */
import http from 'node:http';
import https from 'node:https';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  ServerConfiguration,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export interface ClientOptions {
  /** Aborts every request in flight and every later one. */
  signal: AbortSignal;
  /** Per request. */
  timeoutMs: number;
}

export interface Clients {
  core: CoreV1Api;
  batch: BatchV1Api;
  apps: AppsV1Api;
  /** Closes the kept-alive connections. */
  destroy(): void;
}

export function createClients(kubeConfig: KubeConfig, server: string, options: ClientOptions): Clients {
  let shared: http.Agent | undefined;
  const middleware = {
    async pre(context: RequestContext): Promise<RequestContext> {
      context.setSignal(AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]));
      const agent = context.getAgent();
      // Only plain agents are replaced: a proxy agent (kubeconfig proxy-url) is left as it is.
      if (!shared && agent?.constructor === https.Agent) shared = new https.Agent({ ...(agent as https.Agent).options, keepAlive: true });
      if (!shared && agent?.constructor === http.Agent) shared = new http.Agent({ keepAlive: true });
      if (shared && (agent?.constructor === https.Agent || agent?.constructor === http.Agent)) context.setAgent(shared);
      return context;
    },
    async post(context: ResponseContext): Promise<ResponseContext> {
      return context;
    },
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [middleware],
  });
  return {
    core: new CoreV1Api(configuration),
    batch: new BatchV1Api(configuration),
    apps: new AppsV1Api(configuration),
    destroy: () => shared?.destroy(),
  };
}
