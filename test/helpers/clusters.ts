/**
 * A LOCAL cluster of `cpu` cores and 16 GiB registered through the API, once its Skylet reports
 * it READY: how the controller tests set up their federation.
 */
import type { ClusterAPI } from '../../src/client/index.js';
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
