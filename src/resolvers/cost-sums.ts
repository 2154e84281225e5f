/**
 * What each queue's and each namespace's workloads have cost (Jobs and Deployments, finished ones
 * included; a deleted workload takes its cost with it): the sums behind Queue.cost and
 * Namespace.cost. A workload counts towards the queue that admitted it, else the one it waits in.
 *
 * The workloads are listed once per operation and summed with one clock, so `skym get queues`
 * over many queues reads the store twice (Jobs, Deployments), not twice per queue. The sums are
 * kept with the operation's context for a second: long enough for a watch's snapshot of every
 * queue, short enough that its later events show costs of now.
 *
 * Who asks does not change the sums. A queue or namespace is a cluster-scoped object, and its
 * cost is an aggregate of it, like a queue's status.usage (the resources its admitted workloads
 * hold, whoever owns them): whoever may read the object may read it, without seeing which
 * workloads it comes from. Answers below the root field that depended on the caller would also
 * break the sharing of subscription results between subscribers
 * (src/server/use-shared-subscription-results.ts).
 */
import { workloadCost } from '../domain/replica-cost.js';
import type { Workload } from '../domain/types.js';
import type { ResolverContext } from './context.js';

export interface CostSums {
  byQueue: ReadonlyMap<string, number>;
  byNamespace: ReadonlyMap<string, number>;
}

/** How long one query reuses its sums (ms). */
const REUSE_MS = 1_000;
/**
 * How long a subscription reuses them: a watch of queues or namespaces (every controller manager
 * holds one) would otherwise list every workload for each queue status write, at most once a
 * second, which at 100,000 workloads is most of a core. A watcher's costs are up to this old.
 */
export const WATCH_REUSE_MS = 30_000;

const memo = new WeakMap<ResolverContext, { at: number; sums: Promise<CostSums> }>();

function nowMs(ctx: ResolverContext): number {
  return (ctx.now?.() ?? new Date()).getTime();
}

/** The queue a workload's cost counts towards: the one that admitted it, else the one it waits in. */
export function queueOf(workload: Workload): string | undefined {
  return workload.status.admission?.queue ?? workload.status.queue?.name;
}

/** The sums over `workloads`, each workload's cost up to `now` (ms). */
export function sumCosts(workloads: readonly Workload[], now: number): CostSums {
  const byQueue = new Map<string, number>();
  const byNamespace = new Map<string, number>();
  const add = (sums: Map<string, number>, key: string, cost: number) => sums.set(key, (sums.get(key) ?? 0) + cost);
  for (const workload of workloads) {
    const cost = workloadCost(workload.status, now);
    if (cost === 0) continue;
    add(byNamespace, workload.metadata.namespace!, cost);
    const queue = queueOf(workload);
    if (queue !== undefined) add(byQueue, queue, cost);
  }
  return { byQueue, byNamespace };
}

async function listAndSum(ctx: ResolverContext, now: number): Promise<CostSums> {
  const [jobs, deployments] = await Promise.all([ctx.store.list({ kind: 'Job' }), ctx.store.list({ kind: 'Deployment' })]);
  return sumCosts([...jobs.items, ...deployments.items] as Workload[], now);
}

/**
 * The sums for this operation: computed by its first cost field, reused by the others, and for
 * a second (a subscription: WATCH_REUSE_MS) by what it resolves next.
 */
export function costSums(ctx: ResolverContext, subscription = false): Promise<CostSums> {
  const now = nowMs(ctx);
  const held = memo.get(ctx);
  if (held && now - held.at >= 0 && now - held.at < (subscription ? WATCH_REUSE_MS : REUSE_MS)) return held.sums;
  const sums = listAndSum(ctx, now);
  memo.set(ctx, { at: now, sums });
  // A failed read is not kept: the next field asks the store again.
  sums.catch(() => {
    if (memo.get(ctx)?.sums === sums) memo.delete(ctx);
  });
  return sums;
}
