/**
 * Where the page is, in the URL's fragment (`#/jobs/team-a/train`): the server serves one page at
 * /console/, and a link to a job can be shared or reloaded.
 */
export type Route =
  | { view: 'clusters' }
  | { view: 'queues' }
  | { view: 'workloads'; kind: 'Job' | 'Deployment' }
  | { view: 'workload'; kind: 'Job' | 'Deployment'; namespace: string; name: string }
  | { view: 'apply' };

const PLURAL = { Job: 'jobs', Deployment: 'deployments' } as const;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const kind = parts[0] === 'deployments' ? 'Deployment' : parts[0] === 'jobs' ? 'Job' : undefined;
  if (kind && parts.length === 3) return { view: 'workload', kind, namespace: parts[1], name: parts[2] };
  if (kind) return { view: 'workloads', kind };
  if (parts[0] === 'queues') return { view: 'queues' };
  if (parts[0] === 'apply') return { view: 'apply' };
  return { view: 'clusters' };
}

export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'workload':
      return `#/${PLURAL[route.kind]}/${encodeURIComponent(route.namespace)}/${encodeURIComponent(route.name)}`;
    case 'workloads':
      return `#/${PLURAL[route.kind]}`;
    default:
      return `#/${route.view}`;
  }
}
