/**
 * The SLURM cluster manager: a Job's replicas on a Slurm cluster are the elements of one job
 * array. Three ways to reach the cluster (commands.ts): the Slurm commands of this machine
 * (SLURM_CONF from spec.slurm.slurmConf), the same commands on a login node over SSH
 * (spec.slurm.sshHost; the jobs' files are read there too), or slurmrestd (spec.slurm.restUrl,
 * rest-client.ts; the jobs' files are read here, or through sshHost when both are set). See
 * batch.ts for how a submission is named and what its script does, records.ts for what is kept
 * on disk, report.ts for how states are read, capacity.ts for the cluster's figures.
 *
 * Idempotent and crash-safe: submit first looks in Slurm for the workload's arrays (job name and
 * comment) and in its record, and submits only the indices that no submission covers. After a
 * delete (the record goes with it), the cancelled or finished arrays Slurm still remembers are
 * not adopted again: submitting after a delete is a new run. An intent
 * is recorded before sbatch, so that a crash between sbatch and recording the job id is resolved
 * by finding the job in Slurm, or, if Slurm has already forgotten it, by the logs it left.
 *
 * Replica counts: a Slurm array cannot grow, so more replicas are one more array covering the new
 * indices; fewer cancel the elements above the count (`scancel ID_[n-m]`). A changed spec does not
 * touch what is queued or running, as elsewhere.
 *
 * Only Jobs (MANAGER_CAPABILITIES.SLURM): other kinds are refused here, and the scheduler never
 * places them here.
 */
import path from 'node:path';
import { MANAGER_CAPABILITIES, unsupportedKind } from '../../domain/manager-capabilities.js';
import { describeRef, refOf, type WorkloadRef } from '../../domain/object-ref.js';
import type { Cluster, Workload } from '../../domain/types.js';
import { readLogLines } from '../file-logs.js';
import { isFinishedState } from '../replica-report.js';
import { KeyedSerialQueue } from '../serial-queue.js';
import { type ClusterCapacity, type ClusterManager, type LogLine, type LogOptions, type ManagerCapabilities, type ManagerOptions, type SubmitOptions, type WorkloadReport } from '../types.js';
import { parseComment, refOfJobName, type SubmissionComment } from './batch.js';
import { capacityFromNodes } from './capacity.js';
import { foreignReleases } from './releases.js';
import { LocalSlurmRunner, SlurmCommands, type SlurmControl, type SlurmRunner } from './commands.js';
import { SlurmRestClient } from './rest-client.js';
import { restHostProblem, slurmRestTokenFromEnv, type SlurmRestToken } from './rest-token.js';
import type { SlurmJob } from './parse.js';
import { SshJobFiles } from './job-files.js';
import { SshSlurmRunner } from './ssh-runner.js';
import { SshConnection, type SshConnectionOptions } from '../ssh/connection.js';
import { sshCredentialsFromEnv, type SshCredentials } from '../ssh/credentials.js';
import { parseSshTarget } from '../ssh/target.js';
import { SlurmStateFiles, type Submission, type SubmissionRecord } from './records.js';
import { workloadReport } from './report.js';

export interface SlurmManagerOptions extends ManagerOptions {
  /** Replaces the local runner (tests). */
  runner?: SlurmRunner;
  /** The JWT for a cluster reached through slurmrestd (spec.slurm.restUrl). */
  restToken?: SlurmRestToken;
  /**
   * The key and known_hosts for a cluster behind a login node (spec.slurm.sshHost): then the
   * commands and the jobs' files go through one SSH connection (../ssh).
   */
  ssh?: SshCredentials &
    Pick<SshConnectionOptions, 'connectTimeoutMs' | 'serverAliveIntervalSeconds' | 'serverAliveCountMax'> & {
      /** Where on the login node the jobs write (absolute; default ~/.sky-manager/slurm). */
      jobsDir?: string;
    };
  /** How long a squeue answer is reused by status and logs calls. Default 1 s. */
  jobsMaxAgeMs?: number;
  /** How often one squeue looks for changes of this cluster's Sky jobs, pushed to onStatusChange listeners. Default 2 s. */
  watchIntervalMs?: number;
}

/** How often a followed log is read again. */
const LOG_POLL_INTERVAL_MS = 500;
const ACTIVE = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'CONFIGURING', 'RESIZING', 'RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'SUSPENDED', 'STOPPED']);

/** A squeue row of a Sky array of this cluster, with what its name and comment say. */
interface OwnJob {
  job: SlurmJob;
  ref: WorkloadRef;
  comment: SubmissionComment;
}

class SlurmManager implements ClusterManager {
  readonly capabilities: ManagerCapabilities = MANAGER_CAPABILITIES.SLURM;

  private readonly clusterName: string;
  private readonly partition: string | undefined;
  private readonly slurm: SlurmControl;
  private readonly files: SlurmStateFiles;
  private readonly jobsMaxAgeMs: number;
  /** One squeue at a time, shared by concurrent callers; `generation` discards answers older than a submit. */
  private jobsCache: { at: number; generation: number; jobs: Promise<SlurmJob[]> } | undefined;
  private generation = 0;
  /** Per workload: submit and delete of one workload never interleave. */
  private readonly perWorkload = new KeyedSerialQueue();
  /**
   * Arrays this manager cancelled for a delete: squeue may show them RUNNING for a moment after
   * scancel returns, and a submit right after (the Job placed here again) must not adopt them.
   */
  private readonly cancelled = new Set<string>();
  /** The login node's connection and the jobs' files there, for a cluster reached over SSH. */
  private readonly connection: SshConnection | undefined;
  private readonly watchIntervalMs: number;
  private readonly statusListeners = new Set<() => void>();
  private watchTimer: NodeJS.Timeout | undefined;
  private looking = false;
  /** What the last look saw of this cluster's Sky jobs (statusDigest). */
  private lastDigest: string | undefined;
  private readonly sshFiles: SshJobFiles | undefined;

  constructor(cluster: Cluster, options: SlurmManagerOptions) {
    this.clusterName = cluster.metadata.name;
    this.watchIntervalMs = options.watchIntervalMs ?? 2_000;
    const slurm = cluster.spec.slurm ?? {};
    this.partition = slurm.partition || undefined;
    const records = path.join(options.stateDir, this.clusterName);
    if (slurm.sshHost && options.ssh) {
      const { jobsDir, ...connection } = options.ssh;
      this.connection = new SshConnection({ target: parseSshTarget(slurm.sshHost), ...connection });
      this.sshFiles = new SshJobFiles(this.connection, this.clusterName, jobsDir);
      this.files = new SlurmStateFiles(records, this.sshFiles);
    } else {
      this.files = new SlurmStateFiles(records);
    }
    const slurmConf = slurm.slurmConf || undefined;
    if (slurm.restUrl && options.restToken) this.slurm = new SlurmRestClient({ url: slurm.restUrl, token: options.restToken });
    else if (this.connection) this.slurm = new SlurmCommands(options.runner ?? new SshSlurmRunner(this.connection, slurmConf));
    else this.slurm = new SlurmCommands(options.runner ?? new LocalSlurmRunner(slurmConf));
    this.jobsMaxAgeMs = options.jobsMaxAgeMs ?? 1000;
  }

  // ------------------------------------------------------------------ ClusterManager

  async capacity(): Promise<ClusterCapacity> {
    const [nodes, jobs] = await Promise.all([this.slurm.nodes(), this.jobs({ fresh: true })]);
    const own = this.ownJobs(jobs);
    const queued = own.flatMap(({ job }) =>
      job.state === 'PENDING' ? Array.from({ length: Math.max(1, job.pendingTasks.length) }, () => job.request) : [],
    );
    const ours = new Set(own.map(({ job }) => job));
    const releases = foreignReleases(jobs.filter((job) => !ours.has(job)), Date.now() / 1000);
    return { ...capacityFromNodes(nodes, { partition: this.partition, queued }), releases };
  }

  submit(workload: Workload, replicas: number, options: SubmitOptions = {}): Promise<void> {
    const unsupported = unsupportedKind('SLURM', workload.kind);
    if (unsupported) return Promise.reject(new Error(`cluster ${this.clusterName}: ${unsupported}`));
    const ref = refOf(workload);
    return this.exclusive(ref, async () => {
      const uid = workload.metadata.uid;
      const own = this.ownJobs(await this.jobs({ fresh: true })).filter((o) => sameRef(o.ref, ref));
      let record = await this.files.read(ref);

      // Same name, new object: what Slurm runs under the name belongs to the deleted one.
      await this.cancelActive(own.filter((o) => o.comment.uid !== uid));
      if (record && record.uid !== uid) {
        await this.files.remove(ref);
        record = undefined;
      }
      record ??= { ref, uid, replicas: 0, submissions: [] };
      this.adopt(record, own.filter((o) => o.comment.uid === uid));
      await this.resolveIntent(record);

      const covered = record.submissions.reduce((n, s) => Math.max(n, s.to + 1), 0);
      if (replicas < covered) await this.shrink(record, replicas);
      record.replicas = replicas;
      await this.files.write(record);
      if (replicas > covered) {
        await this.submitIndices(workload, record, covered, replicas - 1, options.firstReplicaIndex ?? 0);
      }
    });
  }

  async status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>> {
    const reports = new Map<string, WorkloadReport>();
    const records = (await Promise.all(workloads.map((ref) => this.files.read(ref)))).filter(
      (r): r is SubmissionRecord => r !== undefined,
    );
    if (records.length === 0) return reports;
    const jobs = await this.jobs();
    // Every workload's files in one read (over SSH, one remote command per 500 files).
    const files = await this.files.replicaFilesOfMany(records.map((record) => ({ ref: record.ref, indices: replicaIndices(record) })));
    records.forEach((record, i) => reports.set(describeRef(record.ref), workloadReport(record, jobs, files[i])));
    return reports;
  }

  /**
   * Workloads with a record here, and those Slurm still queues or runs for this cluster (whose
   * record may have been lost). Finished arrays Slurm merely remembers need no cleaning up.
   */
  async list(): Promise<WorkloadRef[]> {
    const refs = new Map<string, WorkloadRef>();
    for (const { job, ref } of this.ownJobs(await this.jobs({ fresh: true }))) {
      if (ACTIVE.has(job.state)) refs.set(describeRef(ref), ref);
    }
    for (const ref of await this.files.refs()) refs.set(describeRef(ref), ref);
    return [...refs.values()];
  }

  delete(ref: WorkloadRef): Promise<void> {
    return this.exclusive(ref, async () => {
      const own = this.ownJobs(await this.jobs({ fresh: true })).filter((o) => sameRef(o.ref, ref));
      for (const id of await this.cancelActive(own)) this.cancelled.add(id);
      await this.files.remove(ref);
    });
  }

  logs(ref: WorkloadRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const record = () => this.files.read(ref);
    return readLogLines(
      {
        files: async () => {
          const r = await record();
          return Promise.all(Array.from({ length: r?.replicas ?? 0 }, async (_, i) => ({ replica: i, file: await this.files.logFile(ref, i) })));
        },
        done: async () => {
          const r = await record();
          if (!r) return true;
          const report = await this.report(r, await this.jobs());
          return report.replicas.every((replica) => isFinishedState(replica.state));
        },
        read: this.sshFiles && ((file, offset) => this.sshFiles!.readFrom(file, offset)),
      },
      { ...options, pollIntervalMs: LOG_POLL_INTERVAL_MS },
    );
  }

  /** Slurm has no namespaces; a Job's namespace is part of its job name. */
  async ensureNamespace(): Promise<void> {}

  /** Ends the SSH connection, if any; otherwise every call runs its commands and is done. Jobs keep running in Slurm. */
  /**
   * `listener` is called when this cluster's Sky jobs change in Slurm (a state, a restart, a job
   * gone): one squeue per `watchIntervalMs` for all of them, compared with the last, so the Skylet
   * reports at once and polls only as a safety net. A failed squeue says nothing here (the health
   * probe reports it).
   */
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    if (!this.watchTimer) {
      this.watchTimer = setInterval(() => void this.lookForChanges(), this.watchIntervalMs);
      this.watchTimer.unref();
      // The first look now: what changes after the subscription is then told.
      void this.lookForChanges();
    }
    return () => {
      this.statusListeners.delete(listener);
      if (this.statusListeners.size === 0) this.stopWatching();
    };
  }

  async close(): Promise<void> {
    this.statusListeners.clear();
    this.stopWatching();
    await this.connection?.close();
  }

  private stopWatching(): void {
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    this.lastDigest = undefined;
  }

  private async lookForChanges(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      const digest = statusDigest(this.ownJobs(await this.jobs()).map(({ job }) => job));
      if (this.lastDigest !== undefined && digest !== this.lastDigest) for (const listener of [...this.statusListeners]) listener();
      this.lastDigest = digest;
    } catch {
      // Reported by the health probe; the next look tries again.
    } finally {
      this.looking = false;
    }
  }

  // ------------------------------------------------------------------ internals

  /** squeue, reused for `jobsMaxAgeMs` unless `fresh`; never an answer from before the last submit. */
  private jobs({ fresh = false } = {}): Promise<SlurmJob[]> {
    const cached = this.jobsCache;
    if (!fresh && cached && cached.generation === this.generation && Date.now() - cached.at < this.jobsMaxAgeMs) {
      return cached.jobs;
    }
    const jobs = this.slurm.jobs();
    this.jobsCache = { at: Date.now(), generation: this.generation, jobs };
    // A failed squeue is not reused: the next caller asks again.
    jobs.catch(() => {
      if (this.jobsCache?.jobs === jobs) this.jobsCache = undefined;
    });
    return jobs;
  }

  /** The squeue rows of this Sky cluster's arrays: a Sky job name and a comment naming this cluster. */
  private ownJobs(jobs: readonly SlurmJob[]): OwnJob[] {
    const own: OwnJob[] = [];
    for (const job of jobs) {
      const ref = refOfJobName(job.name);
      const comment = parseComment(job.comment);
      if (ref && comment && comment.cluster === this.clusterName) own.push({ job, ref, comment });
    }
    return own;
  }

  private exclusive<T>(ref: WorkloadRef, operation: () => Promise<T>): Promise<T> {
    return this.perWorkload.run(describeRef(ref), operation);
  }

  /**
   * Records the arrays Slurm runs for this workload that the record lacks (a crash right after
   * sbatch, or a lost record). Only arrays that still wait or run, or the one the recorded intent
   * was about: a finished array Slurm merely remembers belongs to an earlier run that was deleted
   * (a preemption, a failover), and a new placement here must run afresh, not adopt its end.
   */
  private adopt(record: SubmissionRecord, own: readonly OwnJob[]): void {
    const known = new Set(record.submissions.map((s) => s.jobId));
    const active = new Set(own.filter((o) => ACTIVE.has(o.job.state)).map((o) => o.job.arrayJobId));
    const intended = (c: SubmissionComment) => record.submitting?.from === c.from && record.submitting?.to === c.to;
    const found = new Map<string, Submission>();
    for (const { job, comment } of own) {
      if (known.has(job.arrayJobId) || found.has(job.arrayJobId) || this.cancelled.has(job.arrayJobId)) continue;
      if (!active.has(job.arrayJobId) && !intended(comment)) continue;
      found.set(job.arrayJobId, { jobId: job.arrayJobId, from: comment.from, to: comment.to, firstReplicaIndex: comment.firstReplicaIndex });
    }
    if (found.size === 0) return;
    const adopted = [...found.values()];
    record.submissions = [...record.submissions, ...adopted].sort((a, b) => Number(a.jobId || Infinity) - Number(b.jobId || Infinity));
    if (record.submitting && adopted.some((s) => s.from === record.submitting!.from && s.to === record.submitting!.to)) {
      record.submitting = undefined;
    }
  }

  /**
   * An intent without a job: sbatch may have answered just before a crash. Slurm did not show the
   * array (adopt ran first), so either it was never submitted, or it ran and Slurm has forgotten
   * it; its logs tell which. Submitting it again in the second case would run it twice.
   */
  private async resolveIntent(record: SubmissionRecord): Promise<void> {
    const intent = record.submitting;
    if (!intent) return;
    record.submitting = undefined;
    for (let i = intent.from; i <= intent.to; i++) {
      if ((await this.files.replicaFiles(record.ref, i)).hasLog) {
        record.submissions.push({ ...intent, jobId: '' });
        return;
      }
    }
  }

  private async shrink(record: SubmissionRecord, replicas: number): Promise<void> {
    const elements = record.submissions
      .filter((s) => s.jobId && s.to >= replicas)
      .map((s) => `${s.jobId}_[${Math.max(s.from, replicas)}-${s.to}]`);
    await this.slurm.cancel(elements);
    record.submissions = record.submissions
      .map((s) => ({ ...s, to: Math.min(s.to, replicas - 1) }))
      .filter((s) => s.from <= s.to);
  }

  private async submitIndices(workload: Workload, record: SubmissionRecord, from: number, to: number, firstReplicaIndex: number): Promise<void> {
    const ref = record.ref;
    const dir = await this.files.prepareJobDir(ref);
    const { run, envs, resources, restartPolicy } = workload.spec;
    const spec = {
      ref,
      cluster: this.clusterName,
      uid: record.uid,
      from,
      to,
      firstReplicaIndex,
      run,
      envs,
      resources,
      restartPolicy,
      partition: this.partition,
      dir,
    };
    await this.files.clearReplicas(ref, from, to);
    record.submitting = { from, to, firstReplicaIndex };
    await this.files.write(record);
    const jobId = await this.slurm.submit(spec);
    // Answers read before this submit must not be used: they would not show the new array.
    this.generation++;
    record.submissions.push({ jobId, from, to, firstReplicaIndex });
    record.submitting = undefined;
    await this.files.write(record);
  }

  /** scancel of the arrays among `own` that still wait or run; resolves with their ids. */
  private async cancelActive(own: readonly OwnJob[]): Promise<string[]> {
    const ids = [...new Set(own.filter((o) => ACTIVE.has(o.job.state)).map((o) => o.job.arrayJobId))];
    if (ids.length === 0) return ids;
    await this.slurm.cancel(ids);
    this.generation++;
    return ids;
  }

  private async report(record: SubmissionRecord, jobs: readonly SlurmJob[]): Promise<WorkloadReport> {
    return workloadReport(record, jobs, await this.files.replicaFilesOf(record.ref, replicaIndices(record)));
  }
}

function replicaIndices(record: SubmissionRecord): number[] {
  return Array.from({ length: record.replicas }, (_, i) => i);
}

function sameRef(a: WorkloadRef, b: WorkloadRef): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}

/** The factory registry.ts calls. Fails at once for what this manager cannot do. */
export function createSlurmManager(cluster: Cluster, options: SlurmManagerOptions): ClusterManager {
  const { sshHost, restUrl } = cluster.spec.slurm ?? {};
  if (restUrl) {
    const problem = restHostProblem(restUrl);
    if (problem) throw new Error(`Cluster '${cluster.metadata.name}': ${problem}`);
  }
  if (restUrl && !options.restToken) {
    // The token is the controller machine's (SKY_SLURM_JWT_FILE), never the API's.
    const restToken = slurmRestTokenFromEnv(cluster.metadata.name);
    if (!restToken) {
      throw new Error(`Cluster '${cluster.metadata.name}': spec.slurm.restUrl is "${restUrl}", but SKY_SLURM_JWT_FILE is not set on the controller machine (the file holding slurmrestd's JWT; {cluster} in it stands for the cluster's name)`);
    }
    options = { ...options, restToken };
  }
  if (sshHost && !options.runner && !options.ssh) {
    // A malformed sshHost is reported before a missing key.
    parseSshTarget(sshHost);
    // The key and known_hosts are the controller machine's (SKY_SSH_*), never the API's.
    let ssh: SshCredentials;
    try {
      ssh = sshCredentialsFromEnv();
    } catch (error) {
      throw new Error(`Cluster '${cluster.metadata.name}': spec.slurm.sshHost is "${sshHost}", but ${(error as Error).message}`);
    }
    // Where on the login nodes the jobs write (default ~/.sky-manager/slurm there).
    return new SlurmManager(cluster, { ...options, ssh: { ...ssh, jobsDir: process.env.SKY_SSH_JOBS_DIR?.trim() || undefined } });
  }
  return new SlurmManager(cluster, options);
}

/** The states of a cluster's Sky jobs as one string: equal strings, nothing to report. */
export function statusDigest(jobs: readonly SlurmJob[]): string {
  return jobs
    .map((j) => `${j.jobId}:${j.state}:${j.restarts}:${j.pendingTasks.length}`)
    .sort()
    .join(',');
}
