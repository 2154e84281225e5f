/**
 * What the Slurm manager keeps on disk, per workload:
 *
 *   <stateDir>/<cluster>/<namespace>/jobs/<name>/
 *     submission.json   the Sky uid, the replica count, and the Slurm submissions (SubmissionRecord)
 *     <i>.log           replica i's stdout and stderr, written by Slurm (--output=%a.log)
 *     <i>.exit          replica i's exit status, written by its batch script
 *     <i>.restarts      how often the batch script restarted the command (ON_FAILURE, ALWAYS)
 *
 * Slurm itself is the truth for what is queued and running; this record is what survives after
 * Slurm forgets a finished job (MinJobAge, as there is no accounting database to ask), so that a
 * restarted controller neither submits a finished Job again nor loses its exit codes. The logs
 * and exit files are written by the jobs, so they live where the compute nodes write (JobFiles,
 * ./job-files.ts): in this same directory when the nodes share this machine's filesystem, or
 * under the same relative path in the login node's ~/.sky-manager/slurm/<cluster> over SSH.
 *
 * The record is replaced atomically (write, then rename): a crash leaves the old or the new one.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { KIND_INFO } from '../../domain/kinds.js';
import type { WorkloadRef } from '../../domain/object-ref.js';
import { readJsonIfPresent, subdirectories, writeJsonAtomically } from '../fs.js';
import { LocalJobFiles, type JobFiles } from './job-files.js';

export interface Submission {
  /** The array's job id; empty when it was submitted but its id never got recorded (see `submitting`). */
  jobId: string;
  /** Array indices it covers, inclusive; shrinking the workload lowers `to`. */
  from: number;
  to: number;
  firstReplicaIndex: number;
}

export interface SubmissionRecord {
  ref: WorkloadRef;
  uid: string;
  /** Replicas this cluster should run: indices 0 .. replicas-1. */
  replicas: number;
  /** In submission order; for an index, the last one covering it is the one that runs it. */
  submissions: Submission[];
  /**
   * Written just before sbatch and cleared just after its job id is recorded: if a crash comes in
   * between, the next submit looks for the job in Slurm (by name and comment) before it submits.
   */
  submitting?: Omit<Submission, 'jobId'>;
}

export interface ReplicaFiles {
  exitCode?: number;
  restarts?: number;
  hasLog: boolean;
}

function readNumber(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const value = Number(trimmed);
  return Number.isInteger(value) ? value : undefined;
}

export class SlurmStateFiles {
  /**
   * `root` is `<stateDir>/<cluster>`: the records of one Slurm cluster; `jobFiles` says where its
   * jobs write (default beside the records).
   */
  constructor(
    readonly root: string,
    readonly jobFiles: JobFiles = new LocalJobFiles(root),
  ) {}

  workloadDir(ref: WorkloadRef): string {
    return path.join(this.root, relativeDir(ref));
  }

  /** Where the workload's jobs write their logs and exit files (made by prepareJobDir). */
  async jobDir(ref: WorkloadRef): Promise<string> {
    return path.posix.join(await this.jobFiles.root(), relativeDir(ref));
  }

  async logFile(ref: WorkloadRef, index: number): Promise<string> {
    return path.posix.join(await this.jobDir(ref), `${index}.log`);
  }

  async read(ref: WorkloadRef): Promise<SubmissionRecord | undefined> {
    return readJsonIfPresent<SubmissionRecord>(path.join(this.workloadDir(ref), 'submission.json'));
  }

  async write(record: SubmissionRecord): Promise<void> {
    const dir = this.workloadDir(record.ref);
    await mkdir(dir, { recursive: true });
    await writeJsonAtomically(path.join(dir, 'submission.json'), record);
  }

  /** Before sbatch: Slurm writes the logs into the directory but does not create it. */
  async prepareJobDir(ref: WorkloadRef): Promise<string> {
    const dir = await this.jobDir(ref);
    await this.jobFiles.prepare(dir);
    return dir;
  }

  /** What replica `index`'s batch script left: its exit status, restarts, and whether it logged. */
  async replicaFiles(ref: WorkloadRef, index: number): Promise<ReplicaFiles> {
    return (await this.replicaFilesOf(ref, [index])).get(index)!;
  }

  /** replicaFiles of several replicas, read together (one remote command over SSH). */
  async replicaFilesOf(ref: WorkloadRef, indices: readonly number[]): Promise<Map<number, ReplicaFiles>> {
    return (await this.replicaFilesOfMany([{ ref, indices }]))[0];
  }

  /**
   * replicaFilesOf of many workloads at once, in their order: over SSH one remote command per
   * 500 files for a whole status call, not one per workload.
   */
  async replicaFilesOfMany(wanted: readonly { ref: WorkloadRef; indices: readonly number[] }[]): Promise<Map<number, ReplicaFiles>[]> {
    const file = (ref: WorkloadRef, index: number, suffix: string) => path.posix.join(relativeDir(ref), `${index}.${suffix}`);
    const { texts, existing } = await this.jobFiles.inspect(await this.jobFiles.root(), {
      read: wanted.flatMap(({ ref, indices }) => indices.flatMap((i) => [file(ref, i, 'exit'), file(ref, i, 'restarts')])),
      exist: wanted.flatMap(({ ref, indices }) => indices.map((i) => file(ref, i, 'log'))),
    });
    return wanted.map(({ ref, indices }) => {
      const of = (i: number): ReplicaFiles => ({
        exitCode: readNumber(texts.get(file(ref, i, 'exit'))),
        restarts: readNumber(texts.get(file(ref, i, 'restarts'))),
        hasLog: existing.has(file(ref, i, 'log')),
      });
      return new Map(indices.map((i) => [i, of(i)]));
    });
  }

  /** Forgets what earlier runs of these indices left, before they are submitted again. */
  async clearReplicas(ref: WorkloadRef, from: number, to: number): Promise<void> {
    const names: string[] = [];
    for (let i = from; i <= to; i++) names.push(`${i}.exit`, `${i}.restarts`, `${i}.log`);
    await this.jobFiles.remove(await this.jobDir(ref), names);
  }

  /** The record, and what the jobs left where they ran. */
  async remove(ref: WorkloadRef): Promise<void> {
    const local = this.workloadDir(ref);
    const jobs = await this.jobDir(ref);
    await rm(local, { recursive: true, force: true });
    if (jobs !== local) await this.jobFiles.removeTree(jobs);
  }

  /** Every workload with a record on disk. */
  async refs(): Promise<WorkloadRef[]> {
    const refs: WorkloadRef[] = [];
    const plural = KIND_INFO.Job.plural;
    for (const namespace of await subdirectories(this.root)) {
      for (const name of await subdirectories(path.join(this.root, namespace, plural))) {
        const ref: WorkloadRef = { kind: 'Job', namespace, name };
        if (await exists(path.join(this.workloadDir(ref), 'submission.json'))) refs.push(ref);
      }
    }
    return refs;
  }
}

/** `<namespace>/jobs/<name>`: the same under the records' root and the jobs' root. */
function relativeDir(ref: WorkloadRef): string {
  return path.posix.join(ref.namespace, KIND_INFO[ref.kind].plural, ref.name);
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
