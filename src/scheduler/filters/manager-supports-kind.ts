/**
 * Some managers cannot run some kinds. Slurm runs batch work to completion and has nothing that
 * keeps replicas alive, so Deployments never go there. Managers not listed run every kind, so a
 * new manager that does touches nothing here.
 */
import type { Kind } from '../../domain/kinds.js';
import type { ClusterManagerType } from '../../domain/types.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

const UNSUPPORTED_KINDS: Partial<Record<ClusterManagerType, readonly Kind[]>> = {
  SLURM: ['Deployment'],
};

export const managerSupportsKind: FeasibilityChecker = {
  name: 'manager-supports-kind',
  feasible(cluster, ctx) {
    const { manager } = cluster.spec;
    const kind = ctx.workload.kind;
    if (!UNSUPPORTED_KINDS[manager]?.includes(kind)) return FEASIBLE;
    return infeasible(`${manager} clusters do not run ${kind}s`);
  },
};
