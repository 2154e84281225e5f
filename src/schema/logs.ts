/**
 * Logs of a workload's replicas, per replica and cluster. For kind Job this adds
 *
 *   Query        jobLogs(namespace = "default", name, tail): [LogLine!]!
 *   Subscription followJobLogs(namespace = "default", name, tail): LogLine!
 *
 * and the same for Deployment, from one helper. The API server reads them from the Skylets of the
 * clusters the workload is placed on (src/resolvers/logs.ts); a cluster it cannot read is reported
 * in the response's `extensions.warnings`, not as an error (src/server/use-warnings.ts).
 */
import type { ArgBuilder } from '@pothos/core';
import type { LogLine } from '../domain/types.js';
import { deploymentLogResolvers, jobLogResolvers, type LogResolvers } from '../resolvers/logs.js';
import { builder, type BuilderTypes } from './builder.js';
import { capitalize } from './resource-fields.js';
import { abortable } from './watch.js';

export const LogLineRef = builder.objectRef<LogLine>('LogLine').implement({
  description: "One line of one replica's log.",
  fields: (t) => ({
    cluster: t.exposeString('cluster', { description: 'The cluster the replica runs on.' }),
    replica: t.exposeInt('replica', { description: 'Index of the replica within its cluster, from 0.' }),
    line: t.exposeString('line', { description: 'The line, without its newline.' }),
  }),
});

function logArgs(arg: ArgBuilder<BuilderTypes>, tail: string) {
  return {
    namespace: arg.string({ defaultValue: 'default' }),
    name: arg.string({ required: true }),
    tail: arg.int({ description: tail }),
  };
}

function defineLogFields(singular: string, resolvers: LogResolvers): void {
  builder.queryFields((t) => ({
    [`${singular}Logs`]: t.field({
      type: [LogLineRef],
      description: `The logs of every replica of the ${singular} so far: cluster by cluster, each replica's lines together. Clusters whose logs cannot be read are named in the response's extensions.warnings ([{cluster, message}]).`,
      args: logArgs(t.arg, 'Only the last `tail` lines of each replica.'),
      resolve: (_root, args, ctx) => resolvers.logs(ctx, args),
    }),
  }));

  builder.subscriptionFields((t) => ({
    [`follow${capitalize(singular)}Logs`]: t.field({
      type: LogLineRef,
      description: `The logs of every replica of the ${singular} as they are written, from all its clusters at once; ends when every replica has finished. Clusters whose logs cannot be read are named, as soon as that is known, in the extensions.warnings ([{cluster, message}]) of a message, with a line or alone.`,
      args: logArgs(t.arg, 'Start with only the last `tail` lines each replica has written so far.'),
      subscribe: (_root, args, ctx) => abortable((signal) => resolvers.follow(ctx, args, signal)),
      resolve: (line) => line,
    }),
  }));
}

defineLogFields('job', jobLogResolvers);
defineLogFields('deployment', deploymentLogResolvers);
