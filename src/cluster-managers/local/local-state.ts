/**
 * The local cluster's workloads and their replicas, kept in memory and written through to
 * StateFiles on every change, so that a restarted controller reads back exactly what it knew.
 * It also remembers whether a replica changed since last asked, which is when the manager tells
 * its status listeners.
 */

import { describeRef, type WorkloadRef } from '../../domain/object-ref.js';
import type { ReplicaRecord, StateFiles, WorkloadRecord } from './state-files.js';

export interface Entry {
  record: WorkloadRecord;
  /** Sorted by index, 0 to record.replicas - 1. */
  replicas: ReplicaRecord[];
}

export class LocalState {
  private readonly entries = new Map<string, Entry>();
  private replicasChanged = false;

  constructor(readonly files: StateFiles) {}

  async load(): Promise<void> {
    for (const entry of await this.files.loadAll()) this.entries.set(describeRef(entry.record.ref), entry);
  }

  get(ref: WorkloadRef): Entry | undefined {
    return this.entries.get(describeRef(ref));
  }

  /** Every workload, in key order: the order in which queued replicas get slots. */
  sorted(): Entry[] {
    return [...this.entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
  }

  /** Every workload, in the order it was first recorded. */
  all(): Entry[] {
    return [...this.entries.values()];
  }

  refs(): WorkloadRef[] {
    return this.all().map((e) => e.record.ref);
  }

  /** Records what to run; the workload's replicas are kept. */
  async putWorkload(record: WorkloadRecord): Promise<Entry> {
    await this.files.writeWorkload(record);
    let entry = this.get(record.ref);
    if (!entry) this.entries.set(describeRef(record.ref), (entry = { record, replicas: [] }));
    entry.record = record;
    return entry;
  }

  /** Adds a replica that has not run yet: nothing a listener needs to hear about. */
  async addReplica(entry: Entry, replica: ReplicaRecord): Promise<void> {
    await this.files.writeReplica(entry.record.ref, replica);
    entry.replicas.push(replica);
  }

  /** Moves the replica to its next record (replica-lifecycle.ts) and writes it. */
  update(entry: Entry, replica: ReplicaRecord, next: Partial<ReplicaRecord>): Promise<void> {
    Object.assign(replica, next);
    this.replicasChanged = true;
    return this.files.writeReplica(entry.record.ref, replica);
  }

  /** Forgets one replica: its record, log and exit status. */
  async removeReplica(entry: Entry, index: number): Promise<void> {
    await this.files.removeReplica(entry.record.ref, index);
    entry.replicas = entry.replicas.filter((r) => r.index !== index);
  }

  /** Forgets the workload, on disk too; absent is fine. */
  async removeWorkload(ref: WorkloadRef): Promise<void> {
    await this.files.removeWorkload(ref);
    this.entries.delete(describeRef(ref));
  }

  /** Whether a replica changed since the last call. */
  takeReplicasChanged(): boolean {
    const changed = this.replicasChanged;
    this.replicasChanged = false;
    return changed;
  }
}
