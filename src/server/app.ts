/**
 * buildApp: the API server as one HTTP server carrying GraphQL over HTTP (Yoga, GraphiQL in a
 * browser) and over WebSocket (graphql-ws), both at /graphql, the web console at /console, plus
 * /healthz, /readyz and /metrics.
 * Cross-cutting behaviour is in useX plugins; this file only wires them.
 */
import { createServer } from 'node:http';
import { closeNow, listen } from '../http/listen.js';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import type { ApiServerConfig } from '../config/api-server.js';
import type { ResolverContext } from '../resolvers/context.js';
import { ensureDefaultNamespace } from '../resolvers/namespace.js';
import { ensureBootstrapRbac } from './auth/bootstrap-rbac.js';
import { RbacSource } from './auth/rbac-source.js';
import { buildSchema } from '../schema/index.js';
import type { Store } from '../storage/store.js';
import { mountGraphQLWs, type GraphQLWsHandle } from './graphql-ws.js';
import { webSocketSettings } from './websocket-guard.js';
import { createLogger, yogaLogger, type Logger } from './logger.js';
import { useDomainErrors } from './use-domain-errors.js';
import { useInputErrorCodes } from './use-input-error-codes.js';
import { useRestView } from './use-rest-view.js';
import { useWarnings } from './use-warnings.js';
import { useRequestBodyLimit } from './use-request-body-limit.js';
import { useCompiledExecution } from './use-compiled-execution.js';
import { useSharedSubscriptionResults } from './use-shared-subscription-results.js';
import { renderGraphiQLPage, SKY_EXAMPLE_OPERATIONS } from './graphiql-page.js';
import { graphiqlAssetUrls, useGraphiQLAssets } from './use-graphiql-assets.js';
import { useLandingRedirect } from './use-landing-redirect.js';
import { CONSOLE_PATH, consoleBuilt, useConsole } from './use-console.js';
import { createAuthenticator } from './auth/authenticator.js';
import type { JwtVerifier } from './auth/oidc.js';
import type { TokenTable } from './auth/token-file.js';
import { useAuth } from './auth/use-auth.js';
import { useAuthenticateFirst } from './auth/use-authenticate-first.js';
import { useDocumentLimits } from './use-document-limits.js';
import { useJsonDepthLimit } from './use-json-depth-limit.js';
import { useUnreadableParams } from './use-unreadable-params.js';
import type { Registry } from 'prom-client';
import { createApiServerMetrics, storeWriteObserver, subscriptionObserver } from '../metrics/api-server-metrics.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { WriteTimedStore } from '../storage/write-timed-store.js';
import { useMetricsEndpoint } from './use-metrics-endpoint.js';
import { useRequestMetrics } from './use-request-metrics.js';

export interface AppOptions {
  config: ApiServerConfig;
  store: Store;
  /** Defaults to a logger at config.logLevel. */
  logger?: Logger;
  /**
   * The token file's table (src/server/auth/token-file.ts): every operation then needs one of
   * its tokens (or an OIDC token, with `jwt`) and the groups for its root fields. Absent, with
   * `jwt` absent too: no authentication, the server is open.
   */
  tokens?: TokenTable;
  /** Verifies OIDC JWTs (src/server/auth/oidc.ts); with it too, every operation needs a token. */
  jwt?: JwtVerifier;
  /** Sent to Skylet endpoints when reading logs (src/domain/skylet-token.ts). */
  skyletToken?: string;
  /**
   * Where /metrics reads from (src/metrics/). Default: a registry of this app's own, without
   * process metrics (the process's root adds those, src/roots/api-server.ts).
   */
  metricsRegistry?: Registry;
}

export interface App {
  start(): Promise<void>;
  /** Stops accepting, ends subscriptions and connections. The store is the caller's to close. */
  stop(): Promise<void>;
  /** The bound port (the real one when configured as 0); valid after start(). */
  readonly port: number;
  /** http://host:port/graphql */
  readonly url: string;
}

export function buildApp({
  config,
  store: backend,
  logger = createLogger(config.logLevel),
  tokens,
  jwt,
  skyletToken,
  metricsRegistry = createMetricsRegistry({ processMetrics: false }),
}: AppOptions): App {
  const authenticator = tokens || jwt ? createAuthenticator({ tokens, jwt }) : undefined;
  const metrics = createApiServerMetrics(metricsRegistry);
  // Every write of the server goes through here, so its latency is the store's as callers see it.
  const store = new WriteTimedStore(backend, storeWriteObserver(metrics));
  const context: ResolverContext = { store, bookmarkIntervalMs: config.bookmarkIntervalMs, skyletToken, skyletAllowLinkLocal: config.skyletAllowLinkLocal };
  const yoga = createYoga<object, ResolverContext>({
    schema: buildSchema(),
    context,
    logging: yogaLogger(logger),
    healthCheckEndpoint: '/healthz',
    graphiql: { subscriptionsProtocol: 'WS', title: 'Sky Manager' },
    // Its assets from this server (useGraphiQLAssets), not a CDN: GraphiQL works offline.
    renderGraphiQL: renderGraphiQLPage({ assets: graphiqlAssetUrls(), query: SKY_EXAMPLE_OPERATIONS }),
    landingPage: false,
    // Off unless origins are configured (src/config/api-server.ts). Off also spares every request Yoga's
    // response hook, about 8% of a small mutation's CPU.
    cors: config.corsAllowedOrigins.length === 0 ? false : { origin: config.corsAllowedOrigins, credentials: true },
    // Replaced by useRequestBodyLimit, which trusts Content-Length instead of streaming every body.
    maxRequestBodySize: false,
    plugins: [
      // Public and static, like the GraphiQL page itself (served before every plugin).
      useLandingRedirect(consoleBuilt() ? `${CONSOLE_PATH}/` : undefined),
      useGraphiQLAssets(),
      useConsole(),
      // Before the GraphQL plugins, like /healthz; it checks its own callers (see the file).
      useMetricsEndpoint({ registry: metricsRegistry, authenticator, authorizer: () => rbac?.current(), open: config.metricsOpen }),
      // Before useAuthenticateFirst and useAuth, so that the requests they refuse count too.
      useRequestMetrics({ metrics }),
      // Before anything the caller sent is read, parsed or validated.
      ...(authenticator ? [useAuthenticateFirst({ authenticator, logger })] : []),
      // Replaces Yoga's JSON body parser, so before useRequestBodyLimit, which wraps the parser.
      useJsonDepthLimit(config.maxJsonDepth),
      useRequestBodyLimit(),
      useUnreadableParams(),
      // Before the document is parsed (length, tokens) and before it is validated (the rest).
      useDocumentLimits(config),
      // First of the operation plugins: a refused operation costs nothing further.
      ...(authenticator ? [useAuth({ authenticator, logger, authorizer: () => rbac?.current() })] : []),
      useCompiledExecution(),
      useInputErrorCodes(),
      useDomainErrors(),
      useRestView(),
      useWarnings(),
      // Last with an onSubscribe hook: it runs the subscription and stops there (see the file).
      useSharedSubscriptionResults({ logger, observer: subscriptionObserver(metrics) }),
      useReadinessCheck({
        endpoint: '/readyz',
        // Ready when the store answers (etcd reachable, lowdb file loaded). The reason goes to
        // the log, not into the response.
        check: async () => {
          try {
            await store.currentResourceVersion();
            return true;
          } catch (error) {
            logger.warn({ err: error }, 'not ready: the store does not answer');
            return false;
          }
        },
      }),
    ],
  });

  let rbac: RbacSource | undefined;
  const server = createServer(yoga);
  // Mounted once listening: a WebSocket server on a server that failed to listen would repeat its
  // error, with a stack trace, before the caller can say what went wrong.
  let ws: GraphQLWsHandle | undefined;
  let port = 0;

  return {
    async start() {
      await ensureDefaultNamespace(context);
      await ensureBootstrapRbac(context);
      // Read before the first request: no check runs against an empty set of roles.
      if (authenticator) rbac = await RbacSource.start(store, logger);
      port = await listen(server, config.port, config.host);
      ws = mountGraphQLWs(server, yoga, { ...webSocketSettings(config), authenticator, logger });
      logger.info({ url: this.url, store: config.store, authentication: authenticator?.methods.join(', ') ?? 'none' }, 'API server started');
    },

    async stop() {
      await ws?.close();
      await rbac?.stop();
      await closeNow(server);
      logger.info('API server stopped');
    },

    get port() {
      return port;
    },

    get url() {
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}${yoga.graphqlEndpoint}`;
    },
  };
}
