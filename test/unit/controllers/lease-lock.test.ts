/** LeaseLock and LeaseObservations on a fake store and a fake monotonic clock. */
import { describe, expect, it } from 'vitest';
import { LeaseLock, LeaseObservations } from '../../../src/controllers/lease-lock.js';
import { FakeLeaseStore } from '../../helpers/fake-lease-store.js';

function setup() {
  const clock = { now: 0 };
  const store = new FakeLeaseStore();
  const lock = (identity: string, leaseDurationMs = 15_000) =>
    new LeaseLock({ name: 'leader', identity, store, leaseDurationMs, now: () => clock.now, wallClock: () => new Date(Date.UTC(2026, 0, 1) + clock.now) });
  return { clock, store, lock };
}

describe('LeaseLock', () => {
  it('creates an absent lease and records the holder, duration and times', async () => {
    const { store, lock } = setup();
    expect(await lock('a').tryAcquireOrRenew()).toBe(true);
    expect(store.leases.get('leader')?.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-01-01T00:00:00.000Z',
      renewTime: '2026-01-01T00:00:00.000Z',
      leaseTransitions: 0,
    });
  });

  it('renews keeping acquireTime and the transition count', async () => {
    const { clock, store, lock } = setup();
    const a = lock('a');
    await a.tryAcquireOrRenew();
    clock.now = 2_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const spec = store.leases.get('leader')!.spec;
    expect(spec.acquireTime).toBe('2026-01-01T00:00:00.000Z');
    expect(spec.renewTime).toBe('2026-01-01T00:00:02.000Z');
    expect(spec.leaseTransitions).toBe(0);
  });

  it('does not take a lease another holds until it has gone unrenewed for its duration, by its own observation', async () => {
    const { clock, store, lock } = setup();
    await lock('a').tryAcquireOrRenew();
    const b = lock('b');
    clock.now = 1_000;
    expect(await b.tryAcquireOrRenew()).toBe(false); // first seen at 1 s
    clock.now = 15_999;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.now = 16_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(store.leases.get('leader')!.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, acquireTime: '2026-01-01T00:00:16.000Z' });
  });

  it('restarts the expiry clock whenever the holder renews', async () => {
    const { clock, lock } = setup();
    const a = lock('a');
    const b = lock('b');
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    clock.now = 10_000;
    await a.tryAcquireOrRenew();
    clock.now = 20_000;
    expect(await b.tryAcquireOrRenew()).toBe(false); // a renewed at 10 s, seen by b at 20 s
    clock.now = 35_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it('takes a released lease at once', async () => {
    const { store, lock } = setup();
    const a = lock('a');
    const b = lock('b');
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await a.release();
    expect(store.holder('leader')).toBe('');
    expect(a.heldWithin(10_000)).toBe(false);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it('lets exactly one of two racing candidates win a free lease', async () => {
    const { store, lock } = setup();
    const results = await Promise.all([lock('a').tryAcquireOrRenew(), lock('b').tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(store.writes).toHaveLength(1);
  });

  it('times holding from when the renew was sent, and lets it run out while renews fail', async () => {
    const { clock, store, lock } = setup();
    const a = lock('a');
    await a.tryAcquireOrRenew();
    expect(a.renewedAt).toBe(0);
    clock.now = 2_000;
    store.failing = true;
    await expect(a.tryAcquireOrRenew()).rejects.toThrow(/ECONNREFUSED/);
    expect(a.heldWithin(10_000)).toBe(true);
    clock.now = 10_000;
    expect(a.heldWithin(10_000)).toBe(false);
  });

  it('a holder that loses a write race keeps its clock, reads again, and renews when the lease is still its own', async () => {
    const { clock, store, lock } = setup();
    const a = lock('a');
    await a.tryAcquireOrRenew();
    // Its renew was applied but the answer lost: the store is ahead of what the lock wrote last.
    const current = store.leases.get('leader')!;
    await store.update('leader', current.metadata.resourceVersion, { ...current.spec });
    clock.now = 2_000;
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.heldWithin(10_000)).toBe(true);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(a.renewedAt).toBe(2_000);
  });

  it('stops believing it holds when it finds another holder', async () => {
    const { clock, store, lock } = setup();
    const a = lock('a', 1_000);
    await a.tryAcquireOrRenew();
    const b = lock('b', 1_000);
    await b.tryAcquireOrRenew();
    clock.now = 1_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(await a.tryAcquireOrRenew()).toBe(false); // CONFLICT: its version is stale
    expect(await a.tryAcquireOrRenew()).toBe(false); // reads b's record, not expired
    expect(a.heldWithin(1_000_000)).toBe(false);
    expect(store.holder('leader')).toBe('b');
  });
});

describe('LeaseObservations', () => {
  it('counts absent and released leases as free and keeps the first-seen time of a version', () => {
    const clock = { now: 0 };
    const seen = new LeaseObservations(() => clock.now);
    expect(seen.expired('x')).toBe(true);
    const lease = { metadata: { name: 'x', resourceVersion: '1' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 5 } };
    seen.observe(lease);
    clock.now = 4_000;
    seen.observe(lease);
    expect(seen.expired('x')).toBe(false);
    expect(seen.holder('x')).toBe('a');
    clock.now = 5_000;
    expect(seen.expired('x')).toBe(true);
    seen.observe({ metadata: { name: 'x', resourceVersion: '2' }, spec: { holderIdentity: '', leaseDurationSeconds: 5 } });
    expect(seen.expired('x')).toBe(true);
    seen.forget('x');
    expect(seen.holder('x')).toBeUndefined();
  });
});
