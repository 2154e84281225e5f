import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../cli/manifests.js';

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
});
