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
 * and exit files are written by the jobs, so this directory must be one the compute nodes share
 * with the controller machine (true here, where the nodes are this machine).
 *
 * The record is replaced atomically (write, then rename): a crash leaves the old or the new one.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { KIND_INFO } from '../../domain/kinds.js';
import type { WorkloadRef } from '../../domain/object-ref.js';
import { readJsonIfPresent, readTextIfPresent, subdirectories, writeJsonAtomically } from '../fs.js';

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
  /** `<stateDir>/<cluster>`: everything of one Slurm cluster. */
  constructor(readonly root: string) {}

  workloadDir(ref: WorkloadRef): string {
    return path.join(this.root, ref.namespace, KIND_INFO[ref.kind].plural, ref.name);
  }

  logFile(ref: WorkloadRef, index: number): string {
    return path.join(this.workloadDir(ref), `${index}.log`);
  }

  async read(ref: WorkloadRef): Promise<SubmissionRecord | undefined> {
    return readJsonIfPresent<SubmissionRecord>(path.join(this.workloadDir(ref), 'submission.json'));
  }

  async write(record: SubmissionRecord): Promise<void> {
    const dir = this.workloadDir(record.ref);
    await mkdir(dir, { recursive: true });
    await writeJsonAtomically(path.join(dir, 'submission.json'), record);
  }

  /** What replica `index`'s batch script left: its exit status, restarts, and whether it logged. */
  async replicaFiles(ref: WorkloadRef, index: number): Promise<ReplicaFiles> {
    const dir = this.workloadDir(ref);
    const [exit, restarts, log] = await Promise.all([
      readTextIfPresent(path.join(dir, `${index}.exit`)),
      readTextIfPresent(path.join(dir, `${index}.restarts`)),
      exists(path.join(dir, `${index}.log`)),
    ]);
    return { exitCode: readNumber(exit), restarts: readNumber(restarts), hasLog: log };
  }

  /** Forgets what earlier runs of these indices left, before they are submitted again. */
  async clearReplicas(ref: WorkloadRef, from: number, to: number): Promise<void> {
    const dir = this.workloadDir(ref);
    const removals = [];
    for (let i = from; i <= to; i++) {
      for (const ext of ['exit', 'restarts', 'log']) removals.push(rm(path.join(dir, `${i}.${ext}`), { force: true }));
    }
    await Promise.all(removals);
  }

  remove(ref: WorkloadRef): Promise<void> {
    return rm(this.workloadDir(ref), { recursive: true, force: true });
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

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
