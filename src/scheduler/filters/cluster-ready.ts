/** Only READY clusters take work: INIT has not reported capacity yet, ERROR is not answering. */
import { FEASIBLE, infeasible, type FeasibilityChecker } from './feasibility.js';

export const clusterReady: FeasibilityChecker = {
  name: 'cluster-ready',
  feasible(cluster) {
    const { phase, message } = cluster.status;
    if (phase === 'READY') return FEASIBLE;
    return infeasible(`cluster is ${phase}, not READY` + (message ? ` (${message})` : ''));
  },
};
