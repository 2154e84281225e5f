/**
 * The workload's placement.preferences: each preference whose selector matches the cluster's
 * labels adds its weight; the sum is divided by the total weight, so a cluster matching every
 * preference scores 1. Without preferences this scorer abstains.
 */
import type { Scorer } from './scorer.js';

export const preferences: Scorer = {
  name: 'preferences',
  score(cluster, ctx) {
    if (ctx.preferences.length === 0) return undefined;
    let matched = 0;
    let total = 0;
    for (const { selector, weight } of ctx.preferences) {
      total += Math.abs(weight);
      if (selector.matches(cluster.metadata.labels)) matched += weight;
    }
    return total === 0 ? undefined : matched / total;
  },
};
