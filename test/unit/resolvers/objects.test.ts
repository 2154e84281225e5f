/**
 * The generic resolvers against a MemoryStore, without GraphQL: metadata assignment, the
 * namespace checks around a create, status-write retries, and the namespace cascade.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '../../../src/domain/errors.js';
import type { Namespace, SkyObject } from '../../../src/domain/types.js';
import type { ResolverContext } from '../../../src/resolvers/context.js';
import { ensureDefaultNamespace, namespaceResolvers } from '../../../src/resolvers/namespace.js';
import { jobResolvers } from '../../../src/resolvers/workload.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

const NOW = new Date('2030-01-02T03:04:05.000Z');

async function context(store = new MemoryStore()): Promise<ResolverContext & { store: MemoryStore }> {
  const ctx = { store, bookmarkIntervalMs: 1000, now: () => NOW };
  await ensureDefaultNamespace(ctx);
  return ctx;
}

describe('create', () => {
  it('assigns uid, generation, creationTimestamp and fills defaults', async () => {
    const ctx = await context();
    const job = await jobResolvers.create(ctx, { input: { metadata: { name: 'hello' }, spec: { run: 'echo' } } });
    expect(job.metadata).toMatchObject({ name: 'hello', namespace: 'default', generation: 1, creationTimestamp: NOW.toISOString(), labels: {}, annotations: {} });
    expect(job.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.status).toEqual({ phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] });
    const other = await jobResolvers.create(ctx, { input: { metadata: { name: 'other' }, spec: {} } });
    expect(other.metadata.uid).not.toBe(job.metadata.uid);
  });

  it('removes its object again when the namespace started deleting during the write', async () => {
    const ctx = await context();
    await namespaceResolvers.create(ctx, { input: { metadata: { name: 'team' } } });
    // A cascade begins right after the create's first check: model it by flipping the phase
    // inside store.create, just before the object lands.
    const store = ctx.store;
    const create = store.create.bind(store);
    store.create = async (object: SkyObject) => {
      if (object.kind === 'Job') await namespaceResolvers.updateStatus(ctx, { input: { metadata: { name: 'team' }, status: { phase: 'DELETING' } } });
      return create(object);
    };
    await expect(jobResolvers.create(ctx, { input: { metadata: { name: 'late', namespace: 'team' }, spec: {} } })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await store.get({ kind: 'Job', namespace: 'team', name: 'late' })).toBeUndefined();
  });
});

describe('updateStatus', () => {
  it('without resourceVersion retries on CONFLICT; with one, reports it', async () => {
    const ctx = await context();
    await jobResolvers.create(ctx, { input: { metadata: { name: 'j' }, spec: {} } });
    const store = ctx.store;
    const update = store.update.bind(store);
    let conflicts = 2;
    store.update = async (object, expected) => {
      if (conflicts-- > 0) throw new ConflictError('jobs/default/j', expected ?? '', 'newer');
      return update(object, expected);
    };
    const written = await jobResolvers.updateStatus(ctx, { input: { metadata: { name: 'j' }, status: { phase: 'RUNNING' } } });
    expect(written.status.phase).toBe('RUNNING');
    expect(conflicts).toBe(-1);

    conflicts = 1;
    const rv = written.metadata.resourceVersion;
    await expect(
      jobResolvers.updateStatus(ctx, { input: { metadata: { name: 'j', resourceVersion: rv }, status: { phase: 'FAILED' } } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('never changes spec or generation', async () => {
    const ctx = await context();
    const job = await jobResolvers.create(ctx, { input: { metadata: { name: 'j' }, spec: { replicas: 3 } } });
    const written = await jobResolvers.updateStatus(ctx, { input: { metadata: { name: 'j', labels: { ignored: 'yes' } }, status: { phase: 'SCHEDULED' } } });
    expect(written.spec).toEqual(job.spec);
    expect(written.metadata.generation).toBe(1);
    expect(written.metadata.labels).toEqual({});
  });
});

describe('deleteNamespace', () => {
  it('cascades and refuses the default namespace', async () => {
    const ctx = await context();
    await namespaceResolvers.create(ctx, { input: { metadata: { name: 'team' } } });
    await jobResolvers.create(ctx, { input: { metadata: { name: 'a', namespace: 'team' }, spec: {} } });
    await jobResolvers.create(ctx, { input: { metadata: { name: 'a' }, spec: {} } });
    const deleted: Namespace = await namespaceResolvers.delete(ctx, { name: 'team' });
    expect(deleted.status.phase).toBe('DELETING');
    expect((await ctx.store.list({ kind: 'Job' })).items.map((j) => j.metadata.namespace)).toEqual(['default']);
    await expect(namespaceResolvers.delete(ctx, { name: 'default' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('dry run', () => {
  it('create checks and answers the object it would make, and writes nothing', async () => {
    const ctx = await context();
    const before = await ctx.store.currentResourceVersion();
    const job = await jobResolvers.create(ctx, { input: { metadata: { name: 'dry' }, spec: { run: 'echo' } }, dryRun: true });
    expect(job).toMatchObject({ kind: 'Job', metadata: { name: 'dry', namespace: 'default', generation: 1 }, spec: { run: 'echo', replicas: 1 }, status: { phase: 'PENDING' } });
    expect(await ctx.store.currentResourceVersion()).toBe(before);
    expect(await ctx.store.get({ kind: 'Job', namespace: 'default', name: 'dry' })).toBeUndefined();
    await expect(jobResolvers.create(ctx, { input: { metadata: { name: 'dry' }, spec: { replicas: -1 } }, dryRun: true })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await jobResolvers.create(ctx, { input: { metadata: { name: 'dry' }, spec: {} } });
    await expect(jobResolvers.create(ctx, { input: { metadata: { name: 'dry' }, spec: {} }, dryRun: true })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('update checks the precondition and answers the next object, and writes nothing', async () => {
    const ctx = await context();
    const job = await jobResolvers.create(ctx, { input: { metadata: { name: 'dry' }, spec: { run: 'a' } } });
    const input = { metadata: { name: 'dry', resourceVersion: job.metadata.resourceVersion }, spec: { run: 'b' } };
    const next = await jobResolvers.update(ctx, { input, dryRun: true });
    expect([next.spec.run, next.metadata.generation]).toEqual(['b', 2]);
    expect((await jobResolvers.get(ctx, { name: 'dry' })).spec.run).toBe('a');
    await jobResolvers.update(ctx, { input: { ...input, spec: { run: 'c' } } });
    await expect(jobResolvers.update(ctx, { input, dryRun: true })).rejects.toBeInstanceOf(ConflictError);
  });
});
