/**
 * The LOCAL cluster manager: replicas run as process groups on this machine, within a fixed number
 * of cpu/memory/gpu slots (spec.local; by default the whole machine). It is the zero-setup cluster
 * of the quickstart, and several of different sizes can live on one machine.
 *
 * The class composes: slots.ts (what fits), replica-lifecycle.ts (how a replica's state moves),
 * local-state.ts (the replicas in memory, written through to state files), processes.ts (the
 * replicas' processes) and a SerialQueue.
 *
 * On start it reads the state back and re-checks each RUNNING replica's pid, so a restarted
 * controller adopts what still runs and never starts a replica twice. A replica's start is
 * recorded before its process exists, so even a crash in between is recognised (by the token in
 * its command line).
 *
 * Submitting again with a changed spec changes what later (re)starts run; running replicas are
 * left alone, as the process cannot be changed in place.
 *
 * A poll loop notices exits (for adopted processes, which are not our children, it is the only
 * way), restarts replicas as the restart policy says, and starts queued replicas when slots free
 * up. Every operation runs one at a time through the queue, so the loop and calls never race.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MANAGER_CAPABILITIES } from '../../domain/manager-capabilities.js';
import { describeRef, refOf, type WorkloadRef } from '../../domain/object-ref.js';
import type { Cluster, Resources, Workload } from '../../domain/types.js';
import { readLogLines } from '../file-logs.js';
import { summarizeReplicas } from '../replica-report.js';
import { SerialQueue } from '../serial-queue.js';
import { type ClusterCapacity, type ClusterManager, type LogLine, type LogOptions, type ManagerCapabilities, type ManagerOptions, type SubmitOptions, type WorkloadReport } from '../types.js';
import { LocalState, type Entry } from './local-state.js';
import { findReplicaProcess, isReplicaProcess, startReplicaProcess, stopProcessGroup } from './processes.js';
import { exited, isDue, isFinished, lostBeforeSpawn, newReplica, startFailed, starting, WAITING_FOR_SLOTS } from './replica-lifecycle.js';
import { admit, localCapacity, localSlots, slotsLeft } from './slots.js';
import { StateFiles, type ReplicaRecord, type WorkloadRecord } from './state-files.js';

export interface LocalManagerOptions extends ManagerOptions {
  /** How soon exits are noticed, exited replicas restarted and queued ones started. */
  pollIntervalMs?: number;
  /** Between SIGTERM and SIGKILL when a replica is stopped. */
  stopGracePeriodMs?: number;
  /** Delay before the first restart of an exited replica; it doubles per restart, up to a minute. */
  restartBackoffMs?: number;
}

/** How often a followed log is read again: often enough to feel live. */
const LOG_POLL_INTERVAL_MS = 200;

/** The requests of the replicas among `entries` for which `holds` is true. */
function* held(entries: Iterable<Entry>, holds: (replica: ReplicaRecord) => boolean): Generator<Resources> {
  for (const { record, replicas } of entries) {
    for (const replica of replicas) if (holds(replica)) yield record.resources;
  }
}

class LocalManager implements ClusterManager {
  readonly capabilities: ManagerCapabilities = MANAGER_CAPABILITIES.LOCAL;

  private readonly clusterName: string;
  private readonly slots: Resources;
  private readonly files: StateFiles;
  private readonly state: LocalState;
  private readonly pollIntervalMs: number;
  private readonly stopGracePeriodMs: number;
  private readonly restartBackoffMs: number;
  private readonly loaded: Promise<void>;
  private readonly queue = new SerialQueue();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** A reconcile pass is queued and has not started: another kick would only repeat it. */
  private kickQueued = false;
  /** Told after an operation that changed a replica's record (onStatusChange). */
  private readonly statusListeners = new Set<() => void>();

  constructor(cluster: Cluster, options: LocalManagerOptions) {
    this.clusterName = cluster.metadata.name;
    this.slots = localSlots(cluster.spec.local);
    this.files = new StateFiles(path.join(options.stateDir, this.clusterName));
    this.state = new LocalState(this.files);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.stopGracePeriodMs = options.stopGracePeriodMs ?? 5000;
    this.restartBackoffMs = options.restartBackoffMs ?? 1000;
    this.loaded = this.state.load();
    this.timer = setInterval(() => this.kick(), this.pollIntervalMs);
    this.timer.unref();
  }

  // ------------------------------------------------------------------ ClusterManager

  capacity(): Promise<ClusterCapacity> {
    return this.exclusive(async () => {
      await this.reconcile();
      // Queued replicas count as used, as requests of pending pods do: they are promised the slots.
      return localCapacity(this.slots, held(this.state.all(), (r) => !isFinished(r)));
    });
  }

  submit(workload: Workload, replicas: number, { firstReplicaIndex = 0 }: SubmitOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      const ref = refOf(workload);
      const existing = this.state.get(ref);
      // Same name, new object: what runs belongs to the deleted one.
      if (existing && existing.record.uid !== workload.metadata.uid) await this.remove(existing);
      const { run, envs, resources } = workload.spec;
      // A Deployment's replicas are kept alive whatever its spec says; that is what it is for.
      const restartPolicy = workload.kind === 'Deployment' ? 'ALWAYS' : workload.spec.restartPolicy;
      const record: WorkloadRecord = { ref, uid: workload.metadata.uid, run, envs, resources, restartPolicy, replicas, firstReplicaIndex };
      const entry = await this.state.putWorkload(record);

      for (const replica of entry.replicas.filter((r) => r.index >= replicas)) {
        await this.stop(replica);
        await this.state.removeReplica(entry, replica.index);
      }
      for (let index = entry.replicas.length; index < replicas; index++) await this.state.addReplica(entry, newReplica(index));
      await this.reconcile();
    });
  }

  status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>> {
    return this.exclusive(async () => {
      await this.reconcile();
      const reports = new Map<string, WorkloadReport>();
      for (const ref of workloads) {
        const entry = this.state.get(ref);
        if (entry) reports.set(describeRef(ref), this.report(entry));
      }
      return reports;
    });
  }

  list(): Promise<WorkloadRef[]> {
    return this.exclusive(async () => this.state.refs());
  }

  delete(workload: WorkloadRef): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.state.get(workload);
      if (entry) await this.remove(entry);
      else await this.state.removeWorkload(workload);
    });
  }

  logs(workload: WorkloadRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const replicas = async () => {
      await this.loaded;
      return this.state.get(workload)?.replicas ?? [];
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
    await this.queue.idle();
    this.statusListeners.clear();
  }

  // ------------------------------------------------------------------ internals

  /** Runs operations one at a time, each after the state has been read back from disk. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      await this.loaded;
      try {
        return await operation();
      } finally {
        this.notifyIfChanged();
      }
    });
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
    const entries = this.state.sorted();
    for (const entry of entries) {
      for (const replica of entry.replicas) if (replica.state === 'RUNNING') await this.observe(entry, replica);
    }
    const free = slotsLeft(this.slots, held(entries, (r) => r.state === 'RUNNING'));
    const now = Date.now();
    const due = entries.flatMap((entry) => entry.replicas.filter((r) => isDue(r, now)).map((replica) => ({ entry, replica })));
    const admitted = admit(free, due.map(({ entry }) => entry.record.resources));
    for (const [i, { entry, replica }] of due.entries()) {
      if (admitted[i]) await this.start(entry, replica);
      else if (replica.message !== WAITING_FOR_SLOTS) await this.state.update(entry, replica, { message: WAITING_FOR_SLOTS });
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
      if (replica.pid !== pid) await this.state.update(entry, replica, { pid });
      return;
    }
    if (replica.pid === undefined) {
      await this.state.update(entry, replica, lostBeforeSpawn(replica));
      return;
    }
    const exitCode = await this.files.readExitCode(entry.record.ref, replica.index);
    const { restartPolicy } = entry.record;
    await this.state.update(entry, replica, exited(replica, { exitCode, restartPolicy, restartBackoffMs: this.restartBackoffMs, now: new Date() }));
  }

  private async start(entry: Entry, replica: ReplicaRecord): Promise<void> {
    const { ref, run, envs, firstReplicaIndex = 0 } = entry.record;
    const token = randomUUID();
    await this.files.removeExitFile(ref, replica.index);
    // Recorded before the process exists: after a crash right after the spawn, the token finds it.
    await this.state.update(entry, replica, starting(replica, token, new Date()));
    let next: Partial<ReplicaRecord>;
    try {
      const pid = startReplicaProcess(
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
      next = { pid };
    } catch (error) {
      next = startFailed(replica, error as Error);
    }
    await this.state.update(entry, replica, next);
  }

  /** Stops the replica's process group if it runs. */
  private async stop(replica: ReplicaRecord): Promise<void> {
    if (replica.state !== 'RUNNING') return;
    const pid = await this.livePid(replica);
    if (pid !== undefined && replica.token) await stopProcessGroup(pid, replica.token, this.stopGracePeriodMs);
  }

  private async remove(entry: Entry): Promise<void> {
    for (const replica of entry.replicas) await this.stop(replica);
    await this.state.removeWorkload(entry.record.ref);
  }

  private notifyIfChanged(): void {
    if (!this.state.takeReplicasChanged()) return;
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
