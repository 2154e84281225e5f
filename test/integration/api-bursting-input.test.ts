/**
 * The inputs of cost-aware bursting over real HTTP: cluster prices, waiting policies on queues and
 * in a namespace's annotation, a workload's expected runtime. Bad ones are BAD_USER_INPUT naming
 * the field and the rule, and nothing is stored; good ones come back as given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EXPECTED_RUNTIME_SECONDS, MAX_PRICE_PER_HOUR } from '../../src/domain/limits.js';
import { ClusterAPI, JobAPI, NamespaceAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import { kindApi } from '../helpers/api.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
});
afterAll(async () => server?.stop());

describe('bursting inputs', () => {
  it.each([
    ['Cluster', { metadata: { name: 'c1' }, spec: { manager: 'LOCAL', cost: { gpu: -1 } } }, 'input.spec.cost.gpu', 'must be at least 0'],
    ['Cluster', { metadata: { name: 'c2' }, spec: { manager: 'LOCAL', cost: { cpu: 1e12 } } }, 'input.spec.cost.cpu', `more than the maximum ${MAX_PRICE_PER_HOUR}`],
    ['Queue', { metadata: { name: 'q1' }, spec: { waitingPolicy: { policy: 'COMPUTE' } } }, 'input.spec.waitingPolicy.coefficient', 'COMPUTE takes either a coefficient or a budget'],
    ['Queue', { metadata: { name: 'q2' }, spec: { waitingPolicy: { policy: 'RUNTIME', coefficient: 1, budget: 0.5 } } }, 'input.spec.waitingPolicy.budget', 'exactly one of them'],
    ['Queue', { metadata: { name: 'q3' }, spec: { waitingPolicy: { policy: 'ZERO', budget: 0.5 } } }, 'input.spec.waitingPolicy.budget', 'ZERO takes no budget'],
    ['Namespace', { metadata: { name: 'n1', annotations: { 'sky.dev/waiting-policy': 'COMPUTE budget=much' } } }, 'input.metadata.annotations["sky.dev/waiting-policy"]', 'budget: "much" is not a number'],
    ['Job', { metadata: { name: 'j1' }, spec: { run: 'true', expectedRuntime: 0 } }, 'input.spec.expectedRuntime', 'must be at least 1'],
    ['Job', { metadata: { name: 'j2' }, spec: { run: 'true', expectedRuntime: 1e9 } }, 'input.spec.expectedRuntime', `more than the maximum ${MAX_EXPECTED_RUNTIME_SECONDS}`],
  ] as const)('%s %j is refused, naming %s', async (kind, object, field, rule) => {
    const api = kindApi(server.url, kind);
    const error = await api.createError(object as never);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toContain(rule);
    expect((await api.list()).items.map((o) => o.metadata.name)).not.toContain(object.metadata.name);
  });

  it('good ones are stored as given, with the policy spelled out (read back through the typed client)', async () => {
    const client = new SkyClient({ url: server.url });
    try {
      await new ClusterAPI({ client }).create({ metadata: { name: 'cloud' }, spec: { manager: 'LOCAL', cost: { gpu: 2.4, cpu: 0.05 } } });
      expect((await new ClusterAPI({ client }).get('cloud')).spec.cost).toEqual({ cpu: 0.05, gpu: 2.4, memory: 0 });
      await new QueueAPI({ client }).create({ metadata: { name: 'q' }, spec: { waitingPolicy: { policy: 'COMPUTE', budget: 0.25 } } });
      expect((await new QueueAPI({ client }).get('q')).spec.waitingPolicy).toEqual({ policy: 'COMPUTE', budget: 0.25 });
      await new NamespaceAPI({ client }).create({ metadata: { name: 'batch', annotations: { 'sky.dev/waiting-policy': 'CONSTANT coefficient=600' } } });
      expect((await new NamespaceAPI({ client }).get('batch')).metadata.annotations['sky.dev/waiting-policy']).toBe('CONSTANT coefficient=600');
      await new JobAPI({ client }).create({ metadata: { name: 'j' }, spec: { run: 'true', expectedRuntime: 3_600 } });
      expect((await new JobAPI({ client }).get('j')).spec.expectedRuntime).toBe(3_600);
    } finally {
      await client.close();
    }
  });
});
