/**
 * A LeaseStore in memory with the API's optimistic concurrency (create fails when the lease
 * exists, update when its resourceVersion moved on), for unit tests of locks, electors and
 * shards. `failing` makes every call throw as an unreachable API would; `hanging`, never answer.
 */
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../src/domain/errors.js';
import type { LeaseRecord, LeaseStore, StoredLease } from '../../src/controllers/lease-lock.js';

export class FakeLeaseStore implements LeaseStore {
  readonly leases = new Map<string, StoredLease>();
  /** Every successful write, oldest first. */
  readonly writes: StoredLease[] = [];
  failing = false;
  hanging = false;
  private version = 0;

  async get(name: string): Promise<StoredLease | undefined> {
    await this.check();
    return this.leases.get(name);
  }

  async create(name: string, spec: LeaseRecord): Promise<StoredLease> {
    await this.check();
    if (this.leases.has(name)) throw new AlreadyExistsError(name);
    return this.put(name, spec);
  }

  async update(name: string, resourceVersion: string, spec: LeaseRecord): Promise<StoredLease> {
    await this.check();
    const current = this.leases.get(name);
    if (!current) throw new NotFoundError(name);
    if (current.metadata.resourceVersion !== resourceVersion) throw new ConflictError(name, resourceVersion, current.metadata.resourceVersion);
    return this.put(name, spec);
  }

  holder(name: string): string | undefined {
    return this.leases.get(name)?.spec.holderIdentity;
  }

  private put(name: string, spec: LeaseRecord): StoredLease {
    const lease = { metadata: { name, resourceVersion: String(++this.version) }, spec: { ...spec } };
    this.leases.set(name, lease);
    this.writes.push(lease);
    return lease;
  }

  private async check(): Promise<void> {
    if (this.hanging) await new Promise(() => {});
    if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:50051');
  }
}
