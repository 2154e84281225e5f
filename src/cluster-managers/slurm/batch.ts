/**
 * How a Sky Job becomes a Slurm submission, and how one is recognised again: pure functions, so
 * the unit tests pin the exact sbatch arguments and batch script.
 *
 * One workload on one cluster is one job array whose elements are the replicas (array index =
 * the replica's index within this cluster). Slurm finds it again by
 * - the job name `sky.<namespace>.<name>`: dots never occur in DNS-1123 names, so it parses back
 *   unambiguously, and a person reading squeue sees what it is;
 * - the comment `sky-manager cluster=<sky cluster> uid=<uid> replicas=<from>-<to> first=<k>`:
 *   the Sky cluster, because one Slurm cluster may be registered twice (two partitions) and each
 *   Skylet must only adopt or clean up its own; the uid, because a Job deleted and created again
 *   under the same name is a new object; the index range and SKY_REPLICA_INDEX offset, so a
 *   submission whose record was lost in a crash can be adopted with everything it needs.
 */
import { KIND_INFO } from '../../domain/kinds.js';
import type { EnvVar, Resources, RestartPolicy } from '../../domain/types.js';
import type { WorkloadRef } from '../../domain/object-ref.js';

const JOB_NAME_PREFIX = 'sky.';
const COMMENT_PREFIX = 'sky-manager ';

export function jobName(ref: WorkloadRef): string {
  return `${JOB_NAME_PREFIX}${ref.namespace}.${ref.name}`;
}

/** The Job a Slurm job name stands for; undefined for names Sky did not give. */
export function refOfJobName(name: string): WorkloadRef | undefined {
  const match = /^sky\.([a-z0-9-]+)\.([a-z0-9-]+)$/.exec(name);
  return match ? { kind: 'Job', namespace: match[1], name: match[2] } : undefined;
}

export interface SubmissionComment {
  cluster: string;
  uid: string;
  /** Array indices this submission covers, inclusive. */
  from: number;
  to: number;
  /** SKY_REPLICA_INDEX of index 0: the workload's replicas are numbered across clusters. */
  firstReplicaIndex: number;
}

export function formatComment(c: SubmissionComment): string {
  return `${COMMENT_PREFIX}cluster=${c.cluster} uid=${c.uid} replicas=${c.from}-${c.to} first=${c.firstReplicaIndex}`;
}

/** The comment's fields, or undefined when it is not a Sky Manager comment. */
export function parseComment(comment: string): SubmissionComment | undefined {
  if (!comment.startsWith(COMMENT_PREFIX)) return undefined;
  const fields = new Map(
    comment
      .slice(COMMENT_PREFIX.length)
      .trim()
      .split(/\s+/)
      .map((token) => {
        const at = token.indexOf('=');
        return [token.slice(0, at), token.slice(at + 1)] as const;
      }),
  );
  const range = /^(\d+)-(\d+)$/.exec(fields.get('replicas') ?? '');
  const cluster = fields.get('cluster');
  const uid = fields.get('uid');
  const first = Number(fields.get('first') ?? '0');
  if (!range || !cluster || !uid || !Number.isInteger(first)) return undefined;
  return { cluster, uid, from: Number(range[1]), to: Number(range[2]), firstReplicaIndex: first };
}

/** Single-quoted for sh: safe for any text, newlines included. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface SubmissionSpec {
  ref: WorkloadRef;
  cluster: string;
  uid: string;
  from: number;
  to: number;
  firstReplicaIndex: number;
  run: string;
  envs: readonly EnvVar[];
  /** Per replica. */
  resources: Resources;
  restartPolicy: RestartPolicy;
  partition?: string;
  /** Where the replicas' logs and exit files go; must be visible to the compute nodes. */
  dir: string;
}

/**
 * What Slurm is asked for, per replica. Slurm counts whole CPUs, so 0.5 cpu asks for 1; memory
 * is asked for only when the Job names some (without --mem the site's DefMemPerCPU applies, while
 * --mem=0 would mean the whole node). The script comes on standard input.
 */
export function sbatchArgs(spec: SubmissionSpec): string[] {
  const { resources } = spec;
  const args = [
    '--parsable',
    `--job-name=${jobName(spec.ref)}`,
    `--comment=${formatComment(spec)}`,
    `--array=${spec.from}-${spec.to}`,
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${Math.max(1, Math.ceil(resources.cpu))}`,
  ];
  if (resources.memory > 0) args.push(`--mem=${Math.ceil(resources.memory)}`);
  if (resources.gpu > 0) {
    args.push(`--gres=gpu:${resources.accelerator ? `${resources.accelerator}:` : ''}${Math.ceil(resources.gpu)}`);
  }
  if (spec.partition) args.push(`--partition=${spec.partition}`);
  args.push(
    `--chdir=${spec.dir}`,
    // %a: one log per array element, i.e. per replica.
    `--output=${spec.dir}/%a.log`,
    // The replicas see the submitting machine's environment, as the local manager's do.
    '--export=ALL',
    // Slurm requeues batch jobs whose node fails; a Job that must not run twice must not be.
    spec.restartPolicy === 'NEVER' ? '--no-requeue' : '--requeue',
  );
  return args;
}

/** A job description of slurmrestd's openapi/v0.0.38 (Slurm 22.05): what a submission carries. */
export interface RestJobProperties {
  name: string;
  comment: string;
  array: string;
  nodes: [number, number];
  tasks: number;
  cpus_per_task: number;
  memory_per_node?: number;
  gres?: string;
  partition?: string;
  current_working_directory: string;
  standard_output: string;
  requeue: boolean;
  environment: Record<string, string>;
}

/**
 * The same request as sbatchArgs, as slurmrestd's job description. A REST submission has no
 * submitting shell to export, so the job gets `environment` (v0.0.38 requires one): a PATH, and
 * the rest is set by the batch script as on every path. `requeue: false` is ignored by 22.05's
 * parser: the batch script's own guard (batchScript) keeps a NEVER job from running twice.
 */
export function restJobProperties(spec: SubmissionSpec, environment: Record<string, string>): RestJobProperties {
  const { resources } = spec;
  const job: RestJobProperties = {
    name: jobName(spec.ref),
    comment: formatComment(spec),
    array: `${spec.from}-${spec.to}`,
    nodes: [1, 1],
    tasks: 1,
    cpus_per_task: Math.max(1, Math.ceil(resources.cpu)),
    current_working_directory: spec.dir,
    standard_output: `${spec.dir}/%a.log`,
    requeue: spec.restartPolicy !== 'NEVER',
    environment,
  };
  if (resources.memory > 0) job.memory_per_node = Math.ceil(resources.memory);
  if (resources.gpu > 0) job.gres = `gpu:${resources.accelerator ? `${resources.accelerator}:` : ''}${Math.ceil(resources.gpu)}`;
  if (spec.partition) job.partition = spec.partition;
  return job;
}

/**
 * A NEVER job that Slurm requeued anyway (its node failed, and the submission path could not say
 * no-requeue) ends at once as failed, keeping the first run's exit status if it got that far.
 */
const neverAgain = [
  'if [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then',
  '  echo "Sky Manager: Slurm requeued this replica after an interruption; restartPolicy NEVER runs it once" >&2',
  '  [ -s "$dir/$i.exit" ] || echo 1 > "$dir/$i.exit"',
  '  exit "$(cat "$dir/$i.exit")"',
  'fi',
];

/**
 * The batch script of every element. It runs `run` in a child shell (so `exit 3` in it ends only
 * that shell), restarts it as the restart policy says, and writes the exit status next to the log:
 * without accounting (slurmdbd) Slurm forgets a finished job after MinJobAge, and the file is
 * how a later status call, possibly by a restarted controller, still learns how it ended.
 */
export function batchScript(spec: SubmissionSpec): string {
  const dir = shellQuote(spec.dir);
  const env = spec.envs.map((e) => shellQuote(`${e.name}=${e.value}`)).join(' ');
  const again =
    spec.restartPolicy === 'ALWAYS' ? 'true' : spec.restartPolicy === 'ON_FAILURE' ? '[ "$status" -ne 0 ]' : 'false';
  return [
    '#!/bin/sh',
    `# Sky Manager: ${KIND_INFO[spec.ref.kind].plural}/${spec.ref.namespace}/${spec.ref.name} on cluster ${spec.cluster}, one array element per replica.`,
    `dir=${dir}`,
    'i="${SLURM_ARRAY_TASK_ID:-0}"',
    ...(spec.restartPolicy === 'NEVER' ? neverAgain : []),
    'rm -f "$dir/$i.exit" "$dir/$i.restarts"',
    `export SKY_JOB_NAME=${shellQuote(spec.ref.name)} SKY_NAMESPACE=${shellQuote(spec.ref.namespace)} SKY_CLUSTER=${shellQuote(spec.cluster)}`,
    `export SKY_REPLICA_INDEX=$((${spec.firstReplicaIndex} + i))`,
    'restarts=0',
    'delay=1',
    'while :; do',
    `  env ${env ? `${env} ` : ''}sh -c ${shellQuote(spec.run)}`,
    '  status=$?',
    `  ${again} || break`,
    '  restarts=$((restarts + 1))',
    '  echo "$restarts" > "$dir/$i.restarts"',
    '  sleep "$delay"',
    '  [ "$delay" -lt 60 ] && delay=$((delay * 2))',
    'done',
    'echo "$status" > "$dir/$i.exit"',
    'exit "$status"',
    '',
  ].join('\n');
}
