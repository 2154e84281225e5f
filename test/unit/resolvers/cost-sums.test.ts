/**
 * The cost side of the resolvers against a MemoryStore, without GraphQL: a Skylet's report with
 * its account is checked field by field, and queue and namespace sums read the store once per
 * operation.
 */
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../../src/domain/errors.js';
import { MAX_ACCRUED_COST } from '../../../src/domain/limits.js';
import type { Queue, Workload } from '../../../src/domain/types.js';
import type { ResolverContext } from '../../../src/resolvers/context.js';
import { ensureDefaultNamespace, namespaceCost } from '../../../src/resolvers/namespace.js';
import { WATCH_REUSE_MS } from '../../../src/resolvers/cost-sums.js';
import { queueCost } from '../../../src/resolvers/queue.js';
import { jobResolvers, jobStatusResolvers } from '../../../src/resolvers/workload.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

const T0 = Date.parse('2030-01-02T03:00:00.000Z');
const HOUR = 3_600_000;

async function context() {
  const clock = { now: T0 };
  const store = new MemoryStore();
  const ctx: ResolverContext = { store, bookmarkIntervalMs: 1000, now: () => new Date(clock.now) };
  await ensureDefaultNamespace(ctx);
  return { ctx, clock, store };
}

/** A Job placed on cluster a, admitted by `queue`, whose account there is `accrued` plus `rate` per hour since T0. */
async function jobWithCost(ctx: ResolverContext, name: string, queue: string, accrued: number, rate: number) {
  await jobResolvers.create(ctx, { input: { metadata: { name }, spec: {} } });
  const since = rate > 0 ? new Date(T0).toISOString() : undefined;
  await jobResolvers.updateStatus(ctx, {
    input: {
      metadata: { name },
      status: {
        phase: 'RUNNING',
        placements: [{ cluster: 'a', replicas: 1 }],
        replicaStatus: [{ cluster: 'a', running: rate > 0 ? 1 : 0, cost: { accrued, ratePerHour: rate, since } }],
        queue: { name: queue, reason: 'Admitted', message: '' },
      },
    },
  });
}

const queueNamed = (name: string) => ({ kind: 'Queue', metadata: { name } }) as Queue;

describe('reportJobReplicas: the account', () => {
  it('stores the account a Skylet reports', async () => {
    const { ctx } = await context();
    await jobResolvers.create(ctx, { input: { metadata: { name: 'j' }, spec: {} } });
    const cost = { accrued: 1.25, ratePerHour: 4, since: '2030-01-02T03:00:00.000Z' };
    const job = (await jobStatusResolvers.reportReplicas(ctx, { input: { name: 'j', cluster: 'a', running: 1, cost } })) as Workload;
    expect(job.status.replicaStatus).toEqual([{ cluster: 'a', pending: 0, running: 1, succeeded: 0, failed: 0, cost }]);
  });

  it.each([
    [{ accrued: -1, ratePerHour: 0 }, 'input.cost.accrued', 'must be at least 0'],
    [{ accrued: MAX_ACCRUED_COST * 2, ratePerHour: 0 }, 'input.cost.accrued', 'more than the maximum'],
    [{ accrued: 0, ratePerHour: -2 }, 'input.cost.ratePerHour', 'must be at least 0'],
    [{ accrued: 0, ratePerHour: 1, since: 'yesterday' }, 'input.cost.since', 'RFC 3339'],
    [{ accrued: 0, ratePerHour: 0, since: '2030-01-02T03:00:00.000Z' }, 'input.cost.since', 'ratePerHour is 0'],
  ])('refuses %j, naming %s', async (cost, field, words) => {
    const { ctx } = await context();
    await jobResolvers.create(ctx, { input: { metadata: { name: 'j' }, spec: {} } });
    const written = Promise.resolve().then(() => jobStatusResolvers.reportReplicas(ctx, { input: { name: 'j', cluster: 'a', cost } }));
    await expect(written).rejects.toBeInstanceOf(BadUserInputError);
    await expect(written).rejects.toMatchObject({ field });
    await expect(written).rejects.toThrow(words);
  });
});

describe('queueCost and namespaceCost', () => {
  it("sum their workloads' costs at the time asked", async () => {
    const { ctx, clock } = await context();
    await jobWithCost(ctx, 'a1', 'research', 2, 0);
    await jobWithCost(ctx, 'a2', 'research', 0, 3);
    await jobWithCost(ctx, 'b1', 'prod', 1, 1);
    clock.now = T0 + 2 * HOUR;
    // Each its own operation: a context of its own.
    expect(await queueCost({ ...ctx }, queueNamed('research'))).toBe(2 + 6);
    expect(await queueCost({ ...ctx }, queueNamed('prod'))).toBe(1 + 2);
    expect(await queueCost({ ...ctx }, queueNamed('idle'))).toBe(0);
    expect(await namespaceCost({ ...ctx }, { kind: 'Namespace', metadata: { name: 'default' } } as never)).toBe(8 + 3);
  });

  it('list the workloads once per operation, however many queues it reads', async () => {
    const { ctx, store } = await context();
    await jobWithCost(ctx, 'a1', 'research', 2, 0);
    const lists: string[] = [];
    const list = store.list.bind(store);
    store.list = (scope) => {
      lists.push(scope.kind);
      return list(scope);
    };
    const operation: ResolverContext = { ...ctx };
    const costs = await Promise.all(['research', 'prod', 'dev', 'ops'].map((q) => queueCost(operation, queueNamed(q))));
    expect(costs).toEqual([2, 0, 0, 0]);
    expect(lists.sort()).toEqual(['Deployment', 'Job']);
  });

  it('a watch reuses its sums for WATCH_REUSE_MS, a query for a second: controllers watching queues do not list every workload per event', async () => {
    const { ctx, store, clock } = await context();
    await jobWithCost(ctx, 'a1', 'research', 2, 0);
    let lists = 0;
    const list = store.list.bind(store);
    store.list = (scope) => {
      lists++;
      return list(scope);
    };
    const watch: ResolverContext = { ...ctx };
    await queueCost(watch, queueNamed('research'), true);
    clock.now += WATCH_REUSE_MS - 1_000;
    await queueCost(watch, queueNamed('research'), true);
    expect(lists).toBe(2); // Jobs and Deployments, once
    clock.now += 2_000;
    await queueCost(watch, queueNamed('research'), true);
    expect(lists).toBe(4);

    const query: ResolverContext = { ...ctx };
    await queueCost(query, queueNamed('research'));
    clock.now += 1_500;
    await queueCost(query, queueNamed('research'));
    expect(lists).toBe(8);
  });
});
