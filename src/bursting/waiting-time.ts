/**
 * w(j): how long a workload waits for the cheaper clusters before it may go to costlier ones
 * (Starburst's waiting functions, ATC '24), and the rule that turns a waiting budget into the
 * coefficient c.
 *
 * With R(j) the GPUs of all its replicas (cores when it asks for no GPU) and T(j) its expected
 * runtime in seconds:
 *   CONSTANT  w = c            RESOURCE  w = c x R
 *   RUNTIME   w = c x T        COMPUTE   w = c x R x T
 * A budget B asks that the mean wait be B times the mean runtime of the queue's work, so c is
 * chosen over the queue's finished work: c = B x mean(T) / mean(f), f being what the policy
 * multiplies c by (1, T, R or R x T). Large jobs then wait longer under RESOURCE and COMPUTE,
 * which is what keeps the cheap cluster full (small jobs go to the cloud, big ones fill the gaps).
 */
import type { WaitingPolicy } from '../domain/spec/waiting-policy-spec.js';
import type { Workload } from '../domain/types.js';

/** Means over a queue's (or namespace's) finished work; `count` 0 when there is none yet. */
export interface RuntimeStats {
  count: number;
  /** Seconds. */
  meanRuntime: number;
  /** Mean R (GPUs, or cores). */
  meanResources: number;
  /** Mean R x T. */
  meanCompute: number;
}

/**
 * The runtime assumed before any work of a queue has finished and when a workload gives none:
 * one hour, the order of the median GPU job in the Philly and Helios traces.
 */
export const DEFAULT_RUNTIME_SECONDS = 3_600;

/** R(j): GPUs over all replicas, or cores when it asks for no GPU. */
export function resourcesOf(workload: Workload): number {
  const { resources, replicas } = workload.spec;
  return (resources.gpu > 0 ? resources.gpu : resources.cpu) * replicas;
}

export type RuntimeSource = 'spec' | 'queue' | 'default';

/** T(j) in seconds and where it came from: spec.expectedRuntime, the queue's mean, or the default. */
export function expectedRuntimeOf(workload: Workload, stats: RuntimeStats | undefined): { seconds: number; source: RuntimeSource } {
  if (workload.spec.expectedRuntime !== undefined) return { seconds: workload.spec.expectedRuntime, source: 'spec' };
  if (stats && stats.count > 0) return { seconds: stats.meanRuntime, source: 'queue' };
  return { seconds: DEFAULT_RUNTIME_SECONDS, source: 'default' };
}

/** What c multiplies for this policy: 1, T, R or R x T. */
function factor(policy: WaitingPolicy['policy'], runtime: number, resources: number): number {
  switch (policy) {
    case 'RUNTIME':
      return runtime;
    case 'RESOURCE':
      return resources;
    case 'COMPUTE':
      return resources * runtime;
    default:
      return 1;
  }
}

/**
 * c for a policy given by budget: B x mean(T) / mean(f) over the finished work. Without finished
 * work the workload itself stands for the queue (its own wait is then B x T).
 */
export function coefficientFromBudget(policy: WaitingPolicy['policy'], budget: number, stats: RuntimeStats | undefined, workload: Workload): number {
  let meanRuntime: number;
  let meanFactor: number;
  if (stats && stats.count > 0) {
    meanRuntime = stats.meanRuntime;
    meanFactor = policy === 'RUNTIME' ? stats.meanRuntime : policy === 'RESOURCE' ? stats.meanResources : policy === 'COMPUTE' ? stats.meanCompute : 1;
  } else {
    meanRuntime = expectedRuntimeOf(workload, undefined).seconds;
    meanFactor = factor(policy, meanRuntime, resourcesOf(workload));
  }
  if (meanFactor <= 0) return 0;
  return (budget * meanRuntime) / meanFactor;
}

/** The coefficient in force: the one given, or the one the budget gives. */
export function coefficientOf(policy: WaitingPolicy, stats: RuntimeStats | undefined, workload: Workload): number {
  if (policy.coefficient !== undefined) return policy.coefficient;
  return coefficientFromBudget(policy.policy, policy.budget ?? 0, stats, workload);
}

/** w(j) in seconds: Infinity for INFINITE, 0 for ZERO. */
export function waitSeconds(policy: WaitingPolicy, workload: Workload, stats: RuntimeStats | undefined): number {
  if (policy.policy === 'INFINITE') return Infinity;
  if (policy.policy === 'ZERO') return 0;
  const c = coefficientOf(policy, stats, workload);
  return c * factor(policy.policy, expectedRuntimeOf(workload, stats).seconds, resourcesOf(workload));
}

/** "COMPUTE, budget 0.25" / "CONSTANT, c 600": the policy as describe shows it. */
export function describePolicy(policy: WaitingPolicy): string {
  if (policy.budget !== undefined) return `${policy.policy}, budget ${policy.budget}`;
  if (policy.coefficient !== undefined) return `${policy.policy}, c ${policy.coefficient}`;
  return policy.policy;
}
