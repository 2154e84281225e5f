/**
 * Queue and PriorityClass against a MemoryStore, without GraphQL: spec checks that name the field
 * and the limit, the initial status, one global default, and an immutable value.
 */
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../../src/domain/errors.js';
import { MAX_CLUSTER_RESOURCES, MAX_QUEUE_WEIGHT } from '../../../src/domain/limits.js';
import type { ResolverContext } from '../../../src/resolvers/context.js';
import { priorityClassResolvers } from '../../../src/resolvers/priority-class.js';
import { queueResolvers } from '../../../src/resolvers/queue.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

const context = (): ResolverContext => ({ store: new MemoryStore(), bookmarkIntervalMs: 1000 });

async function refusal(write: Promise<unknown>): Promise<BadUserInputError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadUserInputError);
  return error as BadUserInputError;
}

describe('Queue', () => {
  it('starts ACTIVE (PAUSED when paused) with nothing used, and fills the defaults', async () => {
    const ctx = context();
    const queue = await queueResolvers.create(ctx, { input: { metadata: { name: 'team-a' }, spec: { quota: { cpu: 8, memory: 16_384 }, namespaces: ['team-a'] } } });
    const zero = { cpu: 0, memory: 0, gpu: 0, accelerators: [] };
    expect(queue.status).toEqual({ phase: 'ACTIVE', conditions: [], usage: zero, borrowed: zero, pending: 0, admitted: 0, share: 0 });
    expect(queue.spec).toMatchObject({ weight: 1, queueingStrategy: 'BEST_EFFORT_FIFO', paused: false, quota: { cpu: 8, memory: 16_384, accelerators: [] } });
    const paused = await queueResolvers.create(ctx, { input: { metadata: { name: 'held' }, spec: { paused: true } } });
    expect(paused.status.phase).toBe('PAUSED');
  });

  it('refuses a quota figure over its limit, naming the field and the limit', async () => {
    const error = await refusal(queueResolvers.create(context(), { input: { metadata: { name: 'big' }, spec: { quota: { cpu: MAX_CLUSTER_RESOURCES.cpu * 2 } } } }));
    expect(error.field).toBe('input.spec.quota.cpu');
    expect(error.message).toContain(String(MAX_CLUSTER_RESOURCES.cpu));
  });

  it('refuses a negative figure, a fractional GPU count, a bad accelerator and a weight out of range', async () => {
    const ctx = context();
    const create = (spec: Record<string, unknown>) => queueResolvers.create(ctx, { input: { metadata: { name: 'q' }, spec } });
    expect((await refusal(create({ quota: { memory: -1 } }))).field).toBe('input.spec.quota.memory');
    expect((await refusal(create({ borrowingLimit: { gpu: 1.5 } }))).field).toBe('input.spec.borrowingLimit.gpu');
    expect((await refusal(create({ quota: { accelerators: [{ name: 'A 100', gpu: 1 }] } }))).field).toBe('input.spec.quota.accelerators[0].name');
    const weight = await refusal(create({ weight: MAX_QUEUE_WEIGHT + 1 }));
    expect(weight.field).toBe('input.spec.weight');
    expect(weight.message).toContain(String(MAX_QUEUE_WEIGHT));
  });

  it('checks status writes: usage figures and counts name their field', async () => {
    const ctx = context();
    await queueResolvers.create(ctx, { input: { metadata: { name: 'q' }, spec: {} } });
    const written = await queueResolvers.updateStatus(ctx, {
      input: { metadata: { name: 'q' }, status: { phase: 'ACTIVE', usage: { cpu: 3, memory: 2048, gpu: 1, accelerators: [{ name: 'A100', gpu: 1 }] }, pending: 4, admitted: 2, share: 0.5 } },
    });
    expect(written.status).toMatchObject({ usage: { cpu: 3, accelerators: [{ name: 'A100', gpu: 1 }] }, borrowed: { cpu: 0 }, pending: 4, admitted: 2, share: 0.5 });
    const status = (s: Record<string, unknown>) => queueResolvers.updateStatus(ctx, { input: { metadata: { name: 'q' }, status: { phase: 'ACTIVE', ...s } as never } });
    expect((await refusal(status({ pending: -1 }))).field).toBe('input.status.pending');
    expect((await refusal(status({ borrowed: { cpu: 1, memory: 0, gpu: 0.5 } }))).field).toBe('input.status.borrowed.gpu');
    expect((await refusal(status({ usage: { cpu: 0, memory: 0, gpu: 2, accelerators: [{ name: 'A100', gpu: 1 }, { name: 'A100', gpu: 1 }] } }))).field).toBe(
      'input.status.usage.accelerators[1].name',
    );
  });
});

describe('PriorityClass', () => {
  const create = (ctx: ResolverContext, name: string, spec: Record<string, unknown>) =>
    priorityClassResolvers.create(ctx, { input: { metadata: { name }, spec: spec as never } });

  it('defaults the policy and description and starts ACTIVE', async () => {
    const pc = await create(context(), 'urgent', { value: 1000 });
    expect(pc.spec).toEqual({ value: 1000, preemptionPolicy: 'PREEMPT_LOWER_PRIORITY', description: '', globalDefault: false });
    expect(pc.status).toEqual({ phase: 'ACTIVE', conditions: [] });
  });

  it('refuses a second global default, naming spec.globalDefault and the class that is one', async () => {
    const ctx = context();
    await create(ctx, 'normal', { value: 0, globalDefault: true });
    const error = await refusal(create(ctx, 'other', { value: 5, globalDefault: true }));
    expect(error.field).toBe('input.spec.globalDefault');
    expect(error.message).toContain('normal');
    // Not a default: fine; made one by an update: refused the same way.
    const other = await create(ctx, 'other', { value: 5 });
    const update = priorityClassResolvers.update(ctx, { input: { metadata: { name: 'other', resourceVersion: other.metadata.resourceVersion }, spec: { value: 5, globalDefault: true } } });
    expect((await refusal(update)).message).toContain('normal');
    // The default itself may be written again as the default.
    const normal = await priorityClassResolvers.get(ctx, { name: 'normal' });
    const redescribed = await priorityClassResolvers.update(ctx, {
      input: { metadata: { name: 'normal', resourceVersion: normal.metadata.resourceVersion }, spec: { value: 0, globalDefault: true, description: 'the usual' } },
    });
    expect(redescribed.spec.description).toBe('the usual');
  });

  it('refuses a dry-run create that would be a second default too', async () => {
    const ctx = context();
    await create(ctx, 'normal', { value: 0, globalDefault: true });
    const dryRun = priorityClassResolvers.create(ctx, { input: { metadata: { name: 'x' }, spec: { value: 1, globalDefault: true } }, dryRun: true } as never);
    expect((await refusal(dryRun)).field).toBe('input.spec.globalDefault');
  });

  it('keeps value immutable: an update that changes it is refused, naming the field', async () => {
    const ctx = context();
    const pc = await create(ctx, 'urgent', { value: 1000 });
    const error = await refusal(priorityClassResolvers.update(ctx, { input: { metadata: { name: 'urgent', resourceVersion: pc.metadata.resourceVersion }, spec: { value: 2000 } } }));
    expect(error.field).toBe('input.spec.value');
    expect(error.message).toContain('1000');
    const same = await priorityClassResolvers.update(ctx, {
      input: { metadata: { name: 'urgent', resourceVersion: pc.metadata.resourceVersion }, spec: { value: 1000, preemptionPolicy: 'NEVER' } },
    });
    expect(same.spec.preemptionPolicy).toBe('NEVER');
  });

  it('refuses a value outside the bounds and an unknown policy', async () => {
    const ctx = context();
    expect((await refusal(create(ctx, 'huge', { value: 2e9 }))).field).toBe('input.spec.value');
    expect((await refusal(create(ctx, 'odd', { value: 1, preemptionPolicy: 'SOMETIMES' }))).field).toBe('input.spec.preemptionPolicy');
  });
});
