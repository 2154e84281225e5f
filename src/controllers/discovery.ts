/**
 * Cluster discovery: at start the controller manager registers the clusters it can already reach
 * (each context of the user's kubeconfig, each Slurm cluster of a list file) as Cluster objects,
 * unless one of that name exists. Only names and connection settings are registered: credentials
 * stay in the kubeconfig or slurm.conf on this machine. A cluster that turns out unreachable is
 * registered all the same; its Skylet reports it ERROR with the reason, which is more useful to a
 * user than silence.
 */
import type pino from 'pino';
import type { ClusterAPI, Manifest } from '../client/api.js';
import { AlreadyExistsError } from '../domain/errors.js';

/** One cluster a source found: the Cluster to create. */
export type DiscoveredCluster = Pick<Manifest<'Cluster'>, 'spec'> & { name: string; labels?: Record<string, string> };

export interface DiscoverySource {
  /** Names the source in logs and in the `sky.dev/discovered-from` label ("kubeconfig"). */
  readonly name: string;
  discover(): Promise<DiscoveredCluster[]>;
}

export const DISCOVERED_FROM_LABEL = 'sky.dev/discovered-from';

/**
 * Registers what every source finds; returns the names created. A source that fails (an
 * unreadable file) is logged and skipped: discovery must not keep the controllers from starting.
 */
export async function registerDiscoveredClusters(api: Pick<ClusterAPI, 'create'>, sources: readonly DiscoverySource[], logger: pino.Logger): Promise<string[]> {
  const created: string[] = [];
  for (const source of sources) {
    let found: DiscoveredCluster[];
    try {
      found = await source.discover();
    } catch (error) {
      logger.warn({ source: source.name, err: error instanceof Error ? error.message : String(error) }, 'cluster discovery failed');
      continue;
    }
    for (const cluster of found) {
      try {
        await api.create({
          kind: 'Cluster',
          metadata: { name: cluster.name, labels: { ...cluster.labels, [DISCOVERED_FROM_LABEL]: source.name } },
          spec: cluster.spec,
        });
        created.push(cluster.name);
        logger.info({ source: source.name }, `Discovered cluster ${cluster.name}; registered it.`);
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
      }
    }
  }
  return created;
}
