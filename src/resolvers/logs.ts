/**
 * jobLogs / followJobLogs and their Deployment twins, the Kubernetes way: the API server holds no
 * cluster credentials (the controller manager does, maybe on another machine), so for each cluster
 * the workload is placed on it asks that cluster's Skylet, at the address the Skylet publishes in
 * the Cluster's status.skyletEndpoint, as kube-apiserver asks a kubelet for `kubectl logs`.
 *
 * A cluster whose logs cannot be read (no endpoint published yet, its Skylet down or answering
 * wrong, the stream broken off) does not fail the call. The lines of the other clusters are
 * returned, and the cluster is reported through ctx.warn, which src/server/use-warnings.ts sends
 * in the response's `extensions.warnings` (`[{cluster, message}]`). Not an error, because one dead
 * cluster would then hide every other cluster's logs, and none of the API's fixed codes means
 * "unavailable": NOT_FOUND would tell clients the job is gone, FORBIDDEN that they may not look.
 * When no cluster can be read, the answer is no lines, with a warning for every cluster; the
 * typed client hands warnings to the caller and `skym logs` prints them and exits 1.
 *
 * `tail` counts per replica, as `kubectl logs --tail` counts per container.
 */
import { NotFoundError } from '../domain/errors.js';

import type { LogsKind, LogsRoute } from '../domain/skylet-api.js';
import type { Cluster, LogLine, Workload } from '../domain/types.js';
import type { ResolverContext } from './context.js';
import { groupByReplica, interleave } from './log-merge.js';

import { readSkyletLogs, SkyletError, type SkyletLogsOptions } from './skylet-logs.js';
import { checkOptionalNumber, type Maybe } from './validation.js';
import { objectRef, describeRef } from '../domain/object-ref.js';

export interface LogsArgs {
  namespace?: Maybe<string>;
  name: string;
  /** The last `tail` lines of each replica; all of them when omitted. */
  tail?: Maybe<number>;
}

/** A query answers within this, with what it has; a follow runs as long as the replicas do. */
const QUERY_DEADLINE_MS = 30_000;

interface Target {
  workload: Omit<LogsRoute, 'cluster'>;
  clusters: string[];
  tail?: number;
}

/** The workload (NOT_FOUND if absent) and the clusters its replicas are placed on. */
async function targetOf(ctx: ResolverContext, kind: LogsKind, args: LogsArgs): Promise<Target> {
  const tail = checkOptionalNumber(args.tail, 'tail', { integer: true });
  const key = objectRef(kind, args.name, args.namespace);
  const object = (await ctx.store.get(key)) as Workload | undefined;
  if (!object) throw new NotFoundError(describeRef(key));
  const clusters = [...new Set(object.status.placements.filter((p) => p.replicas > 0).map((p) => p.cluster))];
  if (clusters.length === 0) {
    ctx.warn?.({ message: `${describeRef(key)} is not placed on any cluster yet (phase ${object.status.phase}), so there are no logs to read` });
  }
  return { workload: { kind, namespace: key.namespace!, name: key.name }, clusters, tail };
}

/** One cluster's lines; when they cannot be read (all or the rest of them), a warning says so. */
async function* clusterLines(ctx: ResolverContext, cluster: string, target: Target, options: Omit<SkyletLogsOptions, 'tail'>): AsyncGenerator<LogLine> {
  try {
    const object = (await ctx.store.get({ kind: 'Cluster', name: cluster })) as Cluster | undefined;
    if (!object) throw new SkyletError('the cluster no longer exists');
    for await (const { replica, line } of readSkyletLogs(object.status.skyletEndpoint, target.workload, { ...options, tail: target.tail, token: ctx.skyletToken, allowLinkLocal: ctx.skyletAllowLinkLocal })) {
      yield { cluster, replica, line };
    }
  } catch (error) {
    // Anything else is a fault of this server: it goes on to be masked, not shown as a warning.
    if (!(error instanceof SkyletError)) throw error;
    ctx.warn?.({ cluster, message: error.message });
  }
}

export interface LogResolvers {
  /** Every cluster's lines, cluster by cluster in placement order, each replica's together. */
  logs(ctx: ResolverContext, args: LogsArgs): Promise<LogLine[]>;
  /** Lines as they are written, from every cluster at once; ends when every replica has finished. */
  follow(ctx: ResolverContext, args: LogsArgs, signal: AbortSignal): AsyncIterable<LogLine>;
}

export function logResolvers(kind: LogsKind): LogResolvers {
  return {
    async logs(ctx, args) {
      const target = await targetOf(ctx, kind, args);
      const perCluster = await Promise.all(
        target.clusters.map(async (cluster) => {
          const lines: LogLine[] = [];
          for await (const line of clusterLines(ctx, cluster, target, { follow: false, deadlineMs: QUERY_DEADLINE_MS })) lines.push(line);
          return groupByReplica(lines);
        }),
      );
      return perCluster.flat();
    },

    async *follow(ctx, args, signal) {
      const target = await targetOf(ctx, kind, args);
      yield* interleave(target.clusters.map((cluster) => clusterLines(ctx, cluster, target, { follow: true, signal })));
    },
  };
}

export const jobLogResolvers = logResolvers('Job');
export const deploymentLogResolvers = logResolvers('Deployment');
