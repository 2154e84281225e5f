import { describe, expect, it } from 'vitest';
import { deploymentChanges, jobChanges } from '../../../src/cluster-managers/kubernetes/manifest-changes.js';
import { buildDeployment, buildJob } from '../../../src/cluster-managers/kubernetes/manifests.js';
import { skyWorkload } from './kubernetes-fixtures.js';

const options = { cluster: 'east' };

describe('jobChanges', () => {
  it('is nothing when parallelism and completions match, else both together', () => {
    const job = skyWorkload('Job');
    expect(jobChanges(buildJob(job, 3, options), buildJob(job, 3, options))).toEqual([]);
    expect(jobChanges(buildJob(job, 3, options), buildJob(job, 5, options))).toEqual([
      { op: 'replace', path: '/spec/parallelism', value: 5 },
      { op: 'replace', path: '/spec/completions', value: 5 },
    ]);
  });

  it('leaves a changed pod template alone: a Job’s template is immutable', () => {
    const before = buildJob(skyWorkload('Job'), 3, options);
    const after = buildJob(skyWorkload('Job', { run: 'echo changed' }), 3, options);
    expect(jobChanges(before, after)).toEqual([]);
  });
});

describe('deploymentChanges', () => {
  it('scales by spec.replicas alone when the template is the same', () => {
    const web = skyWorkload('Deployment');
    expect(deploymentChanges(buildDeployment(web, 2, options), buildDeployment(web, 2, options))).toEqual([]);
    expect(deploymentChanges(buildDeployment(web, 2, options), buildDeployment(web, 4, options))).toEqual([{ op: 'replace', path: '/spec/replicas', value: 4 }]);
  });

  it('replaces the template and its hash annotation when the spec changed (a rolling update)', () => {
    const existing = buildDeployment(skyWorkload('Deployment'), 2, options);
    const desired = buildDeployment(skyWorkload('Deployment', { run: 'echo v2' }), 2, options);
    const hash = desired.metadata!.annotations!['sky.dev/template-hash'];
    expect(hash).not.toBe(existing.metadata!.annotations!['sky.dev/template-hash']);
    expect(deploymentChanges(existing, desired)).toEqual([
      { op: 'replace', path: '/spec/template', value: desired.spec!.template },
      { op: 'add', path: '/metadata/annotations/sky.dev~1template-hash', value: hash },
    ]);
  });

  it('adds the whole annotations map when the existing object has none', () => {
    const existing = buildDeployment(skyWorkload('Deployment'), 2, options);
    delete existing.metadata!.annotations;
    const desired = buildDeployment(skyWorkload('Deployment'), 2, options);
    expect(deploymentChanges(existing, desired)).toEqual([
      { op: 'replace', path: '/spec/template', value: desired.spec!.template },
      { op: 'add', path: '/metadata/annotations', value: { 'sky.dev/template-hash': desired.metadata!.annotations!['sky.dev/template-hash'] } },
    ]);
  });
});
