/** LeaderElector on a fake lease store and a fake clock: who leads, when a leader gives up, and the fence. */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElector, leaderElectionTimingsProblem } from '../../../src/controllers/leader-elector.js';
import { LeaseLock, LeaseObservations } from '../../../src/controllers/lease-lock.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeLeaseStore } from '../../helpers/fake-lease-store.js';

const TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const logger = pino({ level: 'silent' });

interface Candidate {
  elector: LeaderElector;
  events: string[];
  lock: LeaseLock;
}

function setup() {
  const clock = new FakeClock();
  const store = new FakeLeaseStore();
  const started: LeaderElector[] = [];
  const candidate = (identity: string, timings = TIMINGS): Candidate => {
    const events: string[] = [];
    const lock = new LeaseLock({ name: 'skym-controller-manager', identity, store, leaseDurationMs: timings.leaseDurationMs, now: clock.now, observations: new LeaseObservations(clock.now) });
    const elector = new LeaderElector({
      ...timings,
      lock,
      logger,
      clock,
      random: () => 0,
      callbacks: {
        onStartedLeading: (term) => void events.push(`started ${term} at ${clock.now()}`),
        onStoppedLeading: (term) => void events.push(`stopped ${term} at ${clock.now()}`),
        onNewLeader: (holder) => void events.push(`leader ${holder}`),
      },
    });
    elector.start();
    started.push(elector);
    return { elector, events, lock };
  };
  return { clock, store, candidate, started };
}

let running: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.stop()));
  running = [];
});

describe('LeaderElector', () => {
  it('lets one of two candidates lead; the other follows and knows who leads', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    await clock.advance(0);
    const b = candidate('b');
    await clock.advance(0);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(a.events).toEqual(['leader a', 'started 1 at 0']);
    expect(b.events).toEqual(['leader a']);
    expect(store.holder('skym-controller-manager')).toBe('a');
  });

  it('renews every retryPeriod while leading, and the follower never takes over', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    const b = candidate('b');
    await clock.advance(60_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    const renews = store.writes.filter((w) => w.spec.holderIdentity === 'a').length;
    // One acquire and a renew every 2 s for 60 s.
    expect(renews).toBe(31);
    expect(b.events).toEqual(['leader a']);
  });

  it('stops leading once no renew succeeded for renewDeadline, before others may judge the lease expired', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    const b = candidate('b');
    await clock.advance(0);
    store.failing = true; // the API is away for both
    await clock.advance(9_999);
    expect(a.elector.isLeader()).toBe(true);
    await clock.advance(2);
    expect(a.elector.isLeader()).toBe(false);
    await clock.advance(2_000); // the renew loop's next turn notices
    expect(a.events.at(-1)).toMatch(/^stopped 1 at 1[02]\d{3}$/);
    store.failing = false;
    // b saw a's last renew at 0: free for it from 15 s.
    await clock.advance(15_000 - clock.now() - 1);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(5_000);
    expect(b.elector.isLeader() !== a.elector.isLeader()).toBe(true);
  });

  it('gives up leading at renewDeadline even while a renew hangs', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    await clock.advance(0);
    store.hanging = true;
    await clock.advance(10_001);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toEqual(['leader a', 'started 1 at 0', 'stopped 1 at 10000']);
  });

  it('ends the term at once when another identity was found holding the lease', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    await clock.advance(0);
    const current = store.leases.get('skym-controller-manager')!;
    await store.update('skym-controller-manager', current.metadata.resourceVersion, { ...current.spec, holderIdentity: 'intruder' });
    // a's next renew CONFLICTs (its record is stale), the one after reads the intruder's record.
    await clock.advance(4_000);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toContain('leader intruder');
    expect(a.events.filter((e) => e.startsWith('stopped'))).toEqual(['stopped 1 at 4000']);
  });

  it('stop() stops the work first, then releases the lease so a follower takes over within a retry period', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    const b = candidate('b');
    await clock.advance(10_000);
    await a.elector.stop();
    expect(a.events.slice(-1)).toEqual(['stopped 1 at 10000']);
    expect(store.holder('skym-controller-manager')).toBe('');
    await clock.advance(2_000 * 2.2);
    expect(b.elector.isLeader()).toBe(true);
    expect(store.leases.get('skym-controller-manager')!.spec.leaseTransitions).toBe(1);
  });

  it('fences a term that ended: the same replica leading again does not revive it', async () => {
    const { clock, store, candidate, started } = setup();
    running = started;
    const a = candidate('a');
    await clock.advance(0);
    const first = a.elector.term;
    expect(a.elector.isLeader(first)).toBe(true);
    store.failing = true;
    await clock.advance(12_000);
    store.failing = false;
    await clock.advance(20_000);
    expect(a.elector.term).toBe(first + 1);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.elector.isLeader(first)).toBe(false);
  });
});

describe('leaderElectionTimingsProblem', () => {
  it.each([
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, undefined],
    [{ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, 'leaseDurationMs: must be greater than renewDeadlineMs (10000), got 10000'],
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 2_400, retryPeriodMs: 2_000 }, 'renewDeadlineMs: must be greater than 1.2 × retryPeriodMs (2400), got 2400'],
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 50 }, 'retryPeriodMs: must be at least 100, got 50'],
  ])('%j → %s', (timings, problem) => {
    expect(leaderElectionTimingsProblem(timings)).toBe(problem);
  });

  it('refuses to build an elector with such timings', () => {
    const store = new FakeLeaseStore();
    const lock = new LeaseLock({ name: 'x', identity: 'a', store, leaseDurationMs: 5_000 });
    const callbacks = { onStartedLeading: () => {}, onStoppedLeading: () => {} };
    expect(() => new LeaderElector({ lock, callbacks, logger, leaseDurationMs: 5_000, renewDeadlineMs: 5_000, retryPeriodMs: 1_000 })).toThrow(/leaseDurationMs/);
  });
});
