/**
 * A lock held by a Lease object (Kubernetes' coordination.k8s.io Lease, as client-go's
 * resourcelock uses it): the controller manager's leader lease and each cluster's Skylet lease.
 *
 * The record is written with the optimistic concurrency every object has (a create that fails
 * when the lease exists, an update that fails when its resourceVersion moved on), so two
 * candidates racing for a free lease cannot both win, on lowdb or etcd alike.
 *
 * Expiry is judged by this process's monotonic clock, from when it first saw the record it
 * still sees (client-go's observedTime), never by comparing the holder's renewTime with this
 * machine's wall clock: clocks of two machines may disagree by more than a lease duration.
 * renewTime and acquireTime are written for people and tools to read.
 */
import { performance } from 'node:perf_hooks';
import { DomainError } from '../domain/errors.js';

/** The spec of a Lease. */
export interface LeaseRecord {
  /** Who holds it; '' when released. */
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface StoredLease {
  metadata: { name: string; resourceVersion: string };
  spec: LeaseRecord;
}

/** Where a lock reads and writes its Lease; `get` may answer from a watch cache. */
export interface LeaseStore {
  /** Undefined when the lease does not exist. */
  get(name: string): Promise<StoredLease | undefined>;
  /** Throws AlreadyExistsError when it exists. */
  create(name: string, spec: LeaseRecord): Promise<StoredLease>;
  /** Compare-and-swap on `resourceVersion`: throws ConflictError when it moved on. */
  update(name: string, resourceVersion: string, spec: LeaseRecord): Promise<StoredLease>;
}

type Clock = () => number;
const monotonic: Clock = () => performance.now();

interface Observation {
  resourceVersion: string;
  holder: string;
  durationMs: number;
  /** Monotonic ms when this version was first seen. */
  since: number;
}

/**
 * What this process has seen of leases, to tell when one has expired. One instance may serve many
 * locks and readers (a replica judging every cluster's lease from its informer's events).
 */
export class LeaseObservations {
  private readonly seen = new Map<string, Observation>();

  constructor(private readonly now: Clock = monotonic) {}

  /** Call with every version seen; a version seen before keeps its first-seen time. */
  observe(lease: StoredLease): void {
    const { name, resourceVersion } = lease.metadata;
    if (this.seen.get(name)?.resourceVersion === resourceVersion) return;
    this.seen.set(name, {
      resourceVersion,
      holder: lease.spec.holderIdentity ?? '',
      durationMs: (lease.spec.leaseDurationSeconds ?? 0) * 1000,
      since: this.now(),
    });
  }

  /** The lease is gone: it counts as free. */
  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Free: never seen (absent), released, or unchanged for its whole duration since first seen. */
  expired(name: string): boolean {
    const seen = this.seen.get(name);
    if (!seen || seen.holder === '') return true;
    return this.now() - seen.since >= seen.durationMs;
  }

  /** The holder last seen, '' when released, undefined when never seen. */
  holder(name: string): string | undefined {
    return this.seen.get(name)?.holder;
  }
}

export interface LeaseLockOptions {
  name: string;
  identity: string;
  store: LeaseStore;
  leaseDurationMs: number;
  /** Shared among many locks and readers; default one of its own. */
  observations?: LeaseObservations;
  /** Monotonic ms; default performance.now. */
  now?: Clock;
  /** For acquireTime and renewTime; default the system clock. */
  wallClock?: () => Date;
}

export class LeaseLock {
  readonly name: string;
  readonly identity: string;
  private readonly store: LeaseStore;
  private readonly durationSeconds: number;
  private readonly observations: LeaseObservations;
  private readonly now: Clock;
  private readonly wallClock: () => Date;
  /** Monotonic ms at which the last successful acquire or renew was sent. */
  private renewed?: number;
  /** The version this lock last wrote or read, for the compare-and-swap of its next write. */
  private current?: StoredLease;

  constructor(options: LeaseLockOptions) {
    this.name = options.name;
    this.identity = options.identity;
    this.store = options.store;
    // Whole seconds, as the Lease records it; never 0, which would make the lease free at once.
    this.durationSeconds = Math.max(1, Math.ceil(options.leaseDurationMs / 1000));
    this.now = options.now ?? monotonic;
    this.observations = options.observations ?? new LeaseObservations(this.now);
    this.wallClock = options.wallClock ?? (() => new Date());
  }

  /** Monotonic ms at which the last successful acquire or renew was sent; undefined while not held. */
  get renewedAt(): number | undefined {
    return this.renewed;
  }

  /** The holder in the record this lock last read or wrote; undefined after a lost race. */
  get holder(): string | undefined {
    return this.current?.spec.holderIdentity;
  }

  /**
   * True while the last successful acquire or renew was sent less than `ms` ago. Timed from the
   * sending, not the answer: others may have seen the write as soon as it was made, so a slow
   * answer must not lengthen the time this holder believes it holds.
   */
  heldWithin(ms: number): boolean {
    return this.renewed !== undefined && this.now() - this.renewed < ms;
  }

  /**
   * One attempt, as client-go's tryAcquireOrRenew: renews when this identity holds the lease,
   * takes it when it is absent, released or expired, and answers whether this identity holds it
   * afterwards. Losing a race (CONFLICT, ALREADY_EXISTS) answers false; other failures (the API
   * unreachable) are thrown, and leave heldWithin() to run out.
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const sentAt = this.now();
    const stamp = this.wallClock().toISOString();
    try {
      // A holder renews the version it wrote last: a cache behind the store would only make it
      // CONFLICT with itself.
      const existing = (this.renewed !== undefined ? this.current : undefined) ?? (await this.store.get(this.name));
      if (existing) this.observe(existing);
      if (!existing) {
        const created = await this.store.create(this.name, this.record(stamp, stamp, 0));
        return this.won(created, sentAt);
      }
      const spec = existing.spec;
      const mine = spec.holderIdentity === this.identity;
      if (!mine && !this.observations.expired(this.name)) return this.lost();
      // Renewing keeps acquireTime and the transition count; taking it over counts a transition.
      const next = mine
        ? this.record(spec.acquireTime ?? stamp, stamp, spec.leaseTransitions ?? 0)
        : this.record(stamp, stamp, (spec.leaseTransitions ?? 0) + 1);
      const updated = await this.store.update(this.name, existing.metadata.resourceVersion, next);
      return this.won(updated, sentAt);
    } catch (error) {
      if (!(error instanceof DomainError && (error.code === 'CONFLICT' || error.code === 'ALREADY_EXISTS'))) throw error;
      // Someone else wrote first. A holder does not let go yet: the next attempt reads what is
      // there (its own last renew, whose answer was lost, or a new holder) and heldWithin() runs
      // out meanwhile as for any failed renew.
      this.current = undefined;
      return false;
    }
  }

  /**
   * Gives the lease up if this identity holds it, so another may take it at once instead of
   * waiting out its duration. Best effort: a failure leaves the lease to expire.
   */
  async release(): Promise<void> {
    const held = this.current;
    const wasHeld = this.renewed !== undefined;
    this.renewed = undefined;
    if (!wasHeld || !held || held.spec.holderIdentity !== this.identity) return;
    const stamp = this.wallClock().toISOString();
    try {
      const released = await this.store.update(this.name, held.metadata.resourceVersion, {
        ...held.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: stamp,
      });
      this.observe(released);
    } catch {
      // Someone else wrote it meanwhile, or the API is away: the lease runs out by itself.
    }
  }

  private record(acquireTime: string, renewTime: string, leaseTransitions: number): LeaseRecord {
    return { holderIdentity: this.identity, leaseDurationSeconds: this.durationSeconds, acquireTime, renewTime, leaseTransitions };
  }

  private observe(lease: StoredLease): void {
    this.current = lease;
    this.observations.observe(lease);
  }

  private won(lease: StoredLease, sentAt: number): boolean {
    this.observe(lease);
    this.renewed = sentAt;
    return true;
  }

  private lost(): boolean {
    this.renewed = undefined;
    return false;
  }
}
