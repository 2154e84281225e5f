/**
 * skym logs NAME: the logs of a job's replicas (or a deployment's), from every cluster they run
 * on, as `kubectl logs` prints a pod's. The API server reads them from the clusters' Skylets;
 * clusters it cannot read are printed as warnings on stderr, and the exit status is then 1 so
 * that scripts know the output is incomplete.
 */
import { Args, Flags } from '@oclif/core';
import { formatWarning, WorkloadAPI } from '../../src/client/index.js';
import type { JobPhase, LogLine, Warning, Workload } from '../../src/domain/types.js';
import { ApiCommand } from '../api-command.js';
import { UsageError } from '../errors.js';
import { namespace } from '../flags.js';
import { nounOf } from '../kinds.js';
import { resolveTargets } from '../targets.js';

/** Phases in which no replica has started yet: a follow waits them out, as kubectl's does for a pending pod. */
const NOT_STARTED: readonly JobPhase[] = ['PENDING', 'SCHEDULED'];

/** What `--json` prints. */
export interface LogsResult {
  lines: LogLine[];
  /** Clusters whose logs could not be read, and why. */
  warnings: Warning[];
}

export default class Logs extends ApiCommand {
  static override summary = "Print the logs of a job's replicas, from every cluster they run on.";

  static override description = `Prints each replica's lines, cluster by cluster. When the job has more than one replica, each line starts with [CLUSTER/REPLICA], as \`kubectl logs --prefix\` does (replicas are numbered from 0 within each cluster).

With --follow, waits for the replicas to start if they have not, then keeps printing lines as they write them, from all clusters at once, until every replica has finished or Ctrl-C.

A cluster whose logs cannot be read (its controller manager is down, say) is reported as a warning on stderr while the other clusters' lines are printed; the exit status is then 1.`;

  static override examples = [
    { description: 'The quickstart job\'s output.', command: '<%= config.bin %> logs hello' },
    { description: 'Follow a job as it runs, until it ends or Ctrl-C.', command: '<%= config.bin %> logs train -f' },
    { description: 'The last 20 lines of each replica of a job in namespace team-a.', command: '<%= config.bin %> logs train --tail 20 -n team-a' },
    { description: 'A deployment\'s logs.', command: '<%= config.bin %> logs web --deployment -f' },
    { description: 'The same, named kubectl\'s way.', command: '<%= config.bin %> logs deploy/web -f' },
  ];

  static override args = {
    name: Args.string({ required: true, description: 'Name of the job (of the deployment with --deployment), or job/NAME, deployment/NAME as kubectl takes them.' }),
  };

  static override flags = {
    namespace,
    follow: Flags.boolean({
      char: 'f',
      description: 'Keep printing lines as they are written, until every replica has finished or Ctrl-C.',
      // A stream has no single result to print at the end.
      exclusive: ['json'],
    }),
    tail: Flags.integer({ min: 0, description: 'Only the last N lines of each replica (so far, with --follow).', helpValue: 'N' }),
    deployment: Flags.boolean({ description: 'NAME is a deployment, not a job.' }),
  };

  async run(): Promise<LogsResult | undefined> {
    const { args, flags } = await this.parse(Logs);
    const { kind, name } = workloadNamed(args.name, flags.deployment);
    const connection = await this.connect(flags);
    const api = new WorkloadAPI(kind, { client: connection.client, namespace: connection.namespace });
    // Read first: a name that does not exist fails here with the usual message, and the replica
    // count decides whether lines need saying whose they are.
    const workload = await api.get(name);
    const prefixed = workload.spec.replicas > 1;
    const print = ({ cluster, replica, line }: LogLine) => this.out.log(prefixed ? `[${cluster}/${replica}] ${line}` : line);
    const warnings: Warning[] = [];
    const onWarning = (warning: Warning) => {
      warnings.push(warning);
      this.out.info(`Warning: ${formatWarning(warning)}`);
    };
    try {
      if (flags.follow) {
        await this.follow(api, workload, { tail: flags.tail, onWarning }, print);
        return undefined;
      }
      const lines = await api.logs(name, { tail: flags.tail, onWarning });
      lines.forEach(print);
      return { lines, warnings };
    } finally {
      if (warnings.length > 0) process.exitCode = 1;
    }
  }

  /**
   * Waits for the replicas to start, then prints lines as they come. Ctrl-C (or SIGTERM) ends
   * either as a normal end.
   */
  private async follow(
    api: WorkloadAPI<'Job' | 'Deployment'>,
    workload: Workload,
    options: { tail?: number; onWarning: (warning: Warning) => void },
    print: (line: LogLine) => void,
  ): Promise<void> {
    const stop = new AbortController();
    const interrupt = () => stop.abort();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      // A cluster that has not started the replicas yet has no logs to follow and would end the
      // follow at once; wait until the workload runs, or has run.
      if (NOT_STARTED.includes(workload.status.phase) && !(await this.started(api, workload, stop.signal))) return;
      for await (const line of api.followLogs(workload.metadata.name, { ...options, signal: stop.signal })) print(line);
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
  }

  /** Watches the workload until a replica has started; false when stopped first or it is deleted. */
  private async started(api: WorkloadAPI<'Job' | 'Deployment'>, workload: Workload, signal: AbortSignal): Promise<boolean> {
    const { name, resourceVersion } = workload.metadata;
    this.out.info(`Waiting for ${workload.kind.toLowerCase()} "${name}" to start (${workload.status.phase})…`);
    for await (const event of api.watch({ resourceVersion, signal })) {
      if (event.object?.metadata.name !== name) continue;
      if (event.type === 'DELETED') return false;
      if (!NOT_STARTED.includes(event.object.status.phase)) return true;
    }
    return false;
  }
}

/** NAME (a job, or a deployment with --deployment) or KIND/NAME (`job/hello`, `deploy/web`). */
function workloadNamed(text: string, deployment: boolean): { kind: 'Job' | 'Deployment'; name: string } {
  if (!text.includes('/')) return { kind: deployment ? 'Deployment' : 'Job', name: text };
  const [{ kind, names }] = resolveTargets(text);
  if (kind !== 'Job' && kind !== 'Deployment') throw new UsageError(`logs are a job's or a deployment's, and ${text} names a ${nounOf(kind)}`);
  if (deployment && kind !== 'Deployment') throw new UsageError(`${text} is a job; leave out --deployment`);
  return { kind, name: names[0] };
}
