/**
 * Whether a request is one of the REST view's (src/server/use-rest-view.ts), by method and path
 * alone, so that plugins can act on those requests before the view or SOFA reads their body.
 * Segments are compared as sent, not decoded: `:name` matches any one segment.
 */
import { restRoutes } from './use-rest-view.js';

export type RestRequestMatcher = (method: string, pathname: string) => boolean;

/** `basePath` as given to useRestView ('/' by default). */
export function restRequestMatcher(basePath = '/'): RestRequestMatcher {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  const routes = restRoutes().map((route) => ({ method: route.method, segments: route.path.split('/').slice(1) }));
  return (method, pathname) => {
    if (!pathname.startsWith(`${base}/`)) return false;
    const segments = pathname.slice(base.length).split('/').slice(1);
    return routes.some(
      (route) =>
        route.method === method &&
        route.segments.length === segments.length &&
        route.segments.every((segment, i) => (segment.startsWith(':') ? segments[i] !== '' : segment === segments[i])),
    );
  };
}
