/**
 * The discovery flags of `skym controllers` and `skym up`, and the sources they select: every
 * context of the kubeconfig (unless --no-discover) and the Slurm clusters of --slurm-clusters.
 */
import { existsSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { discoverKubeContexts } from '../src/cluster-managers/kubernetes/discovery.js';
import { kubeconfigFiles } from '../src/cluster-managers/kubernetes/kubeconfig.js';
import { readSlurmClusterList } from '../src/cluster-managers/slurm/discovery.js';
import type { DiscoverySource } from '../src/controllers/discovery.js';

export const discoveryFlags = {
  discover: Flags.boolean({
    default: true,
    allowNo: true,
    description:
      'At start, register each context of the kubeconfig ($KUBECONFIG or ~/.kube/config) as a KUBERNETES cluster, and each cluster of --slurm-clusters, unless a cluster of that name exists.',
  }),
  'slurm-clusters': Flags.string({
    description: 'YAML file listing Slurm clusters to register at start (name, slurmConf or sshHost, partition, labels).',
    helpValue: 'FILE',
  }),
};

export function discoverySources(flags: { discover: boolean; 'slurm-clusters'?: string }): DiscoverySource[] {
  if (!flags.discover) return [];
  const sources: DiscoverySource[] = [
    {
      name: 'kubeconfig',
      // No kubeconfig is the normal case on a machine without Kubernetes: nothing to find.
      discover: async () => (kubeconfigFiles().some((file) => existsSync(file)) ? discoverKubeContexts() : []),
    },
  ];
  const slurmList = flags['slurm-clusters'];
  if (slurmList) sources.push({ name: 'slurm-cluster-list', discover: () => readSlurmClusterList(slurmList) });
  return sources;
}
