/**
 * The clusters the controller manager registers at start (src/controllers/discovery.ts): every
 * context of the kubeconfig (unless discovery is off) and the Slurm clusters of a list file.
 */
import { existsSync } from 'node:fs';
import { discoverKubeContexts } from '../cluster-managers/kubernetes/discovery.js';
import { kubeconfigFiles } from '../cluster-managers/kubernetes/kubeconfig.js';
import { readSlurmClusterList } from '../cluster-managers/slurm/discovery.js';
import type { DiscoverySource } from '../controllers/discovery.js';

export function discoverySources(config: { discover: boolean; slurmClusters?: string }): DiscoverySource[] {
  if (!config.discover) return [];
  const sources: DiscoverySource[] = [
    {
      name: 'kubeconfig',
      // No kubeconfig is the normal case on a machine without Kubernetes: nothing to find.
      discover: async () => (kubeconfigFiles().some((file) => existsSync(file)) ? discoverKubeContexts() : []),
    },
  ];
  const slurmList = config.slurmClusters;
  if (slurmList) sources.push({ name: 'slurm-cluster-list', discover: () => readSlurmClusterList(slurmList) });
  return sources;
}
