/**
 * Which code manages which kind of cluster. Skylets create their manager here and know nothing of
 * the implementations; a new manager is one factory and one line here, and its capabilities
 * (src/domain/manager-capabilities.ts).
 */
import type { Cluster, ClusterManagerType } from '../domain/types.js';
import { createKubernetesManager } from './kubernetes/kubernetes-manager.js';
import { createLocalManager } from './local/local-manager.js';
import { createSlurmManager } from './slurm/slurm-manager.js';
import type { ClusterManager, ManagerOptions } from './types.js';

export type ClusterManagerFactory = (cluster: Cluster, options: ManagerOptions) => ClusterManager;

const FACTORIES: Record<ClusterManagerType, ClusterManagerFactory> = {
  LOCAL: createLocalManager,
  KUBERNETES: createKubernetesManager,
  SLURM: createSlurmManager,
};

/** The manager for the cluster's spec.manager. */
export function createClusterManager(cluster: Cluster, options: ManagerOptions): ClusterManager {
  return FACTORIES[cluster.spec.manager](cluster, options);
}
