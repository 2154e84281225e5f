import { describe, expect, it } from 'vitest';
import { AdmissionState, LOOKAHEAD, type CycleDecision } from '../../../src/admission/admission-state.js';
import { refKey, refOf } from '../../../src/domain/object-ref.js';
import type { Workload } from '../../../src/domain/types.js';
import { CpuPool, job, priorityClass, queue } from './fixtures.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const admittedNames = (decisions: CycleDecision[]) => decisions.filter((d) => d.kind === 'admit').map((d) => (d.kind === 'admit' ? d.workload.metadata.name : ''));

/** Writes the cycle's admissions back as the API would, so the state sees them as objects. */
function writeBack(state: AdmissionState, decisions: CycleDecision[]): void {
  for (const d of decisions) {
    if (d.kind === 'admit') state.upsert({ ...d.workload, status: { ...d.workload.status, admission: d.admission } } as Workload);
  }
}

describe('AdmissionState cycle', () => {
  it('leaves work that no queue takes alone', () => {
    const state = new AdmissionState();
    state.setQueues([queue('team-a', { namespaces: ['team-a'], quota: { cpu: 4 } })]);
    state.upsert(job('elsewhere', { namespace: 'other' }));
    expect(state.cycle(new CpuPool(100), NOW).decisions).toEqual([]);
  });

  it('admits by priority, then age, until the quota is used', () => {
    const state = new AdmissionState();
    state.setQueues([queue('team-a', { namespaces: ['team-a'], quota: { cpu: 3 } })]);
    state.setPriorityClasses([priorityClass('urgent', 1000)]);
    state.upsert(job('old'));
    state.upsert(job('newer'));
    state.upsert(job('urgent', { priorityClassName: 'urgent' }));
    state.upsert(job('newest'));
    const { decisions } = state.cycle(new CpuPool(100), NOW);
    expect(admittedNames(decisions)).toEqual(['urgent', 'old', 'newer']);
    const [urgent] = decisions;
    expect(urgent.kind === 'admit' && urgent.admission).toMatchObject({ queue: 'team-a', priority: 1000, replicas: 1, usage: { cpu: 1 } });
    // The admissions are assumed until they come back: no second helping of the quota.
    expect(state.cycle(new CpuPool(100), NOW).decisions).toEqual([]);
    expect(state.queueStatus('team-a', new Map())).toMatchObject({ pending: 1, admitted: 3, usage: { cpu: 3 } });
  });

  it('never lets a head that can never fit the queue hold it, whatever the strategy', () => {
    for (const strategy of ['STRICT_FIFO', 'BEST_EFFORT_FIFO'] as const) {
      const state = new AdmissionState();
      state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 4 }, queueingStrategy: strategy })]);
      state.upsert(job('big', { cpu: 1, replicas: 8 }));
      state.upsert(job('small', { cpu: 1 }));
      const { decisions, standings } = state.cycle(new CpuPool(100), NOW);
      expect(admittedNames(decisions)).toEqual(['small']);
      expect(standings.find((s) => s.workload.metadata.name === 'big')?.queue).toMatchObject({
        reason: 'ExceedsQuota',
        message: 'can never be admitted: needs 8 cpu, more than queue q can ever hold (4 cpu)',
      });
    }
  });

  it('looks past at most LOOKAHEAD heads of a queue out of quota per cycle, leaving the rest queued', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 2 } })]);
    for (let i = 0; i < 100; i++) state.upsert(job(`j${i}`));
    const { decisions, standings } = state.cycle(new CpuPool(100), NOW);
    expect(admittedNames(decisions)).toEqual(['j0', 'j1']);
    expect(standings.map((s) => s.queue.reason)).toEqual(Array(LOOKAHEAD).fill('WaitingForQuota'));
    expect(state.pendingCount('q')).toBe(98);
    // The next cycle looks at the next ones; those looked at wait (parked) until quota frees.
    const next = state.cycle(new CpuPool(100), NOW).standings.map((s) => s.workload.metadata.name);
    expect(next).toEqual(Array.from({ length: LOOKAHEAD }, (_, i) => `j${2 + LOOKAHEAD + i}`));
  });

  it('STRICT_FIFO holds the queue behind a head waiting for quota; BEST_EFFORT_FIFO parks it until quota frees', () => {
    const strict = new AdmissionState();
    strict.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 4 }, queueingStrategy: 'STRICT_FIFO' })]);
    const running = job('running', { cpu: 3 });
    strict.upsert(running);
    writeBack(strict, strict.cycle(new CpuPool(100), NOW).decisions);
    strict.upsert(job('two', { cpu: 2 }));
    strict.upsert(job('one', { cpu: 1 }));
    const blocked = strict.cycle(new CpuPool(100), NOW);
    expect(admittedNames(blocked.decisions)).toEqual([]);
    expect(blocked.standings[0].queue).toMatchObject({ reason: 'WaitingForQuota', message: 'needs 2 cpu, queue q has 1 left; the queue is STRICT_FIFO and waits for it' });

    const best = new AdmissionState();
    best.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 4 } })]);
    best.upsert(job('running', { cpu: 3 }));
    const first = best.cycle(new CpuPool(100), NOW).decisions;
    writeBack(best, first);
    best.upsert(job('two', { cpu: 2 }));
    best.upsert(job('one', { cpu: 1 }));
    expect(admittedNames(best.cycle(new CpuPool(100), NOW).decisions)).toEqual(['one']);
    // The running job finishes: quota frees and the parked head comes back.
    const done = first[0].kind === 'admit' ? first[0] : undefined;
    best.upsert({ ...done!.workload, status: { ...done!.workload.status, admission: done!.admission, phase: 'COMPLETED' } } as Workload);
    expect(admittedNames(best.cycle(new CpuPool(100), NOW).decisions)).toEqual(['two']);
  });

  it('admits nothing from a paused queue, and says why', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], paused: true })]);
    state.upsert(job('a'));
    const { decisions, standings } = state.cycle(new CpuPool(100), NOW);
    expect(decisions).toEqual([]);
    expect(standings[0].queue.reason).toBe('QueuePaused');
    expect(state.queueStatus('q', new Map())?.phase).toBe('PAUSED');
  });

  it('admits only what fits the clusters, and holds capacity for a head past its starvation timeout', () => {
    const fresh = new AdmissionState();
    fresh.setQueues([queue('q', { namespaces: ['team-a'], starvationTimeout: 600 })]);
    fresh.upsert(job('big', { cpu: 8, createdAt: new Date(NOW - 60_000).toISOString() }));
    fresh.upsert(job('small', { cpu: 2, createdAt: new Date(NOW - 30_000).toISOString() }));
    const before = fresh.cycle(new CpuPool(4), NOW);
    expect(admittedNames(before.decisions)).toEqual(['small']);
    expect(before.standings[0].queue.reason).toBe('WaitingForCapacity');

    const starving = new AdmissionState();
    starving.setQueues([queue('q', { namespaces: ['team-a'], starvationTimeout: 600 })]);
    starving.upsert(job('big', { cpu: 8, createdAt: new Date(NOW - 3_600_000).toISOString() }));
    starving.upsert(job('small', { cpu: 2, createdAt: new Date(NOW - 30_000).toISOString() }));
    const after = starving.cycle(new CpuPool(4), NOW);
    expect(admittedNames(after.decisions)).toEqual([]);
    expect(after.standings[0].queue.message).toContain('capacity is held for it');
    // It stays at the head, not parked (the next cycle holds again); the small one waits.
    expect(starving.firstPending('q').map((w) => w.metadata.name)).toEqual(['big', 'small']);
    expect(starving.cycle(new CpuPool(4), NOW).standings.map((s) => s.workload.metadata.name)).toEqual(['big']);
  });

  it('gives busy queues of a cohort capacity in proportion to their weights (DRF)', () => {
    const state = new AdmissionState();
    state.setQueues([
      queue('light', { namespaces: ['team-a'], cohort: 'c', quota: { cpu: 30 }, weight: 1 }),
      queue('heavy', { namespaces: ['team-b'], cohort: 'c', quota: { cpu: 30 }, weight: 2 }),
    ]);
    for (let i = 0; i < 50; i++) {
      state.upsert(job(`a${i}`, { namespace: 'team-a' }));
      state.upsert(job(`b${i}`, { namespace: 'team-b' }));
    }
    const { decisions } = state.cycle(new CpuPool(30), NOW);
    const byQueue = (q: string) => decisions.filter((d) => d.kind === 'admit' && d.admission.queue === q).length;
    expect(byQueue('light')).toBe(10);
    expect(byQueue('heavy')).toBe(20);
  });

  it('lends an idle queue\'s quota to a busy one of its cohort', () => {
    const state = new AdmissionState();
    state.setQueues([queue('busy', { namespaces: ['team-a'], cohort: 'c', quota: { cpu: 4 } }), queue('idle', { namespaces: ['team-b'], cohort: 'c', quota: { cpu: 4 } })]);
    for (let i = 0; i < 10; i++) state.upsert(job(`a${i}`));
    expect(admittedNames(state.cycle(new CpuPool(100), NOW).decisions)).toHaveLength(8);
    expect(state.queueStatus('busy', new Map())?.borrowed.cpu).toBe(4);
  });

  it('says a named queue that does not exist is not found, and never admits it', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'] })]);
    const w = job('lost', { queue: 'nope' });
    state.upsert(w);
    expect(state.standingOf(w)).toMatchObject({ reason: 'QueueNotFound', message: 'queue nope does not exist' });
    expect(state.cycle(new CpuPool(100), NOW).decisions).toEqual([]);
  });

  it('forgets an admission whose write failed, and admits again from the object as it is', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 1 } })]);
    const w = job('a');
    state.upsert(w);
    expect(admittedNames(state.cycle(new CpuPool(100), NOW).decisions)).toEqual(['a']);
    state.writeFailed(refKey(refOf(w)), w);
    expect(admittedNames(state.cycle(new CpuPool(100), NOW).decisions)).toEqual(['a']);
  });

  it('admits the first 100 of 100,000 pending in one queue, in order', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 100 } })]);
    for (let i = 0; i < 100_000; i++) state.upsert(job(`j${i}`));
    const { decisions } = state.cycle(new CpuPool(1_000), NOW);
    expect(admittedNames(decisions)).toEqual(Array.from({ length: 100 }, (_, i) => `j${i}`));
    expect(state.pendingCount('q')).toBe(99_900);
  });

  it('preempts lower-priority work of its queue for an urgent job, and admits it in the same cycle', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 2 } })]);
    state.setPriorityClasses([priorityClass('urgent', 1000), priorityClass('batch', 10)]);
    state.upsert(job('batch-1', { priorityClassName: 'batch' }));
    state.upsert(job('batch-2', { priorityClassName: 'batch' }));
    writeBack(state, state.cycle(new CpuPool(100), NOW).decisions);
    state.upsert(job('urgent', { priorityClassName: 'urgent' }));
    const { decisions } = state.cycle(new CpuPool(100), NOW);
    const preempted = decisions.filter((d) => d.kind === 'preempt');
    expect(preempted).toHaveLength(1);
    const [victim] = preempted;
    expect(victim.kind === 'preempt' && victim.message).toBe('Preempted to admit team-a/urgent (priority 1000)');
    expect(victim.kind === 'preempt' && victim.preemption).toMatchObject({ by: 'Job/team-a/urgent', queue: 'q', priority: 1000 });
    expect(admittedNames(decisions)).toEqual(['urgent']);
    // The victim waits in the queue again; the quota is the urgent job's.
    expect(state.queueStatus('q', new Map())).toMatchObject({ pending: 1, admitted: 2 });
  });

  it('does not preempt for a class that never preempts, nor work of equal priority', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 1 } })]);
    state.setPriorityClasses([priorityClass('polite', 1000, { preemptionPolicy: 'NEVER' })]);
    state.upsert(job('running'));
    writeBack(state, state.cycle(new CpuPool(100), NOW).decisions);
    state.upsert(job('polite', { priorityClassName: 'polite' }));
    state.upsert(job('same'));
    expect(state.cycle(new CpuPool(100), NOW).decisions).toEqual([]);
  });

  it('takes borrowed quota back from another queue of the cohort when the lender needs it', () => {
    const state = new AdmissionState();
    state.setQueues([
      queue('lender', { namespaces: ['team-a'], cohort: 'c', quota: { cpu: 2 } }),
      queue('borrower', { namespaces: ['team-b'], cohort: 'c', quota: { cpu: 2 } }),
    ]);
    for (let i = 0; i < 4; i++) state.upsert(job(`b${i}`, { namespace: 'team-b' }));
    writeBack(state, state.cycle(new CpuPool(100), NOW).decisions);
    expect(state.book.isBorrowing('borrower')).toBe(true);
    state.upsert(job('mine', { namespace: 'team-a' }));
    const { decisions } = state.cycle(new CpuPool(100), NOW);
    expect(decisions.filter((d) => d.kind === 'preempt').map((d) => (d.kind === 'preempt' ? d.victim.metadata.namespace : ''))).toEqual(['team-b']);
    expect(admittedNames(decisions)).toEqual(['mine']);
  });

  it('stops preempting once its queue reached its rate limit for the minute', () => {
    const state = new AdmissionState();
    state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: 3 }, preemption: { maxPerMinute: 1 } })]);
    state.setPriorityClasses([priorityClass('urgent', 1000)]);
    for (let i = 0; i < 3; i++) state.upsert(job(`low-${i}`));
    writeBack(state, state.cycle(new CpuPool(100), NOW).decisions);
    state.upsert(job('urgent-1', { priorityClassName: 'urgent' }));
    state.upsert(job('urgent-2', { priorityClassName: 'urgent' }));
    const first = state.cycle(new CpuPool(100), NOW).decisions;
    expect(first.filter((d) => d.kind === 'preempt')).toHaveLength(1);
    expect(admittedNames(first)).toEqual(['urgent-1']);
    expect(state.cycle(new CpuPool(100), NOW + 1_000).decisions).toEqual([]);
    expect(admittedNames(state.cycle(new CpuPool(100), NOW + 61_000).decisions)).toEqual(['urgent-2']);
  });

  it('shares the clusters across cohorts by share too: the first cohort does not take every slot', () => {
    const state = new AdmissionState();
    state.setQueues([
      queue('first', { namespaces: ['team-a'], cohort: 'one', quota: { cpu: 100 } }),
      queue('second', { namespaces: ['team-b'], cohort: 'two', quota: { cpu: 100 } }),
    ]);
    for (let i = 0; i < 50; i++) {
      state.upsert(job(`a${i}`, { namespace: 'team-a' }));
      state.upsert(job(`b${i}`, { namespace: 'team-b' }));
    }
    const { decisions } = state.cycle(new CpuPool(20), NOW);
    const byQueue = (q: string) => decisions.filter((d) => d.kind === 'admit' && d.admission.queue === q).length;
    expect([byQueue('first'), byQueue('second')]).toEqual([10, 10]);
  });

  it('admits a grown spec again when the quota covers the difference, and says so when it does not', () => {
    for (const [quota, readmitted] of [[3, true], [2, false]] as const) {
      const state = new AdmissionState();
      state.setQueues([queue('q', { namespaces: ['team-a'], quota: { cpu: quota } })]);
      const small = job('web', { replicas: 2 });
      state.upsert(small);
      const [first] = state.cycle(new CpuPool(100), NOW).decisions;
      const admitted = first.kind === 'admit' ? first.admission : undefined;
      const grown = { ...small, metadata: { ...small.metadata, generation: 2 }, spec: { ...small.spec, replicas: 3 }, status: { ...small.status, admission: admitted } } as Workload;
      state.upsert(grown);
      const { decisions, standings } = state.cycle(new CpuPool(100), NOW);
      if (readmitted) {
        expect(decisions).toEqual([expect.objectContaining({ kind: 'admit', expected: admitted, admission: expect.objectContaining({ generation: 2, replicas: 3, usage: expect.objectContaining({ cpu: 3 }) }) })]);
      } else {
        expect(decisions).toEqual([]);
        expect(standings[0].queue).toMatchObject({ reason: 'WaitingForQuota' });
      }
    }
  });
});
