/**
 * A LOCAL cluster of `cpu` cores and 16 GiB registered through the API, once its Skylet reports
 * it READY: how the controller tests set up their federation.
 */
import type { ClusterAPI } from '../../src/client/index.js';
import type { Cluster } from '../../src/domain/types.js';
import { until, type UntilOptions } from './wait.js';

export async function createReadyLocalCluster(
  clusters: ClusterAPI,
  name: string,
  cpu: number,
  { labels = {}, ...wait }: { labels?: Record<string, string> } & UntilOptions = {},
): Promise<void> {
  await clusters.create({ metadata: { name, labels }, spec: { manager: 'LOCAL', local: { cpu, memory: 16_384, gpu: 0 } } });
  await until(`cluster ${name} READY`, async () => (await clusters.get(name)).status.phase === 'READY', wait);
}

/** The cluster, once `test` holds for it (ERROR, READY again, ...); `context` adds to a timeout's message. */
export function clusterWhere(clusters: ClusterAPI, name: string, what: string, test: (c: Cluster) => boolean, context?: () => string): Promise<Cluster> {
  return until(
    `cluster ${name} ${what}`,
    async () => {
      const c = await clusters.get(name);
      return test(c) && c;
    },
    { timeoutMs: 120_000, context },
  );
}
