/**
 * Some managers cannot run some kinds (Slurm runs no Deployments); each manager's capabilities
 * say which it runs.
 */
import { MANAGER_CAPABILITIES, unsupportedKind } from '../../domain/manager-capabilities.js';
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

const EVERY_MANAGER_RUNS = new Set(
  (['Job', 'Deployment'] as const).filter((kind) => Object.values(MANAGER_CAPABILITIES).every((c) => c.kinds.includes(kind))),
);

export const managerSupportsKind: FeasibilityChecker = {
  name: 'manager-supports-kind',
  // Every manager runs Jobs: only a kind some manager lacks needs asking per cluster.
  appliesTo: (ctx) => !EVERY_MANAGER_RUNS.has(ctx.workload.kind),
  feasible(cluster, ctx) {
    const reason = unsupportedKind(cluster.spec.manager, ctx.workload.kind);
    return reason === undefined ? FEASIBLE : infeasible(reason);
  },
};
