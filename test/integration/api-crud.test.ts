/**
 * CRUD of every kind over real HTTP against a real server process, once per store backend:
 * defaults, round trips, lists and selectors, update and status-write semantics, and the
 * namespace cascade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS, kindApi, minimalInput, NAMESPACED, otherSpec, someStatus, uniqueName } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';
import { Watch, type WatchEvent } from '../helpers/graphql.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ZERO = { cpu: 0, memory: 0, gpu: 0, accelerator: null };

describe.each(STORES)('API CRUD on the %s store', (store) => {
  let backend: Backend;
  let url: string;
  const api = (kind: Parameters<typeof kindApi>[1]) => kindApi(url, kind);

  beforeAll(async () => {
    backend = await startBackend(store);
    url = backend.server.url;
  });
  afterAll(async () => backend?.stop());

  describe('defaults', () => {
    it('fills every default of a Job, as in the original demo', async () => {
      const before = Date.now();
      const job = await api('Job').create({
        metadata: { name: 'hello', labels: { testing: 'hello' } },
        spec: { image: 'busybox', resources: { cpu: 1 }, run: 'echo Sky!' },
      });
      expect(job.kind).toBe('Job');
      expect(job.metadata).toMatchObject({ name: 'hello', namespace: 'default', labels: { testing: 'hello' }, annotations: {}, generation: 1 });
      expect(job.metadata.uid).toMatch(UUID);
      expect(job.metadata.resourceVersion).toMatch(/^\d+$/);
      const created = Date.parse(job.metadata.creationTimestamp);
      expect(created).toBeGreaterThanOrEqual(before - 1000);
      expect(created).toBeLessThanOrEqual(Date.now() + 1000);
      expect(job.spec).toEqual({
        image: 'busybox',
        run: 'echo Sky!',
        envs: [],
        resources: { cpu: 1, memory: 0, gpu: 0, accelerator: null },
        replicas: 1,
        restartPolicy: 'NEVER',
        placement: { clusterSelector: null, preferences: [], strategy: 'SPREAD' },
        waitTimeout: null,
      });
      expect(job.status).toEqual({
        phase: 'PENDING',
        conditions: [],
        placements: [],
        replicaStatus: [],
        observedGeneration: null,
        startTime: null,
        completionTime: null,
        readyReplicas: null,
      });
    });

    it('gives a Deployment restartPolicy ALWAYS and allows zero replicas', async () => {
      const deployment = await api('Deployment').create({ metadata: { name: uniqueName('web') }, spec: { image: 'nginx' } });
      expect(deployment.spec).toMatchObject({ replicas: 1, restartPolicy: 'ALWAYS', run: '', envs: [] });
      expect(deployment.status.phase).toBe('PENDING');
      const scaledToZero = await api('Deployment').create({ metadata: { name: uniqueName('idle') }, spec: { replicas: 0 } });
      expect(scaledToZero.spec.replicas).toBe(0);
    });

    it('starts a Cluster in INIT with zero capacity', async () => {
      const cluster = await api('Cluster').create({ metadata: { name: uniqueName('cluster') }, spec: { manager: 'KUBERNETES', kubernetes: { context: 'kind-a' } } });
      expect(cluster.metadata.namespace).toBeNull();
      expect(cluster.spec).toEqual({ manager: 'KUBERNETES', kubernetes: { context: 'kind-a', kubeconfigPath: null }, slurm: null, local: null });
      expect(cluster.status).toEqual({ phase: 'INIT', conditions: [], capacity: ZERO, allocatable: ZERO, nodes: [], acceleratorTypes: [], message: null });
    });

    it('starts a Namespace and a FilterPolicy ACTIVE', async () => {
      const ns = await api('Namespace').create({ metadata: { name: uniqueName('team') } });
      expect(ns).toMatchObject({ kind: 'Namespace', status: { phase: 'ACTIVE', conditions: [] } });
      const policy = await api('FilterPolicy').create({ metadata: { name: uniqueName('policy') }, spec: {} });
      expect(policy.spec).toEqual({ clusterFilter: { include: [], exclude: [], clusterSelector: null }, labelsSelector: {} });
      expect(policy.status).toEqual({ phase: 'ACTIVE', conditions: [] });
    });

    it('has the default namespace from the start', async () => {
      const ns = await api('Namespace').get('default');
      expect(ns.status.phase).toBe('ACTIVE');
    });
  });

  describe.each(KINDS)('%s', (kind) => {
    it('goes through create, get, list, update, updateStatus and delete', async () => {
      const k = api(kind);
      const name = uniqueName(kind.toLowerCase());
      const created = await k.create(minimalInput(kind, name, undefined, { suite: 'crud' }));
      const namespace = NAMESPACED[kind] ? 'default' : undefined;
      expect(created.metadata.namespace ?? undefined).toBe(namespace);

      expect(await k.get(name, namespace)).toEqual(created);

      const list = await k.list({ labelSelector: 'suite=crud' });
      expect(list.kind).toBe(`${kind}List`);
      expect(list.items.map((o) => o.metadata.name)).toContain(name);
      expect(BigInt(list.resourceVersion)).toBeGreaterThanOrEqual(BigInt(created.metadata.resourceVersion));

      const spec = otherSpec(kind);
      const updated = await k.update({
        metadata: { name, namespace, labels: { suite: 'crud', updated: 'yes' }, resourceVersion: created.metadata.resourceVersion },
        ...(spec ? { spec } : {}),
      });
      expect(updated.metadata.labels).toEqual({ suite: 'crud', updated: 'yes' });
      expect(BigInt(updated.metadata.resourceVersion)).toBeGreaterThan(BigInt(created.metadata.resourceVersion));
      expect(updated.metadata.generation).toBe(spec ? 2 : 1);
      expect(updated.metadata.uid).toBe(created.metadata.uid);
      expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
      expect(updated.status).toEqual(created.status);

      const withStatus = await k.updateStatus({ metadata: { name, namespace }, status: someStatus(kind) });
      expect(withStatus.status.phase).toBe((someStatus(kind) as { phase: string }).phase);
      expect(withStatus.metadata.generation).toBe(updated.metadata.generation);
      if (spec) expect(withStatus.spec).toEqual(updated.spec);

      const deleted = await k.delete(name, namespace);
      expect(deleted.metadata.uid).toBe(created.metadata.uid);
      // A namespace's last state is the DELETING its cascade set.
      expect(deleted.status).toEqual(kind === 'Namespace' ? { ...withStatus.status, phase: 'DELETING' } : withStatus.status);
      expect(BigInt(deleted.metadata.resourceVersion)).toBeGreaterThan(BigInt(withStatus.metadata.resourceVersion));

      const gone = await k.getError(name, namespace);
      expect(gone.extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('lists', () => {
    it('filter by label selector, scope to a namespace, and cover all namespaces without one', async () => {
      const team = uniqueName('team');
      await api('Namespace').create({ metadata: { name: team } });
      const tag = uniqueName('run');
      const make = (name: string, namespace: string, labels: Record<string, string>) =>
        api('Job').create(minimalInput('Job', name, namespace, { tag, ...labels }));
      await make('a', 'default', { tier: 'front', env: 'prod' });
      await make('b', 'default', { tier: 'back', env: 'prod' });
      await make('c', team, { tier: 'front', env: 'dev' });
      await make('d', team, { tier: 'front', gpu: 'yes' });

      const names = async (args: { namespace?: string; labelSelector?: string }) =>
        (await api('Job').list({ ...args, labelSelector: [`tag=${tag}`, args.labelSelector].filter(Boolean).join(',') })).items
          .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
          .sort();

      expect(await names({})).toEqual(['default/a', 'default/b', `${team}/c`, `${team}/d`]);
      expect(await names({ namespace: team })).toEqual([`${team}/c`, `${team}/d`]);
      expect(await names({ namespace: 'default' })).toEqual(['default/a', 'default/b']);
      expect(await names({ labelSelector: 'tier=front' })).toEqual(['default/a', `${team}/c`, `${team}/d`]);
      expect(await names({ labelSelector: 'tier!=front' })).toEqual(['default/b']);
      expect(await names({ labelSelector: 'env in (prod,dev),tier=front' })).toEqual(['default/a', `${team}/c`]);
      expect(await names({ labelSelector: 'env notin (prod)' })).toEqual([`${team}/c`, `${team}/d`]);
      expect(await names({ labelSelector: 'gpu' })).toEqual([`${team}/d`]);
      expect(await names({ labelSelector: '!gpu,tier=front' })).toEqual(['default/a', `${team}/c`]);
      expect(await names({ namespace: 'no-such-namespace' })).toEqual([]);
    });

    it('filter global kinds by label selector', async () => {
      const tag = uniqueName('fleet');
      await api('Cluster').create(minimalInput('Cluster', uniqueName('gpu'), undefined, { tag, accelerator: 'a100' }));
      await api('Cluster').create(minimalInput('Cluster', uniqueName('cpu'), undefined, { tag }));
      const list = await api('Cluster').list({ labelSelector: `tag=${tag},accelerator=a100` });
      expect(list.items).toHaveLength(1);
      expect(list.items[0].metadata.labels.accelerator).toBe('a100');
    });
  });

  describe('updates', () => {
    it('replace the whole spec and labels; generation moves only when the spec changes', async () => {
      const name = uniqueName('job');
      const job = await api('Job').create({
        metadata: { name, labels: { a: '1' }, annotations: { note: 'first' } },
        spec: { image: 'busybox', run: 'sleep 1', replicas: 4, envs: [{ name: 'A', value: '1' }] },
      });
      await api('Job').updateStatus({ metadata: { name }, status: { phase: 'RUNNING' } });
      const current = await api('Job').get(name);

      // Same spec, new labels: a write, but not a new generation.
      const relabelled = await api('Job').update({
        metadata: { name, labels: { b: '2' }, annotations: { note: 'second' }, resourceVersion: current.metadata.resourceVersion },
        spec: { image: 'busybox', run: 'sleep 1', replicas: 4, envs: [{ name: 'A', value: '1' }] },
      });
      expect(relabelled.metadata).toMatchObject({ labels: { b: '2' }, annotations: { note: 'second' }, generation: 1 });
      expect(relabelled.status.phase).toBe('RUNNING');

      // The spec is replaced as a whole: omitted fields fall back to their defaults.
      const respecified = await api('Job').update({
        metadata: { name, labels: { b: '2' }, resourceVersion: relabelled.metadata.resourceVersion },
        spec: { image: 'alpine' },
      });
      expect(respecified.metadata.generation).toBe(2);
      expect(respecified.metadata.annotations).toEqual({});
      expect(respecified.spec).toMatchObject({ image: 'alpine', run: '', replicas: 1, envs: [] });
      expect(respecified.status.phase).toBe('RUNNING');
      expect(respecified.metadata.uid).toBe(job.metadata.uid);
      expect(respecified.metadata.creationTimestamp).toBe(job.metadata.creationTimestamp);

      // Nothing changed: no write, same version.
      const unchanged = await api('Job').update({
        metadata: { name, labels: { b: '2' }, resourceVersion: respecified.metadata.resourceVersion },
        spec: { image: 'alpine' },
      });
      expect(unchanged.metadata.resourceVersion).toBe(respecified.metadata.resourceVersion);
    });

    it('status writes replace the status only and keep condition times that did not transition', async () => {
      const name = uniqueName('cluster');
      const cluster = await api('Cluster').create({ metadata: { name }, spec: { manager: 'SLURM', slurm: { partition: 'debug' } } });
      const ready = await api('Cluster').updateStatus({
        metadata: { name },
        status: {
          phase: 'READY',
          conditions: [{ type: 'Healthy', status: 'True', reason: 'Probed' }],
          capacity: { cpu: 64, memory: 256_000, gpu: 8, accelerator: 'A100' },
          nodes: [{ name: 'node-1', capacity: { cpu: 64 }, allocatable: { cpu: 60 }, ready: true }],
          acceleratorTypes: ['A100'],
        },
      });
      expect(ready.spec).toEqual(cluster.spec);
      expect(ready.metadata.generation).toBe(1);
      expect(ready.status.capacity).toEqual({ cpu: 64, memory: 256_000, gpu: 8, accelerator: 'A100' });
      expect(ready.status.allocatable).toEqual(ZERO);
      expect(ready.status.nodes).toEqual([{ name: 'node-1', ready: true, capacity: { cpu: 64, memory: 0, gpu: 0, accelerator: null }, allocatable: { cpu: 60, memory: 0, gpu: 0, accelerator: null } }]);
      const healthySince = ready.status.conditions[0].lastTransitionTime;
      expect(Number.isNaN(Date.parse(healthySince))).toBe(false);

      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = await api('Cluster').updateStatus({
        metadata: { name },
        status: { phase: 'READY', conditions: [{ type: 'Healthy', status: 'True', reason: 'Probed' }], message: 'still fine' },
      });
      expect(again.status.conditions[0].lastTransitionTime).toBe(healthySince);
      const sick = await api('Cluster').updateStatus({ metadata: { name }, status: { phase: 'ERROR', conditions: [{ type: 'Healthy', status: 'False' }] } });
      expect(sick.status.conditions[0].lastTransitionTime).not.toBe(healthySince);
    });
  });

  describe('namespaces', () => {
    it('deleting one cascades to its Jobs, Deployments and FilterPolicies, with a DELETED event for each', async () => {
      const team = uniqueName('team');
      const other = uniqueName('other');
      await api('Namespace').create({ metadata: { name: team } });
      await api('Namespace').create({ metadata: { name: other } });
      await api('Job').create(minimalInput('Job', 'train', team));
      await api('Job').create(minimalInput('Job', 'eval', team));
      await api('Deployment').create(minimalInput('Deployment', 'serve', team));
      await api('FilterPolicy').create(minimalInput('FilterPolicy', 'only-gpu', team));
      const survivor = await api('Job').create(minimalInput('Job', 'train', other));

      const watch = new Watch<WatchEvent>(backend.server.wsUrl, api('Job').documents.watch, { namespace: team });
      try {
        await watch.until((events) => events.some((e) => e.type === 'BOOKMARK'));
        const deleted = await api('Namespace').delete(team);
        expect(deleted.metadata.name).toBe(team);
        expect(deleted.status.phase).toBe('DELETING');

        const deletions = await watch.until((events) => events.filter((e) => e.type === 'DELETED').length === 2);
        expect(deletions.filter((e) => e.type === 'DELETED').map((e) => e.object!.metadata.name).sort()).toEqual(['eval', 'train']);
      } finally {
        await watch.close();
      }
      expect((await api('Job').list({ namespace: team })).items).toEqual([]);
      expect((await api('Deployment').list({ namespace: team })).items).toEqual([]);
      expect((await api('FilterPolicy').list({ namespace: team })).items).toEqual([]);
      expect(await api('Job').get('train', other)).toEqual(survivor);

      const notFound = await api('Namespace').getError(team);
      expect(notFound).toMatchObject({ message: `Object 'namespaces/${team}' not found.`, extensions: { code: 'NOT_FOUND' } });
      const createInGone = await api('Job').createError(minimalInput('Job', 'late', team));
      expect(createInGone).toMatchObject({ message: `Object 'namespaces/${team}' not found.`, extensions: { code: 'NOT_FOUND' } });
    });

    it('refuses creates in a namespace that is being deleted, and its return to ACTIVE', async () => {
      const team = uniqueName('team');
      await api('Namespace').create({ metadata: { name: team } });
      await api('Namespace').updateStatus({ metadata: { name: team }, status: { phase: 'DELETING' } });
      const refused = await api('Job').createError(minimalInput('Job', 'late', team));
      expect(refused.extensions?.code).toBe('FORBIDDEN');
      expect(refused.message).toContain(team);
      const revived = await api('Namespace').updateStatusError({ metadata: { name: team }, status: { phase: 'ACTIVE' } });
      expect(revived.extensions?.code).toBe('FORBIDDEN');
      await api('Namespace').delete(team);
    });

    it('protects the default namespace', async () => {
      const error = await api('Namespace').deleteError('default');
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect((await api('Namespace').get('default')).status.phase).toBe('ACTIVE');
    });

    it('refuses namespaced objects in a namespace that does not exist', async () => {
      const error = await api('Deployment').createError(minimalInput('Deployment', 'web', 'nowhere'));
      expect(error).toMatchObject({ message: "Object 'namespaces/nowhere' not found.", extensions: { code: 'NOT_FOUND' } });
    });
  });
});

