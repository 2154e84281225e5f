/** SkyletShards on a fake lease store and a fake clock: one owner per cluster at all times, and clusters move when members come and go. */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { rendezvousOwner, SkyletShards, skyletLeaseName } from '../../../src/controllers/skylet-shards.js';
import type { LeaseStore } from '../../../src/controllers/lease-lock.js';
import type { Lease } from '../../../src/domain/types.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeLeaseStore } from '../../helpers/fake-lease-store.js';

const logger = pino({ level: 'silent' });
const CLUSTERS = Array.from({ length: 30 }, (_, i) => `cluster-${i}`);

interface Replica {
  shards: SkyletShards;
  /** Clusters whose Skylet runs here: started and stopped as onChange says, as the Skylet controller does. */
  running: Set<string>;
}

function setup() {
  const clock = new FakeClock();
  const store = new FakeLeaseStore();
  const leases = { get: (name: string) => store.leases.get(name) as unknown as Lease, list: () => [...store.leases.values()] as unknown as Lease[] };
  const replicas = new Map<string, Replica>();
  /** `stopsSlowly`: Skylets that lose their cluster keep running until the test says (stopNow). */
  const add = (identity: string, { via = store as LeaseStore, stopsSlowly = false } = {}) => {
    const running = new Set<string>();
    const shards: SkyletShards = new SkyletShards({
      identity,
      store: via,
      leases,
      clusters: () => CLUSTERS,
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      renewPeriodMs: 500,
      running: (c) => running.has(c),
      onChange: (c) => (shards.owns(c) ? running.add(c) : stopsSlowly || running.delete(c)),
      logger,
      clock,
    });
    shards.start();
    replicas.set(identity, { shards, running });
    return shards;
  };
  /** Who owns each cluster now, by owns() of every replica. */
  const owners = () => new Map(CLUSTERS.map((c) => [c, [...replicas].filter(([, r]) => r.shards.owns(c)).map(([id]) => id)]));
  /** Advances time in small steps, checking at each that no cluster has two owners. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      await clock.advance(100);
      for (const [cluster, ids] of owners()) expect(ids.length, `${cluster} owned by ${ids.join(', ')} at ${clock.now()}`).toBeLessThanOrEqual(1);
    }
  };
  return { clock, store, replicas, add, owners, run };
}

let stopping: (() => Promise<void>)[] = [];
/** Stopped after the test. */
const keep = (shards: SkyletShards) => {
  stopping.push(() => shards.stop());
  return shards;
};
afterEach(async () => {
  await Promise.all(stopping.map((stop) => stop()));
  stopping = [];
});

describe('rendezvousOwner', () => {
  it('is the same for the same members in any order, and spreads clusters about evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const owner = rendezvousOwner(`c-${i}`, ['a', 'b', 'c'])!;
      expect(rendezvousOwner(`c-${i}`, ['c', 'a', 'b'])).toBe(owner);
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    for (const member of ['a', 'b', 'c']) expect(counts.get(member)).toBeGreaterThan(60);
  });

  it('moves only the clusters of a member that leaves, and gives a joining member only clusters from others', () => {
    for (let i = 0; i < 300; i++) {
      const before = rendezvousOwner(`c-${i}`, ['a', 'b', 'c'])!;
      const without = rendezvousOwner(`c-${i}`, ['a', 'b'])!;
      if (before !== 'c') expect(without).toBe(before);
      const joined = rendezvousOwner(`c-${i}`, ['a', 'b', 'c', 'd'])!;
      if (joined !== 'd') expect(joined).toBe(before);
    }
    expect(rendezvousOwner('x', [])).toBeUndefined();
  });
});

describe('SkyletShards', () => {
  it('three replicas: every cluster has exactly one owner, each replica a share, each holder in its Lease', async () => {
    const { add, owners, run, store, replicas } = setup();
    for (const id of ['r1', 'r2', 'r3']) keep(add(id));
    await run(3_000);
    for (const [cluster, ids] of owners()) {
      expect(ids, cluster).toHaveLength(1);
      expect(store.holder(skyletLeaseName(cluster))).toBe(ids[0]);
    }
    for (const [id, r] of replicas) expect(r.running.size, id).toBeGreaterThan(3);
  });

  it('a replica that dies: its clusters move to the others once its leases run out, never two owners at once', async () => {
    const { add, owners, run, replicas, store } = setup();
    keep(add('r1'));
    keep(add('r3'));
    // r2 reaches the API through a link the test cuts: then it neither renews nor releases, as a SIGKILLed process.
    let cut = false;
    const link: LeaseStore = {
      get: (name) => (cut ? new Promise(() => {}) : store.get(name)),
      create: (name, spec) => (cut ? new Promise(() => {}) : store.create(name, spec)),
      update: (name, rv, spec) => (cut ? new Promise(() => {}) : store.update(name, rv, spec)),
    };
    const r2 = add('r2', { via: link });
    await run(3_000);
    const lost = CLUSTERS.filter((c) => r2.owns(c));
    expect(lost.length).toBeGreaterThan(0);
    cut = true;
    await run(2_500);
    // Its renew deadline has passed: it acts for nothing, though its leases have not run out for the others yet.
    for (const c of lost) expect(r2.owns(c)).toBe(false);
    // Taken within one lease duration (3 s) of r2's last renew, plus a renew period or two for
    // the others to look: r1 and r3 saw each of r2's cluster leases renewed, so no lease needs a
    // second lease duration after its owner changes.
    await run(1_500);
    replicas.delete('r2');
    for (const [cluster, ids] of owners()) expect(ids, cluster).toHaveLength(1);
  });

  it('a replica that joins takes its share only after the old owner stopped those Skylets and gave their leases back', async () => {
    const { add, owners, run, replicas, store } = setup();
    keep(add('r1', { stopsSlowly: true }));
    await run(2_000);
    expect([...owners().values()].every((ids) => ids.length === 1 && ids[0] === 'r1')).toBe(true);
    const r1 = replicas.get('r1')!;
    const r2 = add('r2');
    stopping.push(() => r2.stop());
    await run(2_000);
    const moving = CLUSTERS.filter((c) => rendezvousOwner(c, ['r1', 'r2']) === 'r2');
    expect(moving.length).toBeGreaterThan(0);
    for (const c of moving) {
      // r1 acts for it no more, but its Skylet still runs: the lease stays with r1 and r2 waits.
      expect(r1.shards.owns(c)).toBe(false);
      expect(r2.owns(c)).toBe(false);
      expect(store.holder(skyletLeaseName(c))).toBe('r1');
    }
    for (const c of moving) r1.running.delete(c);
    await run(2_000);
    for (const c of moving) expect(r2.owns(c)).toBe(true);
    for (const c of CLUSTERS.filter((c) => !moving.includes(c))) expect(r1.shards.owns(c)).toBe(true);
  });

  it('stop() gives every lease back, so the others take the clusters at once', async () => {
    const { add, run, store } = setup();
    const r1 = add('r1');
    const r2 = add('r2');
    stopping.push(() => r2.stop());
    await run(2_000);
    const r1Clusters = CLUSTERS.filter((c) => r1.owns(c));
    await r1.stop();
    for (const c of r1Clusters) expect(store.holder(skyletLeaseName(c))).toBe('');
    // Its member lease too: within a renew period r2 counts only itself, and takes them over.
    await run(1_500);
    for (const c of r1Clusters) expect(r2.owns(c)).toBe(true);
  });
});
