/**
 * Which controller-manager replica runs each cluster's Skylet, so several replicas share the
 * clusters and a dead replica's clusters move to the others within a lease duration.
 *
 * Every replica announces itself with a member Lease (holder = its identity), renewed every
 * renew period; the live members are those whose member lease has not run out by this replica's
 * own observation. Each cluster belongs to the live member that rendezvous hashing ranks first
 * for it, so a member joining or leaving moves only its own share of the clusters. A replica runs
 * a cluster's Skylet only while it holds the cluster's Lease: it takes the lease when the cluster
 * comes to it, renews it, and gives it back once the cluster's owner has changed and its Skylet
 * has stopped; the next owner takes a dead holder's lease when it has gone unrenewed for its
 * duration. `owns()` is the fence of every write and member-cluster change a Skylet makes.
 */
import { createHash } from 'node:crypto';
import type pino from 'pino';
import type { ObjectCache } from '../client/informer.js';
import { dnsLabel } from '../domain/dns-label.js';
import type { Lease } from '../domain/types.js';
import { realClock, type ElectorClock } from './leader-elector.js';
import { LeaseLock, LeaseObservations, type LeaseStore } from './lease-lock.js';

export const MEMBER_LEASE_PREFIX = 'skym-member-';
export const SKYLET_LEASE_PREFIX = 'skylet-';

export const memberLeaseName = (identity: string) => dnsLabel(`${MEMBER_LEASE_PREFIX}${identity}`);
export const skyletLeaseName = (cluster: string) => dnsLabel(`${SKYLET_LEASE_PREFIX}${cluster}`);

/** The member rendezvous hashing ranks first for `cluster` (highest hash of the pair, ties by name). */
export function rendezvousOwner(cluster: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = '';
  for (const member of members) {
    const score = createHash('sha256').update(member).update('\0').update(cluster).digest('hex');
    if (best === undefined || score > bestScore || (score === bestScore && member < best)) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

export interface SkyletShardsOptions {
  identity: string;
  /** Writes go to the API; reads may come from the leases cache. */
  store: LeaseStore;
  /** Every Lease, from a watch: the members are found there. */
  leases: ObjectCache<Lease>;
  /** The names of the clusters that exist now. */
  clusters: () => string[];
  leaseDurationMs: number;
  /** A holder acts only while its last successful renew was sent less than this long ago. */
  renewDeadlineMs: number;
  /** How often leases are renewed and ownership looked at again. */
  renewPeriodMs: number;
  /** Whether this replica still runs the cluster's Skylet (its lease is given back only after). */
  running: (cluster: string) => boolean;
  /** `owns(cluster)` may have changed: the Skylet controller should look at the cluster again. */
  onChange: (cluster: string) => void;
  logger: pino.Logger;
  clock?: ElectorClock;
  /** Lease writes in flight at once; default 16. */
  concurrency?: number;
}

export class SkyletShards {
  readonly identity: string;
  private readonly options: SkyletShardsOptions;
  private readonly clock: ElectorClock;
  private readonly observations: LeaseObservations;
  private readonly member: LeaseLock;
  private readonly locks = new Map<string, LeaseLock>();
  /** Clusters whose owner is now another member: not owned from that moment, released once stopped. */
  private readonly leaving = new Set<string>();
  /** What owns() answered at the last tick, to tell the Skylet controller of each change. */
  private owned = new Set<string>();
  private readonly stopper = new AbortController();
  private running?: Promise<void>;

  constructor(options: SkyletShardsOptions) {
    this.options = options;
    this.identity = options.identity;
    this.clock = options.clock ?? realClock;
    this.observations = new LeaseObservations(this.clock.now);
    this.member = this.lock(memberLeaseName(options.identity));
  }

  /** Whether this replica may act for the cluster now: it holds the cluster's lease and keeps it. */
  owns(cluster: string): boolean {
    if (this.leaving.has(cluster)) return false;
    return this.locks.get(cluster)?.heldWithin(this.options.renewDeadlineMs) ?? false;
  }

  /** The identities of the live members, this one included while its member lease holds. */
  members(): string[] {
    const live = new Set<string>();
    for (const lease of this.options.leases.list()) {
      if (!lease.metadata.name.startsWith(MEMBER_LEASE_PREFIX)) continue;
      this.observations.observe({ metadata: lease.metadata, spec: lease.spec });
      const holder = lease.spec.holderIdentity;
      if (holder && !this.observations.expired(lease.metadata.name)) live.add(holder);
    }
    if (this.member.heldWithin(this.options.renewDeadlineMs)) live.add(this.identity);
    else live.delete(this.identity);
    return [...live].sort();
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops looking, then gives back every lease (call once the Skylets have stopped). */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running;
    await Promise.all([...this.locks.values()].map((lock) => lock.release()));
    await this.member.release();
  }

  /** One look: renew the member lease, then take, keep or give back each cluster's. */
  async tick(): Promise<void> {
    await this.attempt(this.member);
    this.observeClusterLeases();
    const members = this.members();
    const clusters = new Set(this.options.clusters());
    const work: (() => Promise<void>)[] = [];
    for (const cluster of clusters) {
      if (rendezvousOwner(cluster, members) === this.identity) {
        this.leaving.delete(cluster);
        work.push(() => this.attempt(this.clusterLock(cluster)));
      } else if (this.locks.get(cluster)?.renewedAt !== undefined) {
        this.leaving.add(cluster);
      }
    }
    for (const cluster of [...this.leaving, ...[...this.locks.keys()].filter((c) => !clusters.has(c))]) {
      if (this.options.running(cluster)) continue;
      work.push(async () => {
        await this.locks.get(cluster)?.release();
        this.leaving.delete(cluster);
        if (!clusters.has(cluster)) this.locks.delete(cluster);
      });
    }
    await inBatches(work, this.options.concurrency ?? 16);
    this.announceChanges(clusters);
  }

  /**
   * Every cluster lease as it is now, whoever holds it: the clock of a dead holder's lease then
   * starts at its last renew, not when this replica becomes the cluster's owner (which would
   * add a second lease duration to every move).
   */
  private observeClusterLeases(): void {
    for (const lease of this.options.leases.list()) {
      if (lease.metadata.name.startsWith(SKYLET_LEASE_PREFIX)) this.observations.observe({ metadata: lease.metadata, spec: lease.spec });
    }
  }

  private announceChanges(clusters: ReadonlySet<string>): void {
    const now = new Set([...clusters].filter((c) => this.owns(c)));
    for (const cluster of new Set([...now, ...this.owned])) {
      if (now.has(cluster) === this.owned.has(cluster)) continue;
      this.options.logger.info({ cluster, identity: this.identity }, now.has(cluster) ? `took cluster ${cluster}` : `gave up cluster ${cluster}`);
      this.options.onChange(cluster);
    }
    this.owned = now;
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        this.options.logger.warn({ err: String(error) }, 'could not look at the cluster leases');
      }
      await this.clock.sleep(this.options.renewPeriodMs, signal);
    }
  }

  private clusterLock(cluster: string): LeaseLock {
    let lock = this.locks.get(cluster);
    if (!lock) this.locks.set(cluster, (lock = this.lock(skyletLeaseName(cluster))));
    return lock;
  }

  private lock(name: string): LeaseLock {
    const { identity, store, leaseDurationMs } = this.options;
    return new LeaseLock({ name, identity, store, leaseDurationMs, observations: this.observations, now: this.clock.now });
  }

  /** An unreachable API counts as not renewed this time; the deadline decides when that matters. */
  private async attempt(lock: LeaseLock): Promise<void> {
    try {
      await lock.tryAcquireOrRenew();
    } catch (error) {
      this.options.logger.warn({ err: String(error), lease: lock.name }, 'could not renew a lease');
    }
  }
}

async function inBatches(work: readonly (() => Promise<void>)[], size: number): Promise<void> {
  for (let i = 0; i < work.length; i += size) await Promise.all(work.slice(i, i + size).map((job) => job()));
}
