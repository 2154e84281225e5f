/**
 * The local cluster's memory on disk, so that a restarted controller knows what runs:
 *
 *   <stateDir>/<cluster>/<namespace>/<jobs|deployments>/<name>/
 *     workload.json   what to run and how many replicas (WorkloadRecord)
 *     <i>.json        replica i: pid, token, state, times, exit code (ReplicaRecord)
 *     <i>.log         replica i's stdout and stderr, appended across restarts
 *     <i>.exit        exit status, written by the replica's wrapper shell
 *
 * The kind is part of the path because a Job and a Deployment may share a name. JSON files are
 * replaced atomically (write, then rename), so a crash leaves the old or the new file, never half.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { KIND_INFO } from '../../domain/kinds.js';
import type { EnvVar, Resources, RestartPolicy } from '../../domain/types.js';
import type { WorkloadKind, WorkloadRef } from '../../domain/object-ref.js';
import type { ReplicaState } from '../types.js';
import { readJsonIfPresent, subdirectories, writeJsonAtomically } from '../fs.js';

export interface WorkloadRecord {
  ref: WorkloadRef;
  /** The API object's uid: a workload deleted and created again under the same name is a new one. */
  uid: string;
  run: string;
  envs: EnvVar[];
  resources: Resources;
  restartPolicy: RestartPolicy;
  /** Replicas this cluster should run. */
  replicas: number;
  /** SKY_REPLICA_INDEX of this cluster's replica 0 (SubmitOptions.firstReplicaIndex); absent in old files. */
  firstReplicaIndex?: number;
}

export interface ReplicaRecord {
  index: number;
  state: ReplicaState;
  /** Random per start, carried in the process's command line to recognise it after a restart. */
  token?: string;
  /** Absent for a moment after the start is recorded and before the process exists. */
  pid?: number;
  restarts: number;
  startTime?: string;
  finishTime?: string;
  exitCode?: number;
  message?: string;
  /** Restart backoff: a PENDING replica starts no earlier than this (ms since the epoch). */
  notBefore?: number;
}

const PLURAL_TO_KIND = new Map<string, WorkloadKind>([
  [KIND_INFO.Job.plural, 'Job'],
  [KIND_INFO.Deployment.plural, 'Deployment'],
]);

export class StateFiles {
  /** `<stateDir>/<cluster>`: everything of one local cluster. */
  constructor(readonly root: string) {}

  namespaceDir(namespace: string): string {
    return path.join(this.root, namespace);
  }

  workloadDir(ref: WorkloadRef): string {
    return path.join(this.namespaceDir(ref.namespace), KIND_INFO[ref.kind].plural, ref.name);
  }

  logFile(ref: WorkloadRef, index: number): string {
    return path.join(this.workloadDir(ref), `${index}.log`);
  }

  exitFile(ref: WorkloadRef, index: number): string {
    return path.join(this.workloadDir(ref), `${index}.exit`);
  }

  async writeWorkload(record: WorkloadRecord): Promise<void> {
    await mkdir(this.workloadDir(record.ref), { recursive: true });
    await writeJsonAtomically(path.join(this.workloadDir(record.ref), 'workload.json'), record);
  }

  writeReplica(ref: WorkloadRef, replica: ReplicaRecord): Promise<void> {
    return writeJsonAtomically(path.join(this.workloadDir(ref), `${replica.index}.json`), replica);
  }

  /** The exit status the wrapper recorded, if it got to write one. */
  async readExitCode(ref: WorkloadRef, index: number): Promise<number | undefined> {
    try {
      const text = (await readFile(this.exitFile(ref, index), 'utf8')).trim();
      return text === '' ? undefined : Number(text);
    } catch {
      return undefined;
    }
  }

  /** Forgets one replica: its record, log and exit status. */
  async removeReplica(ref: WorkloadRef, index: number): Promise<void> {
    const dir = this.workloadDir(ref);
    await Promise.all(['json', 'log', 'exit'].map((ext) => rm(path.join(dir, `${index}.${ext}`), { force: true })));
  }

  /** Clears what a previous start of replica `index` left, before it starts afresh. */
  removeExitFile(ref: WorkloadRef, index: number): Promise<void> {
    return rm(this.exitFile(ref, index), { force: true });
  }

  removeWorkload(ref: WorkloadRef): Promise<void> {
    return rm(this.workloadDir(ref), { recursive: true, force: true });
  }

  /** Every workload on disk with its replicas, sorted by index. */
  async loadAll(): Promise<{ record: WorkloadRecord; replicas: ReplicaRecord[] }[]> {
    const found = [];
    for (const namespace of await subdirectories(this.root)) {
      for (const plural of await subdirectories(this.namespaceDir(namespace))) {
        const kind = PLURAL_TO_KIND.get(plural);
        if (!kind) continue;
        for (const name of await subdirectories(path.join(this.namespaceDir(namespace), plural))) {
          const dir = this.workloadDir({ kind, namespace, name });
          const record = await readJsonIfPresent<WorkloadRecord>(path.join(dir, 'workload.json'));
          if (!record) continue;
          const files = (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f));
          const replicas = (await Promise.all(files.map((f) => readJsonIfPresent<ReplicaRecord>(path.join(dir, f)))))
            .filter((r): r is ReplicaRecord => r !== undefined)
            .sort((a, b) => a.index - b.index);
          found.push({ record, replicas });
        }
      }
    }
    return found;
  }
}
