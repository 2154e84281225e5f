/**
 * Some managers cannot run some kinds (Slurm runs no Deployments); each manager's capabilities
 * say which it runs.
 */
import { unsupportedKind } from '../../domain/manager-capabilities.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const managerSupportsKind: FeasibilityChecker = {
  name: 'manager-supports-kind',
  feasible(cluster, ctx) {
    const reason = unsupportedKind(cluster.spec.manager, ctx.workload.kind);
    return reason === undefined ? FEASIBLE : infeasible(reason);
  },
};
