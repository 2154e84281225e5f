/**
 * useMetricsEndpoint: GET /metrics in Prometheus' text format (the registry's, src/metrics/),
 * answered before any GraphQL work, like /healthz.
 *
 * Who may scrape, as kube-apiserver decides for its /metrics (a non-resource URL that RBAC
 * grants): an open server (no token file, no OIDC) is open here too. With authentication on,
 * the scraper needs a bearer token whose user may `get` the `metrics` resource: sky:admins and
 * sky:controllers may (their ClusterRoles allow `*`), and a ClusterRole with that one rule bound
 * to Prometheus' user grants just this. `--metrics-open` (metricsOpen) lets anyone scrape, for a
 * Prometheus on a trusted network without a token (kube's --authorization-always-allow-paths).
 */
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { RbacAuthorizer } from '../domain/rbac/authorizer.js';
import type { Authenticator } from './auth/authenticator.js';

export const METRICS_PATH = '/metrics';

export interface MetricsEndpointOptions {
  registry: Registry;
  /** Absent: the server is open, so is /metrics. */
  authenticator?: Authenticator;
  /** The authorizer of the access objects stored now; undefined before the server has read them. */
  authorizer?: () => RbacAuthorizer | undefined;
  /** Scrapes need no token even with authentication on. */
  open?: boolean;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(`${body}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

export function useMetricsEndpoint({ registry, authenticator, authorizer, open = false }: MetricsEndpointOptions): Plugin {
  /** A refusal, or undefined when the caller may scrape. */
  const refusal = async (request: Request): Promise<Response | undefined> => {
    if (!authenticator || open) return undefined;
    const authentication = await authenticator.authenticate({ request });
    if ('error' in authentication) return text(401, authentication.error, { 'www-authenticate': 'Bearer' });
    if (authorizer?.()?.allows(authentication.user, { verb: 'get', resource: 'metrics' })) return undefined;
    return text(403, `User "${authentication.user.name}" may not get metrics: scraping /metrics needs a role that allows get on the resource "metrics" (sky:admins and sky:controllers have it).`);
  };

  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== METRICS_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(text(405, `${request.method} is not allowed; use GET`, { allow: 'GET' }));
      const refused = await refusal(request);
      if (refused) return endResponse(refused);
      endResponse(new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } }));
    },
  };
}
