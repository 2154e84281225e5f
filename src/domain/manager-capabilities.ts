/**
 * What each kind of cluster manager can do (Nomad's DriverPlugin.Capabilities), declared once per
 * manager. The managers expose their entry as `capabilities`; the scheduler, which must not import
 * the managers, reads the same entry to keep work away from clusters that cannot run it.
 */
import type { ClusterManagerType, Workload } from './types.js';

export interface ManagerCapabilities {
  /** Kinds it runs. */
  kinds: readonly Workload['kind'][];
  /** False when `spec.image` is ignored (the local manager runs `run` on this machine as is). */
  usesImage: boolean;
  /**
   * How often the Skylet should ask for status when the operator set no interval. A manager that
   * answers from memory (watch caches) can be asked often; one that runs commands per call
   * (Slurm) should not; one that pushes changes (onStatusChange) needs the poll only as a safety
   * net. Default 1,000 ms.
   */
  statusIntervalMs?: number;
}

export const MANAGER_CAPABILITIES: Record<ClusterManagerType, ManagerCapabilities> = {
  // Replicas are process groups on this machine; `run` runs as it is, with no image.
  LOCAL: { kinds: ['Job', 'Deployment'], usesImage: false },
  // status() reads the member caches, and their changes are pushed (onStatusChange): the poll is
  // a safety net, and cheap (memory reads, not API calls).
  KUBERNETES: { kinds: ['Job', 'Deployment'], usesImage: true, statusIntervalMs: 1_000 },
  // Slurm runs batch work to completion and has nothing that keeps replicas alive: no Deployments.
  // Changes are pushed (onStatusChange: one squeue per cluster every 2 s, compared with the last),
  // so the poll, which reads every workload's files, is a safety net.
  SLURM: { kinds: ['Job'], usesImage: false, statusIntervalMs: 10_000 },
};

/** Why a cluster of `manager` cannot run `kind`, or undefined when it can. */
export function unsupportedKind(manager: ClusterManagerType, kind: Workload['kind']): string | undefined {
  return MANAGER_CAPABILITIES[manager].kinds.includes(kind) ? undefined : `${manager} clusters do not run ${kind}s`;
}
