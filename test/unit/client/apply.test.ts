import { describe, expect, it } from 'vitest';
import { applyManifests, type AppliedObject } from '../../../src/client/apply.js';
import { ManifestError, parseManifests } from '../../../src/client/manifests.js';
import { BadUserInputError, ConflictError } from '../../../src/domain/errors.js';
import { FakeResourceApis } from '../../helpers/fake-resource-api.js';

const read = (text: string) => parseManifests(text, 'f.yaml');
const apply = (fake: FakeResourceApis, text: string, options: { namespace?: string; onResult?: (r: AppliedObject) => void } = {}) =>
  applyManifests(fake.apiFor, read(text), { defaultNamespace: 'default', ...options });
/** kind, name and what happened, per object. */
const outcomes = (objects: AppliedObject[]) => objects.map((o) => [o.kind, o.name, o.action ?? o.error]);

function withDefaultNamespace(): FakeResourceApis {
  const fake = new FakeResourceApis();
  fake.seed('Namespace', 'default');
  return fake;
}

describe('applyManifests', () => {
  it('writes nothing when the server\'s check refuses any object, and reports each refusal with its place', async () => {
    const fake = withDefaultNamespace();
    fake.seed('Job', 'b', { spec: { run: 'old' } });
    fake.refuse = (_, manifest) => (manifest.metadata.name === 'c' ? new BadUserInputError('input.spec.replicas', 'must be at least 1') : undefined);
    const told: AppliedObject[] = [];
    const report = await apply(
      fake,
      ['kind: Job', 'metadata: {name: a}', 'spec: {run: x}', '---', 'kind: Job', 'metadata: {name: b}', 'spec: {run: new}', '---', 'kind: Job', 'metadata: {name: c}', 'spec: {replicas: 0}'].join('\n'),
      { onResult: (r) => told.push(r) },
    );
    expect(report.refusedByDryRun).toBe(true);
    expect(report.objects).toEqual([
      { kind: 'Job', name: 'c', namespace: 'default', origin: 'f.yaml, document 3', error: 'input.spec.replicas: must be at least 1', cause: expect.any(BadUserInputError) },
    ]);
    expect(told).toEqual(report.objects);
    // Every object was checked, none written.
    expect(fake.calls.filter((call) => !call.startsWith('get '))).toEqual(['create jobs/default/a dry-run', 'update jobs/default/b dry-run', 'create jobs/default/c dry-run']);
    expect(fake.writes()).toEqual([]);
    expect((fake.get('jobs/default/b') as { spec: unknown }).spec).toEqual({ run: 'old' });
  });

  it('creates what is missing, updates what differs, leaves what matches without writing it', async () => {
    const fake = withDefaultNamespace();
    fake.seed('Job', 'b', { spec: { run: 'x' } });
    fake.seed('Cluster', 'c', { labels: { a: '1' }, spec: { manager: 'LOCAL' } });
    const text = ['kind: Job', 'metadata: {name: a}', 'spec: {run: x}', '---', 'kind: Job', 'metadata: {name: b}', 'spec: {run: y}', '---', 'kind: cluster', 'metadata: {name: c, labels: {a: "1"}}', 'spec: {manager: LOCAL}'].join('\n');
    const told: AppliedObject[] = [];
    const report = await apply(fake, text, { onResult: (r) => told.push(r) });
    expect(report.refusedByDryRun).toBe(false);
    expect(outcomes(report.objects)).toEqual([
      ['Job', 'a', 'created'],
      ['Job', 'b', 'updated'],
      ['Cluster', 'c', 'unchanged'],
    ]);
    expect(report.objects.map((o) => [o.namespace, o.object?.metadata.name])).toEqual([['default', 'a'], ['default', 'b'], [undefined, 'c']]);
    expect(told.map((r) => r.action)).toEqual(['created', 'updated', 'unchanged']);
    expect(fake.writes()).toEqual(['create jobs/default/a', 'update jobs/default/b']);
    expect(fake.get('jobs/default/b')?.metadata.generation).toBe(2);
  });

  it('merges a file without resourceVersion onto the object: named fields set, null removes a label, the rest stays', async () => {
    const fake = withDefaultNamespace();
    fake.seed('Job', 'p', { labels: { app: 'p', old: '1' }, annotations: { note: 'keep' }, spec: { run: 'keep', replicas: 1, resources: { cpu: 1, memory: 512 } } });
    const report = await apply(fake, 'kind: Job\nmetadata: {name: p, labels: {old: null, new: "1"}}\nspec: {replicas: 3, resources: {memory: 1Gi}}\n');
    expect(outcomes(report.objects)).toEqual([['Job', 'p', 'updated']]);
    const job = fake.get('jobs/default/p') as unknown as { metadata: { labels: unknown; annotations: unknown }; spec: unknown };
    expect(job.metadata.labels).toEqual({ app: 'p', new: '1' });
    expect(job.metadata.annotations).toEqual({ note: 'keep' });
    expect(job.spec).toEqual({ run: 'keep', replicas: 3, resources: { cpu: 1, memory: 1024 } });
  });

  it('creates without the null labels a merge would remove', async () => {
    const fake = withDefaultNamespace();
    await apply(fake, 'kind: Job\nmetadata: {name: n, labels: {gone: null, kept: "1"}}\nspec: {run: x}\n');
    expect(fake.get('jobs/default/n')?.metadata.labels).toEqual({ kept: '1' });
  });

  it('retries an update that lost the race to a status write, on the latest version', async () => {
    const fake = withDefaultNamespace();
    fake.seed('Job', 'busy', { spec: { run: 'x', replicas: 1 } });
    let races = 2;
    fake.beforeUpdate = (key) => {
      if (races-- > 0) fake.writeStatus(key);
    };
    const report = await apply(fake, 'kind: Job\nmetadata: {name: busy}\nspec: {replicas: 3}\n');
    expect(outcomes(report.objects)).toEqual([['Job', 'busy', 'updated']]);
    expect(fake.writes()).toEqual(['update jobs/default/busy', 'update jobs/default/busy', 'update jobs/default/busy']);
    expect((fake.get('jobs/default/busy') as unknown as { spec: unknown }).spec).toEqual({ run: 'x', replicas: 3 });
  });

  it('gives up after ten lost races and reports the conflict; the other objects are still written', async () => {
    const fake = withDefaultNamespace();
    fake.seed('Job', 'hot', { spec: { run: 'x' } });
    fake.beforeUpdate = (key) => {
      if (key === 'jobs/default/hot') fake.writeStatus(key);
    };
    const report = await apply(fake, 'kind: Job\nmetadata: {name: hot}\nspec: {run: y}\n---\nkind: Job\nmetadata: {name: cool}\nspec: {run: z}\n');
    expect(report.refusedByDryRun).toBe(false);
    expect(report.objects[0].cause).toBeInstanceOf(ConflictError);
    expect(report.objects[1].action).toBe('created');
    expect(fake.writes().filter((call) => call === 'update jobs/default/hot')).toHaveLength(10);
  });

  it('a whole object read at a resourceVersion replaces labels and spec if the spec generation is still the same, status writes since or not', async () => {
    const fake = withDefaultNamespace();
    const read = fake.seed('Job', 'edit', { labels: { app: 'e', tier: 'front' }, spec: { run: 'x', replicas: 1 } });
    fake.writeStatus('jobs/default/edit');
    const { resourceVersion, generation } = read.metadata;
    const text = `kind: Job\nmetadata: {name: edit, resourceVersion: "${resourceVersion}", generation: ${generation}, labels: {app: e}}\nspec: {run: x, replicas: 2}\n`;
    const report = await apply(fake, text);
    expect(outcomes(report.objects)).toEqual([['Job', 'edit', 'updated']]);
    // Replaced, not merged: the label the file left out is gone.
    expect(fake.get('jobs/default/edit')?.metadata.labels).toEqual({ app: 'e' });
  });

  it('refuses, in the check, a whole object whose spec someone changed since it was read; nothing is written', async () => {
    const fake = withDefaultNamespace();
    const read = fake.seed('Job', 'shared', { spec: { run: 'mine' } });
    const text = `kind: Job\nmetadata: {name: shared, resourceVersion: "${read.metadata.resourceVersion}", generation: 1}\nspec: {run: edited}\n---\nkind: Job\nmetadata: {name: other}\nspec: {run: x}\n`;
    fake.seed('Job', 'shared', { spec: { run: 'their change' }, generation: 2 });
    const report = await apply(fake, text);
    expect(report.refusedByDryRun).toBe(true);
    expect(outcomes(report.objects).map(([, name]) => name)).toEqual(['shared']);
    expect(report.objects[0].cause).toBeInstanceOf(ConflictError);
    expect(report.objects[0].error).toMatch(/^Object 'jobs\/default\/shared' has been modified/);
    expect(fake.writes()).toEqual([]);
  });

  it('a hand-written file with a resourceVersion but no generation must still have the object\'s version', async () => {
    const fake = withDefaultNamespace();
    const read = fake.seed('Job', 'h', { spec: { run: 'x' } });
    fake.writeStatus('jobs/default/h');
    const report = await apply(fake, `kind: Job\nmetadata: {name: h, resourceVersion: "${read.metadata.resourceVersion}"}\nspec: {run: y}\n`);
    expect(report.refusedByDryRun).toBe(true);
    expect(report.objects[0].cause).toBeInstanceOf(ConflictError);
  });

  it('checks objects of a namespace the same file creates when it writes them', async () => {
    const fake = new FakeResourceApis();
    const report = await apply(fake, 'kind: Namespace\nmetadata: {name: team}\n---\nkind: Job\nmetadata: {name: j, namespace: team}\nspec: {run: x}\n');
    expect(outcomes(report.objects)).toEqual([
      ['Namespace', 'team', 'created'],
      ['Job', 'j', 'created'],
    ]);
    expect(report.objects[1].namespace).toBe('team');
  });

  it('a namespaced object goes to the file\'s namespace, else the given one, else the default; a contradiction is a ManifestError before any call', async () => {
    const fake = new FakeResourceApis();
    fake.seed('Namespace', 'mine');
    fake.seed('Namespace', 'given');
    fake.seed('Namespace', 'default');
    const report = await apply(fake, 'kind: Job\nmetadata: {name: a, namespace: mine}\nspec: {}\n---\nkind: Job\nmetadata: {name: b}\nspec: {}\n', { namespace: 'mine' });
    expect(report.objects.map((o) => o.namespace)).toEqual(['mine', 'mine']);
    expect((await apply(fake, 'kind: Job\nmetadata: {name: c}\nspec: {}\n')).objects[0].namespace).toBe('default');
    const calls = fake.calls.length;
    await expect(apply(fake, 'kind: Job\nmetadata: {name: d, namespace: mine}\nspec: {}\n', { namespace: 'given' })).rejects.toThrow(
      new ManifestError('f.yaml, document 1: its namespace is "mine" but -n says "given"'),
    );
    await expect(apply(fake, 'kind: Job\nmetadata: {name: d, namespace: mine}\nspec: {}\n', { namespace: 'given' })).rejects.toBeInstanceOf(ManifestError);
    expect(fake.calls.length).toBe(calls);
  });

  it('says failures in the caller\'s words', async () => {
    const fake = new FakeResourceApis();
    const report = await applyManifests(fake.apiFor, read('kind: Job\nmetadata: {name: a}\nspec: {}\n'), {
      defaultNamespace: 'nowhere',
      describeError: (error) => `oops: ${(error as Error).name}`,
    });
    expect(report.objects[0].error).toBe('oops: NotFoundError');
  });
});
