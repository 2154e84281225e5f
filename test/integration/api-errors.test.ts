/**
 * Every error a client can cause, over real HTTP, once per store backend: the code in
 * `extensions.code`, the field in `extensions.field`, the demo's NOT_FOUND wording, no HTTP 500
 * and no stack trace. (GONE is in api-watch.test.ts, FORBIDDEN also in api-crud.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindApi, minimalInput, uniqueName } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';
import { post, type TestKind, type WireError } from '../helpers/graphql.js';

const job = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'x' }) => ({ metadata, spec });
const cluster = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'x' }) => ({ metadata, spec });

/** [what, kind, operation, input, field] — each must be BAD_USER_INPUT naming `field`. */
const BAD_INPUTS: [string, TestKind, 'create' | 'updateStatus', Record<string, unknown>, string][] = [
  ['an upper-case name', 'Job', 'create', job({}, { name: 'Bad_Name' }), 'input.metadata.name'],
  ['a name longer than 63', 'Cluster', 'create', cluster({ manager: 'LOCAL' }, { name: 'a'.repeat(64) }), 'input.metadata.name'],
  ['a name starting with -', 'Namespace', 'create', { metadata: { name: '-team' } }, 'input.metadata.name'],
  ['an empty name', 'FilterPolicy', 'create', { metadata: { name: '' }, spec: {} }, 'input.metadata.name'],
  ['a bad namespace name', 'Job', 'create', job({}, { name: 'x', namespace: 'Team_A' }), 'input.metadata.namespace'],
  ['a namespace on a global kind', 'Cluster', 'create', cluster({ manager: 'LOCAL' }, { name: 'x', namespace: 'default' }), 'input.metadata.namespace'],
  ['a bad label key', 'Job', 'create', job({}, { name: 'x', labels: { 'bad key': 'v' } }), 'input.metadata.labels'],
  ['a bad label value', 'Job', 'create', job({}, { name: 'x', labels: { app: 'has space' } }), 'input.metadata.labels'],
  ['a non-string label value', 'Job', 'create', job({}, { name: 'x', labels: { app: 1 } }), 'input.metadata.labels'],
  ['a bad annotation key', 'Job', 'create', job({}, { name: 'x', annotations: { '/x': 'v' } }), 'input.metadata.annotations'],
  ['a resourceVersion on create', 'Job', 'create', job({}, { name: 'x', resourceVersion: '3' }), 'input.metadata.resourceVersion'],
  ['negative cpu', 'Job', 'create', job({ resources: { cpu: -1 } }), 'input.spec.resources.cpu'],
  ['negative memory', 'Deployment', 'create', job({ resources: { memory: -0.5 } }), 'input.spec.resources.memory'],
  ['negative gpu', 'Job', 'create', job({ resources: { gpu: -1 } }), 'input.spec.resources.gpu'],
  ['fractional gpu', 'Job', 'create', job({ resources: { gpu: 1.5 } }), 'input.spec.resources.gpu'],
  ['a Job with 0 replicas', 'Job', 'create', job({ replicas: 0 }), 'input.spec.replicas'],
  ['a Deployment with -1 replicas', 'Deployment', 'create', job({ replicas: -1 }), 'input.spec.replicas'],
  ['fractional replicas', 'Job', 'create', job({ replicas: 2.5 }), 'input.spec.replicas'],
  ['waitTimeout 0', 'Job', 'create', job({ waitTimeout: 0 }), 'input.spec.waitTimeout'],
  ['an env var without name', 'Job', 'create', job({ envs: [{ name: '', value: 'v' }] }), 'input.spec.envs[0].name'],
  ['a malformed clusterSelector', 'Job', 'create', job({ placement: { clusterSelector: 'gpu in (a' } }), 'input.spec.placement.clusterSelector'],
  ['a malformed preference selector', 'Deployment', 'create', job({ placement: { preferences: [{ selector: 'a=b', weight: 5 }, { selector: '=x' }] } }), 'input.spec.placement.preferences[1].selector'],
  ['a preference weight of 0', 'Job', 'create', job({ placement: { preferences: [{ selector: 'a=b', weight: 0 }] } }), 'input.spec.placement.preferences[0].weight'],
  ['a bad restartPolicy', 'Job', 'create', job({ restartPolicy: 'SOMETIMES' }), 'input.spec.restartPolicy'],
  ['an unknown spec field', 'Job', 'create', job({ imagee: 'typo' }), 'input.spec.imagee'],
  ['an unknown metadata field', 'Job', 'create', job({}, { name: 'x', label: { a: 'b' } }), 'input.metadata.label'],
  ['a missing name', 'Job', 'create', job({}, {}), 'input.metadata.name'],
  ['an unknown manager', 'Cluster', 'create', cluster({ manager: 'NOMAD' }), 'input.spec.manager'],
  ['kubernetes config on a SLURM cluster', 'Cluster', 'create', cluster({ manager: 'SLURM', kubernetes: { context: 'c' } }), 'input.spec.kubernetes'],
  ['slurm config on a LOCAL cluster', 'Cluster', 'create', cluster({ manager: 'LOCAL', slurm: { partition: 'p' } }), 'input.spec.slurm'],
  ['local config on a KUBERNETES cluster', 'Cluster', 'create', cluster({ manager: 'KUBERNETES', local: { cpu: 2 } }), 'input.spec.local'],
  ['negative local cpu', 'Cluster', 'create', cluster({ manager: 'LOCAL', local: { cpu: -2 } }), 'input.spec.local.cpu'],
  ['a bad cluster name in a FilterPolicy', 'FilterPolicy', 'create', { metadata: { name: 'p' }, spec: { clusterFilter: { include: ['ok', 'Not_OK'] } } }, 'input.spec.clusterFilter.include[1]'],
  ['a malformed FilterPolicy clusterSelector', 'FilterPolicy', 'create', { metadata: { name: 'p' }, spec: { clusterFilter: { clusterSelector: 'a,,b' } } }, 'input.spec.clusterFilter.clusterSelector'],
  ['a bad labelsSelector key', 'FilterPolicy', 'create', { metadata: { name: 'p' }, spec: { labelsSelector: { 'a b': 'c' } } }, 'input.spec.labelsSelector'],
  ['a condition status that is not True/False/Unknown', 'Cluster', 'updateStatus', { metadata: { name: 'x' }, status: { phase: 'READY', conditions: [{ type: 'Healthy', status: 'Maybe' }] } }, 'input.status.conditions[0].status'],
  ['negative capacity', 'Cluster', 'updateStatus', { metadata: { name: 'x' }, status: { phase: 'READY', capacity: { cpu: -8 } } }, 'input.status.capacity.cpu'],
  ['a bad phase', 'Job', 'updateStatus', { metadata: { name: 'x' }, status: { phase: 'DONE' } }, 'input.status.phase'],
  ['negative placed replicas', 'Job', 'updateStatus', { metadata: { name: 'x' }, status: { phase: 'SCHEDULED', placements: [{ cluster: 'c', replicas: -1 }] } }, 'input.status.placements[0].replicas'],
  ['a malformed status resourceVersion', 'Job', 'updateStatus', { metadata: { name: 'x', resourceVersion: 'v1' }, status: { phase: 'PENDING' } }, 'input.metadata.resourceVersion'],
];

function expectClean(error: WireError & { status: number }, text?: string) {
  expect(error.status).toBeLessThan(500);
  expect(JSON.stringify(error)).not.toMatch(/\bat .*\.(js|ts):\d+|stack/);
  if (text) expect(text).not.toMatch(/stack/);
}

describe.each(STORES)('API errors on the %s store', (store) => {
  let backend: Backend;
  let url: string;
  const api = (kind: TestKind) => kindApi(url, kind);

  beforeAll(async () => {
    backend = await startBackend(store);
    url = backend.server.url;
    // updateStatus cases need existing objects.
    await api('Cluster').create(minimalInput('Cluster', 'x'));
    await api('Job').create(minimalInput('Job', 'x'));
  });
  afterAll(async () => backend?.stop());

  describe('BAD_USER_INPUT names the field', () => {
    it.each(BAD_INPUTS)('for %s', async (_what, kind, operation, input, field) => {
      const error = operation === 'create' ? await api(kind).createError(input) : await api(kind).updateStatusError(input);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(error.message).toContain(field.split('.').pop()!.replace(/\[\d+\]$/, ''));
      expectClean(error);
    });

    it('for an unknown field or enum value written inline in the document', async () => {
      const unknownField = await post(url, 'mutation { createJob(input: {metadata: {name: "x"}, spec: {imagee: "typo"}}) { kind } }');
      expect(unknownField.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spec.imagee' });
      const badEnum = await post(url, 'mutation { createCluster(input: {metadata: {name: "x"}, spec: {manager: NOMAD}}) { kind } }');
      expect(badEnum.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spec.manager' });
      // The validation result is cached by the server; the second time must carry the code too.
      const again = await post(url, 'mutation { createCluster(input: {metadata: {name: "x"}, spec: {manager: NOMAD}}) { kind } }');
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spec.manager' });
      for (const response of [unknownField, badEnum]) expect(response.status).toBeLessThan(500);
    });

    it('names the argument, not the client variable', async () => {
      const response = await post(url, 'mutation($spec: ClusterInput!) { createCluster(input: $spec) { kind } }', {
        spec: { metadata: { name: 'x' }, spec: { manager: 'NOMAD' } },
      });
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spec.manager' });
    });

    it('for a malformed label selector in a list', async () => {
      const error = await api('Job').listError({ labelSelector: 'env in (prod' });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'labelSelector' });
      expectClean(error);
    });

    it('for an update without, or with a malformed, resourceVersion', async () => {
      const missing = await api('Job').updateError({ metadata: { name: 'x' }, spec: {} });
      expect(missing.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.metadata.resourceVersion' });
      expect(missing.message).toContain('resourceVersion');
      const malformed = await api('Job').updateError({ metadata: { name: 'x', resourceVersion: '12abc' }, spec: {} });
      expect(malformed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.metadata.resourceVersion' });
    });

    it('for syntax errors and bad JSON, without an HTTP 500', async () => {
      const syntax = await post(url, '{ jobs { kind ');
      expect(syntax.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(syntax.status).toBeLessThan(500);
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expect(response.status).toBe(400);
      const unknownQueryField = await post(url, '{ pods { kind } }');
      expect(unknownQueryField.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(unknownQueryField.status).toBeLessThan(500);
    });
  });

  describe('NOT_FOUND', () => {
    it('reads as in the original demo', async () => {
      const error = await api('Cluster').getError('cluster-0');
      expect(error).toMatchObject({ message: "Object 'clusters/cluster-0' not found.", extensions: { code: 'NOT_FOUND' } });
      expectClean(error);
      expect(await api('Job').getError('missing')).toMatchObject({ message: "Object 'jobs/default/missing' not found." });
      expect(await api('FilterPolicy').getError('missing', 'default')).toMatchObject({ message: "Object 'filterpolicies/default/missing' not found." });
    });

    it('comes from delete, update and status writes too', async () => {
      expect(await api('Cluster').deleteError('cluster-0')).toMatchObject({ message: "Object 'clusters/cluster-0' not found.", extensions: { code: 'NOT_FOUND' } });
      expect(await api('Deployment').deleteError('gone', 'default')).toMatchObject({ message: "Object 'deployments/default/gone' not found." });
      const update = await api('Job').updateError({ metadata: { name: 'gone', resourceVersion: '1' }, spec: {} });
      expect(update).toMatchObject({ message: "Object 'jobs/default/gone' not found.", extensions: { code: 'NOT_FOUND' } });
      const status = await api('Namespace').updateStatusError({ metadata: { name: 'gone' }, status: { phase: 'ACTIVE' } });
      expect(status).toMatchObject({ message: "Object 'namespaces/gone' not found.", extensions: { code: 'NOT_FOUND' } });
    });
  });

  it('ALREADY_EXISTS for a second create of the same name', async () => {
    const name = uniqueName('dup');
    await api('Job').create(minimalInput('Job', name));
    const error = await api('Job').createError(minimalInput('Job', name));
    expect(error).toMatchObject({ message: `Object 'jobs/default/${name}' already exists.`, extensions: { code: 'ALREADY_EXISTS' } });
    expectClean(error);
  });

  describe('CONFLICT', () => {
    it('for an update with a stale resourceVersion', async () => {
      const name = uniqueName('job');
      const first = await api('Job').create(minimalInput('Job', name));
      await api('Job').update({ metadata: { name, resourceVersion: first.metadata.resourceVersion }, spec: { replicas: 2 } });
      const error = await api('Job').updateError({ metadata: { name, resourceVersion: first.metadata.resourceVersion }, spec: { replicas: 3 } });
      expect(error.extensions).toMatchObject({ code: 'CONFLICT', expectedResourceVersion: first.metadata.resourceVersion });
      expect((await api('Job').get(name)).spec.replicas).toBe(2);
    });

    it('for a spec write based on a version a status write has since replaced, and the reverse', async () => {
      const name = uniqueName('job');
      const read = await api('Job').create(minimalInput('Job', name));
      // A controller writes status; the user's spec write, based on the older read, must not
      // silently restore the old status.
      await api('Job').updateStatus({ metadata: { name }, status: { phase: 'RUNNING' } });
      const specWrite = await api('Job').updateError({ metadata: { name, resourceVersion: read.metadata.resourceVersion }, spec: { replicas: 5 } });
      expect(specWrite.extensions?.code).toBe('CONFLICT');

      const fresh = await api('Job').get(name);
      await api('Job').update({ metadata: { name, resourceVersion: fresh.metadata.resourceVersion }, spec: { replicas: 5 } });
      const statusWrite = await api('Job').updateStatusError({ metadata: { name, resourceVersion: fresh.metadata.resourceVersion }, status: { phase: 'FAILED' } });
      expect(statusWrite.extensions?.code).toBe('CONFLICT');

      const final = await api('Job').get(name);
      expect(final.spec.replicas).toBe(5);
      expect(final.status.phase).toBe('RUNNING');
      expect(final.metadata.generation).toBe(2);
    });
  });
});
