/**
 * A scorer rates one feasible cluster for the workload (Nomad's RankIterator), from 0 (worst) to 1
 * (best); preferences may go down to -1 (a negative weight is an aversion). Placement serves the
 * best-rated clusters first and moves to the next rating only for what they cannot take, so a
 * score is about the cluster, not about one replica: it does not read the plan. A scorer with
 * nothing to say about this workload returns undefined and is left out of the average, so that a
 * workload without preferences ranks every cluster alike (Nomad's ScoreNormalizationIterator).
 */
import type { Cluster } from '../../domain/types.js';
import type { SchedulingContext } from '../context.js';

export interface Scorer {
  readonly name: string;
  score(cluster: Cluster, ctx: SchedulingContext): number | undefined;
}

/** The mean of the scores that apply. */
export function normalizedScore(scorers: readonly Scorer[], cluster: Cluster, ctx: SchedulingContext): number {
  let sum = 0;
  let count = 0;
  for (const scorer of scorers) {
    const score = scorer.score(cluster, ctx);
    if (score === undefined) continue;
    sum += score;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}
