import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifests } from '../../../src/client/manifests.js';

describe('parseManifests', () => {
  it('reads several YAML documents, skipping empty ones', () => {
    const text = ['kind: Namespace', 'metadata: {name: team-a}', '---', 'kind: job', 'metadata:', '  name: hello', '  namespace: team-a', 'spec: {run: echo}', '---', ''].join('\n');
    expect(parseManifests(text, 'm.yaml')).toEqual([
      { kind: 'Namespace', metadata: { name: 'team-a' }, spec: undefined, origin: 'm.yaml, document 1' },
      { kind: 'Job', metadata: { name: 'hello', namespace: 'team-a' }, spec: { run: 'echo' }, origin: 'm.yaml, document 2' },
    ]);
  });

  it('reads a JSON object and a JSON List as `get -o json` prints them', () => {
    const object = { kind: 'Cluster', metadata: { name: 'c', uid: 'u', resourceVersion: '7', generation: 2, labels: { a: 'b' } }, spec: { manager: 'LOCAL' }, status: { phase: 'READY' } };
    expect(parseManifests(JSON.stringify(object), '-')).toEqual([
      { kind: 'Cluster', metadata: { name: 'c', resourceVersion: '7', generation: 2, labels: { a: 'b' } }, spec: { manager: 'LOCAL' }, origin: 'standard input, document 1' },
    ]);
    const list = { kind: 'JobList', items: [{ kind: 'Job', metadata: { name: 'a' }, spec: {} }, { kind: 'Job', metadata: { name: 'b' }, spec: {} }], resourceVersion: '9' };
    expect(parseManifests(JSON.stringify(list), 'l.json').map((m) => [m.metadata.name, m.origin])).toEqual([
      ['a', 'l.json, document 1, item 1'],
      ['b', 'l.json, document 1, item 2'],
    ]);
  });

  it('keeps a resourceVersion a string even when YAML read it as a number', () => {
    expect(parseManifests('kind: Job\nmetadata: {name: a, resourceVersion: 12}\n', 'f')[0].metadata.resourceVersion).toBe('12');
  });

  it('says which document is wrong, and how', () => {
    expect(() => parseManifests('metadata: {name: a}\n', 'f.yaml')).toThrow('f.yaml, document 1: "kind" is missing');
    expect(() => parseManifests('kind: Job\nmetadata: {}\n', 'f.yaml')).toThrow('f.yaml, document 1: "metadata.name" is missing');
    expect(() => parseManifests('kind: Pod\nmetadata: {name: a}\n', 'f.yaml')).toThrow('f.yaml, document 1: unknown kind "Pod"');
    expect(() => parseManifests('kind: Job\nmetadata: {name: a}\nspecs: {}\n', 'f.yaml')).toThrow('f.yaml, document 1: unknown field "specs"; expected kind, metadata, spec');
    expect(() => parseManifests('kind: Job\nmetadata: {name: a, label: {}}\n', 'f.yaml')).toThrow('unknown field "metadata.label"');
    expect(() => parseManifests('kind: Job\nmetadata: {name: a, labels: {on: true}}\n', 'f.yaml')).toThrow('metadata.labels must be a map of strings');
    expect(() => parseManifests('kind: Job\nmetadata: {name: a\n', 'f.yaml')).toThrow('f.yaml, document 1 is not valid YAML or JSON');
  });

  it('throws ManifestError, and a kind that is nearly one suggests it', () => {
    expect(() => parseManifests('kind: jbo\nmetadata: {name: a}\n', 'f.yaml')).toThrow(ManifestError);
    expect(() => parseManifests('kind: jbo\nmetadata: {name: a}\n', 'f.yaml')).toThrow(/^f\.yaml, document 1: unknown kind "jbo"; .*\. Did you mean job\?$/);
    expect(parseManifests('kind: fp\nmetadata: {name: a}\n', 'f.yaml')[0].kind).toBe('FilterPolicy');
  });

  it('reads quantities as skym create does: memory 2Gi and cpu 500m in workloads and local clusters', () => {
    const text = [
      'kind: Job',
      'metadata: {name: a}',
      'spec: {run: x, resources: {cpu: 500m, memory: 2Gi, gpu: "1", accelerator: A100}}',
      '---',
      'kind: Deployment',
      'metadata: {name: b}',
      'spec: {resources: {cpu: 2, memory: 512}}',
      '---',
      'kind: Cluster',
      'metadata: {name: c}',
      'spec: {manager: LOCAL, local: {cpu: 4000m, memory: 8Gi}}',
      '---',
      'kind: Job',
      'metadata: {name: d}',
      'spec: {resources: {memory: null}}',
    ].join('\n');
    expect(parseManifests(text, 'jobs.yaml').map((m) => m.spec)).toEqual([
      { run: 'x', resources: { cpu: 0.5, memory: 2048, gpu: 1, accelerator: 'A100' } },
      { resources: { cpu: 2, memory: 512 } },
      { manager: 'LOCAL', local: { cpu: 4, memory: 8192 } },
      // null removes the field when merged: left for the merge.
      { resources: { memory: null } },
    ]);
  });

  it('refuses what is no quantity in the file\'s terms', () => {
    const job = (resources: string) => `kind: Namespace\nmetadata: {name: n}\n---\nkind: Job\nmetadata: {name: a}\nspec: {resources: ${resources}}\n`;
    expect(() => parseManifests(job('{memory: 2Gx}'), 'jobs.yaml')).toThrow(
      new ManifestError('jobs.yaml, document 2: spec.resources.memory: "2Gx" is not a quantity such as 512Mi, 2Gi or 1024 (MiB)'),
    );
    expect(() => parseManifests(job('{cpu: lots}'), 'jobs.yaml')).toThrow('jobs.yaml, document 2: spec.resources.cpu: "lots" is not a quantity of cores such as 1, 0.5 or 500m');
    expect(() => parseManifests('kind: Cluster\nmetadata: {name: c}\nspec: {local: {memory: [1]}}\n', 'c.yaml')).toThrow('c.yaml, document 1: spec.local.memory: [1] is not a quantity');
  });
});
