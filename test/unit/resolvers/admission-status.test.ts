/**
 * The admission controller's write (setJobAdmission) against a MemoryStore: its precondition on
 * the admission it decided from, the fields it owns (and those it leaves to the scheduler and the
 * Skylets), the preemptions it keeps, and its checks.
 */
import { describe, expect, it } from 'vitest';
import { BadUserInputError, PreconditionFailedError } from '../../../src/domain/errors.js';
import type { Admission } from '../../../src/domain/types.js';
import type { ResolverContext } from '../../../src/resolvers/context.js';
import { ensureDefaultNamespace } from '../../../src/resolvers/namespace.js';
import { jobResolvers, jobStatusResolvers } from '../../../src/resolvers/workload.js';
import type { AdmissionDecisionInput } from '../../../src/resolvers/workload-status.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

const NOW = new Date('2030-01-02T03:04:05.000Z');

async function withJob(): Promise<ResolverContext> {
  const ctx = { store: new MemoryStore(), bookmarkIntervalMs: 1000, now: () => NOW };
  await ensureDefaultNamespace(ctx);
  await jobResolvers.create(ctx, { input: { metadata: { name: 'train' }, spec: { run: 'true', replicas: 2, resources: { cpu: 2 } } } });
  return ctx;
}

const admission = (queue = 'team-a', priority = 100): Admission => ({
  queue,
  priority,
  admittedAt: '2030-01-02T03:00:00.000Z',
  generation: 1,
  replicas: 2,
  usage: { cpu: 4, memory: 0, gpu: 0, accelerators: [] },
});

const decide = (ctx: ResolverContext, decision: Omit<AdmissionDecisionInput, 'name'>) =>
  jobStatusResolvers.setAdmission(ctx, { input: { name: 'train', ...decision } });

describe('setJobAdmission', () => {
  it('admits a workload expected unadmitted, with its queue, conditions and the phase kept', async () => {
    const ctx = await withJob();
    const admitted = await decide(ctx, {
      expectedAdmission: null,
      admission: admission(),
      queue: { name: 'team-a', reason: 'Admitted', message: 'admitted by queue team-a' },
      conditions: [{ type: 'Admitted', status: 'True', reason: 'Admitted' }],
    });
    expect(admitted.status.admission).toEqual(admission());
    expect(admitted.status.queue).toEqual({ name: 'team-a', reason: 'Admitted', message: 'admitted by queue team-a' });
    expect(admitted.status.conditions).toEqual([{ type: 'Admitted', status: 'True', reason: 'Admitted', lastTransitionTime: NOW.toISOString() }]);
    expect(admitted.status.phase).toBe('PENDING');
  });

  it('is refused with CONFLICT when the admission is not the one expected, and not retried', async () => {
    const ctx = await withJob();
    await decide(ctx, { admission: admission() });
    // Decided from a view in which it was not admitted.
    const refused = await decide(ctx, { expectedAdmission: null, admission: admission('team-b') }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PreconditionFailedError);
    expect((refused as PreconditionFailedError).code).toBe('CONFLICT');
    // Decided from another admission (another priority).
    await expect(decide(ctx, { expectedAdmission: admission('team-a', 5), admission: undefined })).rejects.toThrow(/expected it admitted by queue team-a/);
    // Expected it admitted, it is not.
    const fresh = await withJob();
    await expect(decide(fresh, { expectedAdmission: admission(), admission: undefined })).rejects.toThrow(/it is not admitted/);
    const job = await jobResolvers.get(ctx, { name: 'train' });
    expect(job.status.admission?.queue).toBe('team-a');
  });

  it('withdraws an admission and records the preemption, keeping the newest five', async () => {
    const ctx = await withJob();
    await decide(ctx, { admission: admission() });
    let expected: Admission | undefined = admission();
    for (let i = 0; i < 7; i++) {
      const preemption = { by: `Job/default/urgent-${i}`, queue: 'team-b', priority: 1000, at: `2030-01-02T03:0${i}:00.000Z` };
      const job = await decide(ctx, {
        expectedAdmission: expected ?? null,
        admission: i % 2 === 0 ? null : admission(),
        queue: { name: 'team-a', reason: 'Preempted', message: `preempted by urgent-${i}` },
        preemption,
        conditions: [{ type: 'Preempted', status: 'True', reason: 'Preempted', message: `Preempted to admit default/urgent-${i} (priority 1000)` }],
      });
      expected = job.status.admission;
    }
    const job = await jobResolvers.get(ctx, { name: 'train' });
    expect(job.status.preemptions?.map((p) => p.by)).toEqual([2, 3, 4, 5, 6].map((i) => `Job/default/urgent-${i}`));
    expect(job.status.admission).toBeUndefined();
    expect(job.status.conditions.map((c) => c.type)).toEqual(['Preempted']);
  });

  it("leaves the scheduler's and the Skylets' fields and conditions alone, and replaces only its own", async () => {
    const ctx = await withJob();
    await jobStatusResolvers.setPlacements(ctx, {
      input: { name: 'train', generation: 1, expectedPlacements: [], placements: [{ cluster: 'a', replicas: 2 }], conditions: [{ type: 'Scheduled', status: 'True' }] },
    });
    await jobStatusResolvers.reportReplicas(ctx, { input: { name: 'train', cluster: 'a', running: 2, conditions: [{ type: 'ImageIgnored', status: 'True' }] } });
    const before = await jobResolvers.get(ctx, { name: 'train' });
    await decide(ctx, { admission: admission(), conditions: [{ type: 'Admitted', status: 'True' }, { type: 'Preempted', status: 'False' }] });
    const after = await decide(ctx, { expectedAdmission: admission(), admission: admission(), conditions: [{ type: 'Admitted', status: 'True' }] });
    expect(after.status.placements).toEqual(before.status.placements);
    expect(after.status.replicaStatus).toEqual(before.status.replicaStatus);
    expect(after.status.observedGeneration).toBe(1);
    expect(after.status.phase).toBe('RUNNING');
    // Its earlier Preempted is gone (it replaces its own); the others' conditions stay as they were.
    expect(after.status.conditions.map((c) => c.type).sort()).toEqual(['Admitted', 'ImageIgnored', 'Scheduled']);
    expect(after.status.conditions.filter((c) => c.type !== 'Admitted')).toEqual(before.status.conditions);
  });

  it('refuses a condition it does not own and bad inputs, naming the field', async () => {
    const ctx = await withJob();
    const field = async (decision: Omit<AdmissionDecisionInput, 'name'>) => {
      const error = await decide(ctx, decision).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadUserInputError);
      return (error as BadUserInputError).field;
    };
    expect(await field({ conditions: [{ type: 'Scheduled', status: 'True' }] })).toBe('input.conditions[0].type');
    expect(await field({ admission: { ...admission(), usage: { cpu: -1, memory: 0, gpu: 0 } } })).toBe('input.admission.usage.cpu');
    expect(await field({ admission: { ...admission(), queue: 'Team A' } })).toBe('input.admission.queue');
    expect(await field({ admission: { ...admission(), admittedAt: 'yesterday' } })).toBe('input.admission.admittedAt');
    expect(await field({ admission: { ...admission(), generation: 0 } })).toBe('input.admission.generation');
    expect(await field({ expectedAdmission: { ...admission(), priority: 1.5 } })).toBe('input.expectedAdmission.priority');
    expect(await field({ queue: { name: 'team-a', position: 0, reason: 'WaitingForQuota', message: '' } })).toBe('input.queue.position');
    expect(await field({ queue: { name: 'team-a', reason: 'Sleeping' as never, message: '' } })).toBe('input.queue.reason');
    expect(await field({ preemption: { by: 'urgent', queue: 'team-b', priority: 1, at: NOW.toISOString() } })).toBe('input.preemption.by');
  });
});
