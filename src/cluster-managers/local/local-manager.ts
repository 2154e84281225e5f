/**
 * The LOCAL cluster manager: replicas run as process groups on this machine, within a fixed number
 * of cpu/memory/gpu slots (spec.local; by default the whole machine). It is the zero-setup cluster
 * of the quickstart, and several of different sizes can live on one machine.
 *
 * In memory it keeps one Entry per workload, written through to StateFiles on every change; on
 * start it reads them back and re-checks each RUNNING replica's pid, so a restarted controller
 * adopts what still runs and never starts a replica twice. A replica's start is recorded before
 * its process exists, so even a crash in between is recognised (by the token in its command line).
 *
 * Submitting again with a changed spec changes what later (re)starts run; running replicas are
 * left alone, as the process cannot be changed in place.
 *
 * A poll loop notices exits (for adopted processes, which are not our children, it is the only
 * way), restarts replicas as the restart policy says, and starts queued replicas when slots free
 * up. Every operation runs one at a time through `exclusive`, so the loop and calls never race.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Cluster, LocalConfig, Resources, Workload } from '../../domain/types.js';
import { type ClusterCapacity, type ClusterManager, type LogLine, type LogOptions, type ManagerCapabilities, type ManagerOptions, type SubmitOptions, type WorkloadReport } from '../types.js';
import { summarizeReplicas } from '../replica-report.js';
import { readLogLines } from './logs.js';
import { findReplicaProcess, isReplicaProcess, startReplicaProcess, stopProcessGroup } from './processes.js';
import { StateFiles, type ReplicaRecord, type WorkloadRecord } from './state-files.js';
import { type WorkloadRef, refOf, describeRef } from '../../domain/object-ref.js';

export interface LocalManagerOptions extends ManagerOptions {
  /** How soon exits are noticed, exited replicas restarted and queued ones started. */
  pollIntervalMs?: number;
  /** Between SIGTERM and SIGKILL when a replica is stopped. */
  stopGracePeriodMs?: number;
  /** Delay before the first restart of an exited replica; it doubles per restart, up to a minute. */
  restartBackoffMs?: number;
}

interface Entry {
  record: WorkloadRecord;
  replicas: ReplicaRecord[];
}

const MAX_RESTART_BACKOFF_MS = 60_000;
/** How often a followed log is read again: often enough to feel live. */
const LOG_POLL_INTERVAL_MS = 200;

/** The slots a local cluster offers: what spec.local says, this machine's figures otherwise. */
function localSlots(local: LocalConfig | undefined): Resources {
  return {
    cpu: local?.cpu ?? os.cpus().length,
    memory: local?.memory ?? Math.floor(os.totalmem() / 2 ** 20),
    gpu: local?.gpu ?? 0,
  };
}

// Slots are floats: ten replicas of 0.1 cpu must fit in 1 cpu despite rounding.
const EPSILON = 1e-9;

function fits(request: Resources, free: Resources): boolean {
  return (
    request.cpu <= free.cpu + EPSILON && request.memory <= free.memory + EPSILON && request.gpu <= free.gpu + EPSILON
  );
}

function minus(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu - b.cpu, memory: a.memory - b.memory, gpu: a.gpu - b.gpu };
}

const isFinished = (r: ReplicaRecord) => r.state === 'SUCCEEDED' || r.state === 'FAILED';

class LocalManager implements ClusterManager {
  readonly capabilities: ManagerCapabilities = { kinds: ['Job', 'Deployment'], usesImage: false };

  private readonly clusterName: string;
  private readonly slots: Resources;
  private readonly files: StateFiles;
  private readonly entries = new Map<string, Entry>();
  private readonly pollIntervalMs: number;
  private readonly stopGracePeriodMs: number;
  private readonly restartBackoffMs: number;
  private readonly loaded: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** A reconcile pass is queued and has not started: another kick would only repeat it. */
  private kickQueued = false;
  /** Told after an operation that changed a replica's record (onStatusChange). */
  private readonly statusListeners = new Set<() => void>();
  private replicasChanged = false;

  constructor(cluster: Cluster, options: LocalManagerOptions) {
    this.clusterName = cluster.metadata.name;
    this.slots = localSlots(cluster.spec.local);
    this.files = new StateFiles(path.join(options.stateDir, this.clusterName));
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.stopGracePeriodMs = options.stopGracePeriodMs ?? 5000;
    this.restartBackoffMs = options.restartBackoffMs ?? 1000;
    this.loaded = this.load();
    this.timer = setInterval(() => this.kick(), this.pollIntervalMs);
    this.timer.unref();
  }

  // ------------------------------------------------------------------ ClusterManager

  capacity(): Promise<ClusterCapacity> {
    return this.exclusive(async () => {
      await this.reconcile();
      // Queued replicas count as used, as requests of pending pods do: they are promised the slots.
      let free = this.slots;
      for (const { record, replicas } of this.entries.values()) {
        for (const replica of replicas) if (!isFinished(replica)) free = minus(free, record.resources);
      }
      const allocatable = { cpu: Math.max(0, free.cpu), memory: Math.max(0, free.memory), gpu: Math.max(0, free.gpu) };
      return {
        capacity: this.slots,
        allocatable,
        nodes: [{ name: os.hostname(), capacity: this.slots, allocatable, ready: true }],
        acceleratorTypes: [],
      };
    });
  }

  submit(workload: Workload, replicas: number, { firstReplicaIndex = 0 }: SubmitOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      const ref = refOf(workload);
      let entry = this.entries.get(describeRef(ref));
      if (entry && entry.record.uid !== workload.metadata.uid) {
        // Same name, new object: what runs belongs to the deleted one.
        await this.remove(entry);
        entry = undefined;
      }
      const { run, envs, resources } = workload.spec;
      // A Deployment's replicas are kept alive whatever its spec says; that is what it is for.
      const restartPolicy = workload.kind === 'Deployment' ? 'ALWAYS' : workload.spec.restartPolicy;
      const record: WorkloadRecord = { ref, uid: workload.metadata.uid, run, envs, resources, restartPolicy, replicas, firstReplicaIndex };
      await this.files.writeWorkload(record);
      if (!entry) this.entries.set(describeRef(ref), (entry = { record, replicas: [] }));
      entry.record = record;

      for (const replica of entry.replicas.filter((r) => r.index >= replicas)) {
        await this.stop(replica);
        await this.files.removeReplica(ref, replica.index);
      }
      entry.replicas = entry.replicas.filter((r) => r.index < replicas);
      for (let index = entry.replicas.length; index < replicas; index++) {
        const replica: ReplicaRecord = { index, state: 'PENDING', restarts: 0 };
        await this.files.writeReplica(ref, replica);
        entry.replicas.push(replica);
      }
      await this.reconcile();
    });
  }

  status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>> {
    return this.exclusive(async () => {
      await this.reconcile();
      const reports = new Map<string, WorkloadReport>();
      for (const ref of workloads) {
        const entry = this.entries.get(describeRef(ref));
        if (entry) reports.set(describeRef(ref), this.report(entry));
      }
      return reports;
    });
  }

  list(): Promise<WorkloadRef[]> {
    return this.exclusive(async () => [...this.entries.values()].map((e) => e.record.ref));
  }

  delete(workload: WorkloadRef): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.entries.get(describeRef(workload));
      if (entry) await this.remove(entry);
      else await this.files.removeWorkload(workload);
    });
  }

  logs(workload: WorkloadRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const replicas = async () => {
      await this.loaded;
      return this.entries.get(describeRef(workload))?.replicas ?? [];
    };
    return readLogLines(
      {
        files: async () =>
          (await replicas()).map((r) => ({ replica: r.index, file: this.files.logFile(workload, r.index) })),
        done: async () => (await replicas()).every(isFinished),
      },
      { ...options, pollIntervalMs: LOG_POLL_INTERVAL_MS },
    );
  }

  async ensureNamespace(namespace: string): Promise<void> {
    await mkdir(this.files.namespaceDir(namespace), { recursive: true });
  }

  /**
   * `listener` is called after an operation changed a replica (started, exited, restarted):
   * a replica that exits is noticed at once (its wrapper is our child, or the next poll finds it),
   * and the Skylet need not wait for its own poll to report it.
   */
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.queue;
    this.statusListeners.clear();
  }

  // ------------------------------------------------------------------ internals

  private async load(): Promise<void> {
    for (const entry of await this.files.loadAll()) this.entries.set(describeRef(entry.record.ref), entry);
  }

  /** Runs operations one at a time, each after the state has been read back from disk. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      await this.loaded;
      try {
        return await operation();
      } finally {
        this.notifyIfChanged();
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** A reconcile pass soon; errors surface on the next call, which reconciles again. */
  private kick(): void {
    if (this.closed || this.kickQueued) return;
    this.kickQueued = true;
    this.exclusive(() => {
      this.kickQueued = false;
      return this.reconcile();
    }).catch(() => undefined);
  }

  /** Notices exits, then starts the PENDING replicas that are due, in key order, while slots last. */
  private async reconcile(): Promise<void> {
    const entries = [...this.entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
    for (const entry of entries) {
      for (const replica of entry.replicas) if (replica.state === 'RUNNING') await this.observe(entry, replica);
    }
    let free = this.slots;
    for (const { record, replicas } of entries) {
      for (const replica of replicas) if (replica.state === 'RUNNING') free = minus(free, record.resources);
    }
    const now = Date.now();
    for (const entry of entries) {
      for (const replica of entry.replicas) {
        if (replica.state !== 'PENDING' || (replica.notBefore ?? 0) > now) continue;
        if (!fits(entry.record.resources, free)) {
          await this.setMessage(entry, replica, 'waiting for free slots');
          continue;
        }
        await this.start(entry, replica);
        free = minus(free, entry.record.resources);
      }
    }
  }

  /** The replica's pid if its process is alive and ours, looking it up by token if the pid was never recorded. */
  private async livePid(replica: ReplicaRecord): Promise<number | undefined> {
    if (!replica.token) return undefined;
    if (replica.pid === undefined) return findReplicaProcess(replica.token);
    return (await isReplicaProcess(replica.pid, replica.token)) ? replica.pid : undefined;
  }

  private async observe(entry: Entry, replica: ReplicaRecord): Promise<void> {
    const pid = await this.livePid(replica);
    if (pid !== undefined) {
      if (replica.pid !== pid) await this.save(entry, Object.assign(replica, { pid }));
      return;
    }
    if (replica.pid === undefined) {
      // The controller died after recording the start and before the process existed.
      await this.save(entry, Object.assign(replica, { state: 'PENDING', token: undefined }));
      return;
    }
    await this.finish(entry, replica, await this.files.readExitCode(entry.record.ref, replica.index));
  }

  private async finish(entry: Entry, replica: ReplicaRecord, exitCode: number | undefined): Promise<void> {
    const { restartPolicy } = entry.record;
    const failed = exitCode !== 0;
    const ended = exitCode === undefined ? 'was killed by a signal' : `exited with code ${exitCode}`;
    Object.assign(replica, { pid: undefined, exitCode, finishTime: new Date().toISOString() });
    if (restartPolicy === 'ALWAYS' || (restartPolicy === 'ON_FAILURE' && failed)) {
      const delay = Math.min(MAX_RESTART_BACKOFF_MS, this.restartBackoffMs * 2 ** replica.restarts);
      Object.assign(replica, {
        state: 'PENDING',
        restarts: replica.restarts + 1,
        notBefore: Date.now() + delay,
        message: `${ended}; restarting`,
      });
    } else {
      Object.assign(replica, { state: failed ? 'FAILED' : 'SUCCEEDED', message: failed ? ended : undefined });
    }
    await this.save(entry, replica);
  }

  private async start(entry: Entry, replica: ReplicaRecord): Promise<void> {
    const { ref, run, envs, firstReplicaIndex = 0 } = entry.record;
    const token = randomUUID();
    Object.assign(replica, {
      state: 'RUNNING',
      token,
      pid: undefined,
      startTime: new Date().toISOString(),
      finishTime: undefined,
      exitCode: undefined,
      notBefore: undefined,
      message: undefined,
    });
    await this.files.removeExitFile(ref, replica.index);
    // Recorded before the process exists: after a crash right after the spawn, the token finds it.
    await this.save(entry, replica);
    try {
      replica.pid = startReplicaProcess(
        {
          run,
          cwd: this.files.workloadDir(ref),
          logFile: this.files.logFile(ref, replica.index),
          exitFile: this.files.exitFile(ref, replica.index),
          token,
          env: {
            ...process.env,
            ...Object.fromEntries(envs.map((e) => [e.name, e.value])),
            SKY_JOB_NAME: ref.name,
            SKY_NAMESPACE: ref.namespace,
            SKY_REPLICA_INDEX: String(firstReplicaIndex + replica.index),
            SKY_CLUSTER: this.clusterName,
          },
        },
        () => this.kick(),
      );
    } catch (error) {
      const message = `cannot start: ${(error as Error).message}`;
      Object.assign(replica, { state: 'FAILED', token: undefined, message });
    }
    await this.save(entry, replica);
  }

  /** Stops the replica's process group if it runs. */
  private async stop(replica: ReplicaRecord): Promise<void> {
    if (replica.state !== 'RUNNING') return;
    const pid = await this.livePid(replica);
    if (pid !== undefined && replica.token) await stopProcessGroup(pid, replica.token, this.stopGracePeriodMs);
  }

  private async remove(entry: Entry): Promise<void> {
    for (const replica of entry.replicas) await this.stop(replica);
    await this.files.removeWorkload(entry.record.ref);
    this.entries.delete(describeRef(entry.record.ref));
  }

  private async setMessage(entry: Entry, replica: ReplicaRecord, message: string): Promise<void> {
    if (replica.message !== message) await this.save(entry, Object.assign(replica, { message }));
  }

  private save(entry: Entry, replica: ReplicaRecord): Promise<void> {
    this.replicasChanged = true;
    return this.files.writeReplica(entry.record.ref, replica);
  }

  private notifyIfChanged(): void {
    if (!this.replicasChanged) return;
    this.replicasChanged = false;
    for (const listener of this.statusListeners) listener();
  }

  private report(entry: Entry): WorkloadReport {
    const replicas = entry.replicas.map(({ index, state, exitCode, restarts, startTime, finishTime, message }) => ({
      index,
      state,
      exitCode,
      restarts,
      startTime,
      finishTime,
      message,
    }));
    return summarizeReplicas(entry.record.ref, replicas, { externalId: this.files.workloadDir(entry.record.ref) });
  }
}

export function createLocalManager(cluster: Cluster, options: LocalManagerOptions): ClusterManager {
  return new LocalManager(cluster, options);
}
