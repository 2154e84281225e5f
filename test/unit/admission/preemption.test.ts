import { describe, expect, it } from 'vitest';
import { choosePreemptionVictims } from '../../../src/admission/preemption.js';
import type { PreemptionCandidate, PreemptionRequest, Preemptor } from '../../../src/admission/preemption-types.js';

// A toy cohort counted in cpu only: each queue has a nominal quota; a queue's usage is the sum of
// its candidates not removed; the preemptor may borrow whatever the cohort leaves unused. Each
// replica takes 1 cpu, so a candidate frees on a cluster as many cpu as it has replicas there.
interface World {
  preemptor: Preemptor;
  candidates: PreemptionCandidate[];
  /** Nominal cpu per queue. */
  nominal: Record<string, number>;
  /** Free cpu per cluster now; absent: capacity is never short. */
  free?: Record<string, number>;
  withinQueue?: PreemptionRequest['withinQueue'];
  reclaimWithinCohort?: PreemptionRequest['reclaimWithinCohort'];
}

function usage(cpu: number) {
  return { cpu, memory: 0, gpu: 0, accelerators: [] };
}

function candidate(
  name: string,
  queue: string,
  priority: number,
  cpu: number,
  more: Partial<Pick<PreemptionCandidate, 'workDone' | 'admittedAt' | 'placements' | 'preemptedBy'>> = {},
): PreemptionCandidate {
  return {
    key: `Job/default/${name}`,
    queue,
    priority,
    usage: usage(cpu),
    admittedAt: more.admittedAt ?? 0,
    workDone: more.workDone ?? 0,
    placements: more.placements ?? [],
    preemptedBy: more.preemptedBy ?? [],
  };
}

function preemptor(name: string, queue: string, priority: number, cpu: number, preemptedBy: string[] = []): Preemptor {
  return { key: `Job/default/${name}`, queue, priority, usage: usage(cpu), preemptedBy };
}

/** The request over a World, counting the callbacks it answers. */
function request(world: World) {
  const calls = { isBorrowing: 0, preemptorWithinNominal: 0, quotaAdmits: 0, capacityFits: 0 };
  const queueUsage = (queue: string, removed: readonly PreemptionCandidate[]) => {
    const gone = new Set(removed.map((c) => c.key));
    return world.candidates.filter((c) => c.queue === queue && !gone.has(c.key)).reduce((sum, c) => sum + c.usage.cpu, 0);
  };
  const need = world.preemptor.usage.cpu;
  const freedOn = (cluster: string, removed: readonly PreemptionCandidate[]) =>
    removed.flatMap((c) => c.placements).filter((p) => p.cluster === cluster).reduce((sum, p) => sum + p.replicas, 0);
  const req: PreemptionRequest = {
    preemptor: world.preemptor,
    withinQueue: world.withinQueue ?? 'LOWER_PRIORITY',
    reclaimWithinCohort: world.reclaimWithinCohort ?? 'NEVER',
    candidates: world.candidates,
    isBorrowing(queue, removed) {
      calls.isBorrowing++;
      return queueUsage(queue, removed) > world.nominal[queue]!;
    },
    preemptorWithinNominal(removed) {
      calls.preemptorWithinNominal++;
      return queueUsage(world.preemptor.queue, removed) + need <= world.nominal[world.preemptor.queue]!;
    },
    quotaAdmits(removed) {
      calls.quotaAdmits++;
      const queues = Object.keys(world.nominal);
      const used = queues.reduce((sum, q) => sum + queueUsage(q, removed), 0);
      const quota = queues.reduce((sum, q) => sum + world.nominal[q]!, 0);
      return used + need <= quota;
    },
    capacityFits(removed, cluster) {
      calls.capacityFits++;
      const free = world.free;
      if (!free) return true;
      if (cluster !== undefined) return (free[cluster] ?? 0) + freedOn(cluster, removed) >= need;
      return Object.keys(free).reduce((sum, c) => sum + free[c]! + freedOn(c, removed), 0) >= need;
    },
  };
  return { req, calls };
}

function victimsOf(world: World): string[] | undefined {
  return choosePreemptionVictims(request(world).req)?.victims.map((v) => v.key.slice('Job/default/'.length));
}

/** Deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('choosePreemptionVictims: within the queue', () => {
  // Queue a is full (4 of 4 cpu) with one 4-cpu workload; the preemptor (priority 5) needs 2.
  it.each([
    [4, ['victim']],
    [5, undefined],
    [6, undefined],
  ])('a victim of priority %i against a preemptor of 5 gives %j', (priority, expected) => {
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 2),
      candidates: [candidate('victim', 'a', priority, 4)],
      nominal: { a: 4 },
    };
    expect(victimsOf(world)).toEqual(expected);
  });

  it('preempts nothing in the queue when withinQueue is NEVER', () => {
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 2),
      candidates: [candidate('low', 'a', 0, 4)],
      nominal: { a: 4 },
      withinQueue: 'NEVER',
    };
    expect(victimsOf(world)).toBeUndefined();
    expect(victimsOf({ ...world, withinQueue: 'LOWER_PRIORITY' })).toEqual(['low']);
  });

  it('keeps one big victim and gives the three small ones considered before it back', () => {
    // 8 of 8 cpu used; the preemptor needs 4. The small ones have the lowest priority, so they
    // are taken first (3 cpu: not enough), then big (7 cpu); minimizing drops s3, s2, s1.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 10, 4),
      candidates: [
        candidate('s1', 'a', 0, 1, { workDone: 1 }),
        candidate('s2', 'a', 0, 1, { workDone: 2 }),
        candidate('s3', 'a', 0, 1, { workDone: 3 }),
        candidate('big', 'a', 1, 4),
        candidate('keep', 'a', 9, 1),
      ],
      nominal: { a: 8 },
    };
    expect(victimsOf(world)).toEqual(['big']);
  });

  it('keeps the small victims the big one alone does not replace', () => {
    // The preemptor needs 6: big (4) plus two of the small ones. Minimizing walks back from the
    // last added: big is needed, s3 is not (s1, s2 and big free 6), then s2 and s1 are.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 10, 6),
      candidates: [
        candidate('s1', 'a', 0, 1, { workDone: 1 }),
        candidate('s2', 'a', 0, 1, { workDone: 2 }),
        candidate('s3', 'a', 0, 1, { workDone: 3 }),
        candidate('big', 'a', 1, 4),
        candidate('keep', 'a', 9, 1),
      ],
      nominal: { a: 8 },
    };
    expect(victimsOf(world)).toEqual(['s1', 's2', 'big']);
  });

  // The loser is named to come first by key, so each row fails if its rule is missing.
  it.each([
    ['priority', candidate('x', 'a', 1, 4, { workDone: 50, admittedAt: 0 }), candidate('w', 'a', 2, 4, { workDone: 0, admittedAt: 9 })],
    ['least work lost', candidate('x', 'a', 1, 4, { workDone: 5, admittedAt: 0 }), candidate('w', 'a', 1, 4, { workDone: 10, admittedAt: 9 })],
    ['most recently admitted', candidate('x', 'a', 1, 4, { workDone: 5, admittedAt: 200 }), candidate('w', 'a', 1, 4, { workDone: 5, admittedAt: 100 })],
    ['key', candidate('x', 'a', 1, 4), candidate('y', 'a', 1, 4)],
  ])('takes the one victim needed by %s', (_by, winner, loser) => {
    for (const candidates of [
      [winner, loser],
      [loser, winner],
    ]) {
      const world: World = { preemptor: preemptor('urgent', 'a', 10, 4), candidates, nominal: { a: 8 } };
      expect(victimsOf(world)).toEqual(['x']);
    }
  });

  it('never preempts the preemptor itself', () => {
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [candidate('urgent', 'a', 1, 4)],
      nominal: { a: 4 },
    };
    expect(victimsOf(world)).toBeUndefined();
  });

  it('returns undefined, not a partial set, when all allowed victims together do not make room', () => {
    // 8 of 8 used; the preemptor needs 4, and the lower-priority work is only 3 cpu.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [candidate('l1', 'a', 0, 1), candidate('l2', 'a', 0, 2), candidate('high', 'a', 9, 5)],
      nominal: { a: 8 },
    };
    expect(victimsOf(world)).toBeUndefined();
    // The same queue with 1 cpu of the higher priority work as lower priority work makes room.
    const withL3 = [candidate('l1', 'a', 0, 1), candidate('l2', 'a', 0, 2), candidate('l3', 'a', 0, 1), candidate('high', 'a', 9, 4)];
    expect(victimsOf({ ...world, candidates: withL3 })).toEqual(['l1', 'l2', 'l3']);
  });
});

describe('choosePreemptionVictims: reclaim within the cohort', () => {
  // Queue a (the preemptor's) uses none of its 4 cpu; queue b uses 8 on a nominal 4 (borrowing 4).
  const onlyHigher = [candidate('b10', 'b', 10, 4), candidate('b30', 'b', 30, 4)];
  const withLower = [candidate('b1', 'b', 1, 4, { workDone: 99 }), candidate('b10', 'b', 10, 4)];
  it.each([
    ['ANY', onlyHigher, ['b10']],
    ['LOWER_PRIORITY', onlyHigher, undefined],
    ['NEVER', onlyHigher, undefined],
    ['ANY', withLower, ['b1']],
    ['LOWER_PRIORITY', withLower, ['b1']],
    ['NEVER', withLower, undefined],
  ] as const)('with reclaimWithinCohort %s over %j gives %j', (policy, candidates, expected) => {
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [...candidates],
      nominal: { a: 4, b: 4 },
      reclaimWithinCohort: policy,
    };
    expect(victimsOf(world)).toEqual(expected);
  });

  it('does not reclaim for a preemptor that would be beyond its own nominal quota', () => {
    // b borrows 2; the preemptor needs 4 but queue a's nominal is 2, so it would borrow too.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [candidate('b1', 'b', 0, 4), candidate('b2', 'b', 0, 4)],
      nominal: { a: 2, b: 6 },
      reclaimWithinCohort: 'ANY',
    };
    expect(victimsOf(world)).toBeUndefined();
    // The same quotas with a's nominal large enough: b1 is reclaimed.
    expect(victimsOf({ ...world, nominal: { a: 4, b: 4 } })).toEqual(['b1']);
  });

  it('reclaims once evicting its own queue\'s work brings the preemptor back within nominal', () => {
    // a uses 4 of 4 (a2, priority 2); b uses 6 of 4. The preemptor needs 4: b1 comes first in
    // order but is not reclaimable until a2 is gone; then a2 and b1 together make room.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [candidate('b1', 'b', 1, 2), candidate('a2', 'a', 2, 4), candidate('b9', 'b', 9, 4)],
      nominal: { a: 4, b: 4 },
      reclaimWithinCohort: 'LOWER_PRIORITY',
    };
    expect(victimsOf(world)).toEqual(['a2', 'b1']);
  });

  it('keeps the own-queue victim that keeps the preemptor within nominal when minimizing', () => {
    // a uses 1 of 4 (a2), b 8 of 4 (b1), c 0 of 1. The preemptor needs 4: beyond a's nominal
    // until a2 goes, then b1 is reclaimed. b1 alone would satisfy the cohort's quota (5 + 4 <= 9)
    // but leave the preemptor beyond nominal, so a2 may not be given back.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [candidate('b1', 'b', 1, 4), candidate('a2', 'a', 2, 1), candidate('b9', 'b', 9, 4)],
      nominal: { a: 4, b: 4, c: 1 },
      reclaimWithinCohort: 'LOWER_PRIORITY',
    };
    expect(victimsOf(world)).toEqual(['a2', 'b1']);
  });

  it('stops reclaiming from a queue once it is back within its nominal quota', () => {
    // a uses 0 of 4, b 6 of 4, c 6 of 4; the preemptor needs 4. b's work has the lowest priority:
    // b1 is reclaimed, then b is within nominal, so c1 is next rather than b2.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [
        candidate('b1', 'b', 0, 2, { workDone: 1 }),
        candidate('b2', 'b', 0, 2, { workDone: 2 }),
        candidate('b3', 'b', 0, 2, { workDone: 3 }),
        candidate('c1', 'c', 1, 2, { workDone: 1 }),
        candidate('c2', 'c', 1, 2, { workDone: 2 }),
        candidate('c3', 'c', 1, 2, { workDone: 3 }),
      ],
      nominal: { a: 4, b: 4, c: 4 },
      reclaimWithinCohort: 'ANY',
    };
    expect(victimsOf(world)).toEqual(['b1', 'c1']);
  });

  it('never preempts back a workload that preempted the preemptor (no loops)', () => {
    // A (queue a, borrowing) preempted B before. B, at the same priority, reclaims its nominal
    // quota: A has the least work lost, but another of a's workloads goes instead.
    const candidates = [candidate('A', 'a', 5, 4, { workDone: 0 }), candidate('A2', 'a', 5, 4, { workDone: 100 })];
    const world: World = {
      preemptor: preemptor('B', 'b', 5, 4, ['Job/default/A']),
      candidates,
      nominal: { a: 4, b: 4 },
      reclaimWithinCohort: 'ANY',
    };
    expect(victimsOf(world)).toEqual(['A2']);
    expect(victimsOf({ ...world, preemptor: preemptor('B', 'b', 5, 4) })).toEqual(['A']);
    expect(victimsOf({ ...world, candidates: [candidates[0]!, candidate('A2', 'a', 9, 4)], reclaimWithinCohort: 'LOWER_PRIORITY' })).toBeUndefined();
  });
});

describe('choosePreemptionVictims: capacity short', () => {
  // Quota is ample; the clusters are full. The preemptor needs 2 replicas of 1 cpu.
  const nominal = { a: 100 };

  it('makes room on the cluster where the least work is lost', () => {
    // va alone makes room on c1 but has run 1000 replica-seconds; vb1 and vb2 on c2 only 30.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 2),
      candidates: [
        candidate('va', 'a', 0, 2, { workDone: 1000, placements: [{ cluster: 'c1', replicas: 2 }] }),
        candidate('vb1', 'a', 1, 1, { workDone: 10, placements: [{ cluster: 'c2', replicas: 1 }] }),
        candidate('vb2', 'a', 1, 1, { workDone: 20, placements: [{ cluster: 'c2', replicas: 1 }] }),
      ],
      nominal,
      free: { c1: 0, c2: 0 },
    };
    expect(choosePreemptionVictims(request(world).req)).toMatchObject({ cluster: 'c2', victims: [{ key: 'Job/default/vb1' }, { key: 'Job/default/vb2' }] });
    // With vb2's work worth more than va's, c1 is cheaper.
    world.candidates[2] = candidate('vb2', 'a', 1, 1, { workDone: 1000, placements: [{ cluster: 'c2', replicas: 1 }] });
    expect(choosePreemptionVictims(request(world).req)).toMatchObject({ cluster: 'c1', victims: [{ key: 'Job/default/va' }] });
  });

  it('breaks a tie in work lost by fewest victims, then by cluster name', () => {
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 2),
      candidates: [
        candidate('z1', 'a', 0, 1, { workDone: 5, placements: [{ cluster: 'c0', replicas: 1 }] }),
        candidate('z2', 'a', 0, 1, { workDone: 5, placements: [{ cluster: 'c0', replicas: 1 }] }),
        candidate('y', 'a', 0, 2, { workDone: 10, placements: [{ cluster: 'c9', replicas: 2 }] }),
        candidate('x', 'a', 0, 2, { workDone: 10, placements: [{ cluster: 'c5', replicas: 2 }] }),
      ],
      nominal,
      free: { c0: 0, c5: 0, c9: 0 },
    };
    expect(choosePreemptionVictims(request(world).req)).toMatchObject({ cluster: 'c5', victims: [{ key: 'Job/default/x' }] });
  });

  it('counts only victims on the cluster and what frees room there', () => {
    // c1 has 1 free; w (cheap) runs on c2 only and cannot help there; v on c1 makes room.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 2),
      candidates: [
        candidate('w', 'a', 0, 1, { workDone: 0, placements: [{ cluster: 'c2', replicas: 1 }] }),
        candidate('v', 'a', 1, 1, { workDone: 50, placements: [{ cluster: 'c1', replicas: 1 }] }),
      ],
      nominal,
      free: { c1: 1, c2: 0 },
    };
    expect(choosePreemptionVictims(request(world).req)).toEqual({ cluster: 'c1', victims: [world.candidates[1]] });
  });

  it('falls back to room across the federation when no single cluster makes it', () => {
    // Each cluster has 1 free and one 1-replica victim: 2 per cluster, 4 over both.
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 4),
      candidates: [
        candidate('v1', 'a', 0, 1, { placements: [{ cluster: 'c1', replicas: 1 }] }),
        candidate('v2', 'a', 0, 1, { placements: [{ cluster: 'c2', replicas: 1 }] }),
        candidate('high', 'a', 9, 1, { placements: [{ cluster: 'c2', replicas: 1 }] }),
      ],
      nominal,
      free: { c1: 1, c2: 1 },
    };
    const choice = choosePreemptionVictims(request(world).req);
    expect(choice?.cluster).toBeUndefined();
    expect(choice?.victims.map((v) => v.key)).toEqual(['Job/default/v1', 'Job/default/v2']);
  });

  it('returns undefined when neither a cluster nor the federation can make room', () => {
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 5),
      candidates: [
        candidate('v1', 'a', 0, 1, { placements: [{ cluster: 'c1', replicas: 1 }] }),
        candidate('v2', 'a', 0, 1, { placements: [{ cluster: 'c2', replicas: 1 }] }),
        candidate('high', 'a', 9, 1, { placements: [{ cluster: 'c2', replicas: 1 }] }),
      ],
      nominal,
      free: { c1: 1, c2: 1 },
    };
    expect(choosePreemptionVictims(request(world).req)).toBeUndefined();
  });

  it('needs no victims when nothing is short', () => {
    const world: World = { preemptor: preemptor('urgent', 'a', 5, 2), candidates: [candidate('v', 'a', 0, 1)], nominal, free: { c1: 2 } };
    expect(choosePreemptionVictims(request(world).req)).toEqual({ victims: [] });
  });
});

describe('choosePreemptionVictims: determinism and cost', () => {
  // Many ties: priority, work done and admission time each take two values.
  const many = Array.from({ length: 300 }, (_, i) =>
    candidate(`w${String(i).padStart(3, '0')}`, i % 3 === 0 ? 'b' : 'a', i % 2, 1 + (i % 3), {
      workDone: (i >> 1) % 2,
      admittedAt: (i >> 2) % 2,
      placements: [{ cluster: `c${i % 4}`, replicas: 1 + (i % 3) }],
    }),
  );

  it('gives the same victims whatever the order of the candidates', () => {
    const used = (queue: string) => many.filter((c) => c.queue === queue).reduce((sum, c) => sum + c.usage.cpu, 0);
    const quotaShort: World = {
      preemptor: preemptor('urgent', 'a', 5, 9),
      candidates: many,
      nominal: { a: used('a'), b: used('b') - 4 },
      reclaimWithinCohort: 'ANY',
    };
    const capacityShort: World = {
      preemptor: preemptor('urgent', 'a', 5, 5),
      candidates: many,
      nominal: { a: 10_000, b: 10_000 },
      free: { c0: 0, c1: 0, c2: 0, c3: 0 },
    };
    for (const world of [quotaShort, capacityShort]) {
      const expected = choosePreemptionVictims(request(world).req);
      expect(expected?.victims.length).toBeGreaterThan(1);
      for (let seed = 1; seed <= 20; seed++) {
        const again = choosePreemptionVictims(request({ ...world, candidates: shuffled(many, seed) }).req);
        expect(again).toEqual(expected);
      }
    }
  });

  it('asks the callbacks about as often as victims are chosen, not once per candidate', () => {
    // 2,000 lowest-priority candidates of a queue that does not borrow come first in order; the
    // victims are 3 of b's.
    const candidates = [
      ...Array.from({ length: 2000 }, (_, i) => candidate(`c${i}`, 'c', 0, 1)),
      ...Array.from({ length: 6 }, (_, i) => candidate(`b${i}`, 'b', 1, 2, { workDone: i })),
    ];
    const world: World = {
      preemptor: preemptor('urgent', 'a', 5, 6),
      candidates,
      nominal: { a: 6, b: 6, c: 2000 },
      reclaimWithinCohort: 'ANY',
    };
    const { req, calls } = request(world);
    expect(choosePreemptionVictims(req)?.victims.map((v) => v.key)).toEqual(['Job/default/b0', 'Job/default/b1', 'Job/default/b2']);
    const total = calls.isBorrowing + calls.preemptorWithinNominal + calls.quotaAdmits + calls.capacityFits;
    expect(total).toBeLessThan(20);
  });
});
