/**
 * Leader election over a LeaseLock, with client-go's leaderelection semantics: candidates try to
 * take the lease every retryPeriod (jittered, so they do not knock in step); the leader renews it
 * every retryPeriod and gives up leading when no renew has succeeded for renewDeadline, which is
 * shorter than leaseDuration, so it has stopped before any other replica may judge the lease
 * expired. Unlike client-go, which leaves exiting the process to its caller, a replica that loses
 * the lease stops its work and becomes a candidate again; the term it led is over for good (see
 * `isLeader(term)`), so stragglers of that term cannot write even if it leads again.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type pino from 'pino';
import { CONTROLLER_DEFAULTS as D } from '../config/defaults.js';
import type { LeaseLock } from './lease-lock.js';

export interface LeaderElectionTimings {
  /** How long others wait, from their first sight of a renew, before they may take the lease. */
  leaseDurationMs: number;
  /** How long the leader keeps leading without a successful renew. */
  renewDeadlineMs: number;
  /** How often candidates try to acquire and the leader renews. */
  retryPeriodMs: number;
}

export const LEADER_ELECTION_DEFAULTS: LeaderElectionTimings = {
  leaseDurationMs: D.leaderElectLeaseDurationMs,
  renewDeadlineMs: D.leaderElectRenewDeadlineMs,
  retryPeriodMs: D.leaderElectRetryPeriodMs,
};

/** client-go's JitterFactor: candidates wait retryPeriod × (1 + up to this). */
export const JITTER_FACTOR = 1.2;
const MIN_RETRY_PERIOD_MS = 100;

/**
 * What is wrong with the timings, naming the setting and the limit; undefined when nothing is. A
 * renewDeadline not below leaseDuration would let two replicas lead at once; one not above
 * retryPeriod × 1.2 would give up leading after a single slow renew.
 */
export function leaderElectionTimingsProblem(
  t: LeaderElectionTimings,
  names = { lease: 'leaseDurationMs', renew: 'renewDeadlineMs', retry: 'retryPeriodMs' },
): string | undefined {
  if (!Number.isFinite(t.retryPeriodMs) || t.retryPeriodMs < MIN_RETRY_PERIOD_MS) return `${names.retry}: must be at least ${MIN_RETRY_PERIOD_MS}, got ${t.retryPeriodMs}`;
  if (!(t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) {
    return `${names.renew}: must be greater than ${JITTER_FACTOR} × ${names.retry} (${JITTER_FACTOR * t.retryPeriodMs}), got ${t.renewDeadlineMs}`;
  }
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) return `${names.lease}: must be greater than ${names.renew} (${t.renewDeadlineMs}), got ${t.leaseDurationMs}`;
  return undefined;
}

export interface ElectorClock {
  /** Monotonic milliseconds; the lock must use the same clock. */
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: ElectorClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined),
};

export interface LeaderCallbacks {
  /** This replica leads from now on, in term `term` (1, 2, …): start the work. */
  onStartedLeading(term: number): Promise<void> | void;
  /** The term ended (lease lost, or stop()): the work must have stopped when this resolves. */
  onStoppedLeading(term: number): Promise<void> | void;
  /** Another identity (or this one) was seen holding the lease. */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions extends LeaderElectionTimings {
  lock: LeaseLock;
  callbacks: LeaderCallbacks;
  logger: pino.Logger;
  clock?: ElectorClock;
  /** In [0, 1); default Math.random. */
  random?: () => number;
}

export class LeaderElector {
  private readonly lock: LeaseLock;
  private readonly timings: LeaderElectionTimings;
  private readonly callbacks: LeaderCallbacks;
  private readonly logger: pino.Logger;
  private readonly clock: ElectorClock;
  private readonly random: () => number;
  private readonly stopper = new AbortController();
  private running?: Promise<void>;
  /** The term being led, 0 while not leading. */
  private leadingTerm = 0;
  private terms = 0;
  private lastLeader?: string;

  constructor(options: LeaderElectorOptions) {
    const problem = leaderElectionTimingsProblem(options);
    if (problem !== undefined) throw new RangeError(problem);
    this.lock = options.lock;
    this.timings = { leaseDurationMs: options.leaseDurationMs, renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs };
    this.callbacks = options.callbacks;
    this.logger = options.logger;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
  }

  get identity(): string {
    return this.lock.identity;
  }

  /** The term being led; 0 while not leading. */
  get term(): number {
    return this.leadingTerm;
  }

  /**
   * The write fence: true while `term` (default the current one) is being led and the last renew
   * was sent less than renewDeadline ago, so no other replica can yet judge the lease expired.
   * Checked before every write the led work makes; a term that ended never leads again.
   */
  isLeader(term = this.leadingTerm): boolean {
    return term !== 0 && term === this.leadingTerm && this.lock.heldWithin(this.timings.renewDeadlineMs);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the term being led (its work stops first), then releases the lease for the next leader. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) break;
      const term = ++this.terms;
      this.leadingTerm = term;
      this.logger.info({ identity: this.identity, term }, `became leader (lease ${this.lock.name})`);
      try {
        await this.callbacks.onStartedLeading(term);
        await this.renew(signal);
      } catch (error) {
        this.logger.error({ err: String(error), term }, 'the led work failed to start; giving up leadership');
      }
      this.leadingTerm = 0;
      await this.callbacks.onStoppedLeading(term);
      if (signal.aborted) {
        await this.released();
        this.logger.info({ identity: this.identity, term }, `released lease ${this.lock.name}`);
      } else {
        this.logger.warn({ identity: this.identity, term }, `lost lease ${this.lock.name}; stopped leading`);
      }
    }
  }

  /** Tries every jittered retryPeriod until the lease is held; false when stopped first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      // A hung request gives way to the next try (and to stop()).
      if ((await this.attemptWithin(this.timings.renewDeadlineMs, signal)) === true) return true;
      if (signal.aborted) return false;
      await this.clock.sleep(this.timings.retryPeriodMs * (1 + this.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when stopped, or when no renew succeeded for renewDeadline. */
  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.clock.sleep(this.timings.retryPeriodMs, signal);
      if (signal.aborted) return;
      // A renew that hangs must not keep this replica leading past the deadline.
      const left = (this.lock.renewedAt ?? this.clock.now()) + this.timings.renewDeadlineMs - this.clock.now();
      if ((await this.attemptWithin(left, signal)) === true) continue;
      if (signal.aborted) return;
      // Another holds it (the attempt saw them), or no renew succeeded for renewDeadline: over.
      if (this.lock.renewedAt === undefined || !this.lock.heldWithin(this.timings.renewDeadlineMs)) return;
    }
  }

  /** An attempt, or 'deadline' when `ms` pass (or the elector stops) before it answers. */
  private async attemptWithin(ms: number, signal: AbortSignal): Promise<boolean | 'deadline'> {
    const timer = new AbortController();
    const onAbort = () => timer.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const deadline = this.clock.sleep(Math.max(0, ms), timer.signal).then(() => 'deadline' as const);
      return await Promise.race([this.attempt(), deadline]);
    } finally {
      timer.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Releases the lease, waiting at most a retryPeriod for the API (else the lease runs out by itself). */
  private async released(): Promise<void> {
    const timer = new AbortController();
    try {
      await Promise.race([this.lock.release(), this.clock.sleep(this.timings.retryPeriodMs, timer.signal)]);
    } finally {
      timer.abort();
    }
  }

  /** One tryAcquireOrRenew; an unreachable API is logged and counts as not held this time. */
  private async attempt(): Promise<boolean> {
    let held = false;
    try {
      held = await this.lock.tryAcquireOrRenew();
    } catch (error) {
      this.logger.warn({ err: String(error), lease: this.lock.name }, 'could not reach the API to acquire or renew the lease');
    }
    const holder = this.lock.holder;
    if (holder && holder !== this.lastLeader) {
      this.lastLeader = holder;
      if (holder !== this.identity) this.logger.info({ leader: holder }, `new leader: ${holder}`);
      this.callbacks.onNewLeader?.(holder);
    }
    return held;
  }
}
