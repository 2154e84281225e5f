import { describe, expect, it } from 'vitest';
import { dnsLabel, memberName, refFromLabels, workloadSelector } from '../../../src/cluster-managers/kubernetes/labels.js';
import { buildDeployment, buildJob, DEFAULT_IMAGE, jobRestart, templateHash } from '../../../src/cluster-managers/kubernetes/manifests.js';
import { skyWorkload } from './kubernetes-fixtures.js';

const LABELS = { 'sky.dev/managed-by': 'sky-manager', 'sky.dev/uid': 'sky-uid-1', 'sky.dev/kind': 'Job', 'sky.dev/name': 'hello' };

describe('buildJob', () => {
  const job = buildJob(skyWorkload('Job'), 3, { cluster: 'east', firstReplicaIndex: 4 });
  const pod = job.spec!.template.spec!;
  const [c] = pod.containers;

  it('makes one Indexed Job running every replica once: parallelism = completions = replicas', () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata).toEqual({ name: 'hello', namespace: 'team-a', labels: LABELS });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', parallelism: 3, completions: 3, backoffLimit: 0 });
    expect(pod.restartPolicy).toBe('Never');
  });

  it('labels the pods like the Job, so status finds them by one selector', () => {
    expect(job.spec!.template.metadata!.labels).toEqual(LABELS);
  });

  it('runs `run` with sh in the image, the workload-wide replica index computed from the completion index', () => {
    expect(c.image).toBe('python:3.12');
    expect(c.command).toEqual(['sh', '-c', 'export SKY_REPLICA_INDEX=$((SKY_FIRST_REPLICA_INDEX + JOB_COMPLETION_INDEX))\necho Sky!']);
    expect(c.env).toEqual([
      { name: 'GREETING', value: 'hi' },
      { name: 'SKY_JOB_NAME', value: 'hello' },
      { name: 'SKY_NAMESPACE', value: 'team-a' },
      { name: 'SKY_CLUSTER', value: 'east' },
      { name: 'SKY_FIRST_REPLICA_INDEX', value: '4' },
    ]);
  });

  it('requests cpu and memory, and GPUs as request and limit', () => {
    expect(c.resources).toEqual({ requests: { cpu: '1' } });
    const gpuJob = buildJob(skyWorkload('Job', { resources: { cpu: 0.5, memory: 1536, gpu: 2 } }), 1, { cluster: 'east' });
    expect(gpuJob.spec!.template.spec!.containers[0].resources).toEqual({
      requests: { cpu: '500m', memory: '1536Mi', 'nvidia.com/gpu': '2' },
      limits: { 'nvidia.com/gpu': '2' },
    });
    const free = buildJob(skyWorkload('Job', { resources: { cpu: 0, memory: 0, gpu: 0 } }), 1, { cluster: 'east' });
    expect(free.spec!.template.spec!.containers[0].resources).toBeUndefined();
  });

  it('sends pods that ask for an accelerator to nodes labelled with it', () => {
    const a100 = buildJob(skyWorkload('Job', { resources: { cpu: 1, memory: 0, gpu: 1, accelerator: 'A100' } }), 1, { cluster: 'east' });
    const terms = a100.spec!.template.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms;
    expect(terms.map((t) => t.matchExpressions![0])).toEqual([
      { key: 'accelerator', operator: 'In', values: ['A100'] },
      { key: 'nvidia.com/gpu.product', operator: 'In', values: ['A100'] },
      { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['A100'] },
    ]);
    expect(pod.affinity).toBeUndefined();
  });

  it('uses a small shell image when the workload names none, and index 0 by default', () => {
    const plain = buildJob(skyWorkload('Job', { image: '' }), 1, { cluster: 'east' });
    expect(plain.spec!.template.spec!.containers[0].image).toBe(DEFAULT_IMAGE);
    expect(plain.spec!.template.spec!.containers[0].env).toContainEqual({ name: 'SKY_FIRST_REPLICA_INDEX', value: '0' });
  });

  it('maps restart policies: NEVER fails at the first failure, the others retry in place', () => {
    expect(jobRestart('NEVER')).toEqual({ restartPolicy: 'Never', backoffLimit: 0 });
    expect(jobRestart('ON_FAILURE')).toEqual({ restartPolicy: 'OnFailure', backoffLimit: 6 });
    expect(jobRestart('ALWAYS')).toEqual({ restartPolicy: 'OnFailure', backoffLimit: 6 });
  });

  it("carries the workload's own labels and annotations to the Job and its pods, never over Sky's", () => {
    const labelled = skyWorkload('Job');
    labelled.metadata.labels = { team: 'ml', 'sky.dev/uid': 'forged' };
    labelled.metadata.annotations = { 'prometheus.io/scrape': 'true' };
    const made = buildJob(labelled, 1, { cluster: 'east' });
    for (const metadata of [made.metadata!, made.spec!.template.metadata!]) {
      expect(metadata.labels).toEqual({ team: 'ml', ...LABELS });
      expect(metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    }
  });

  it('is deterministic: the same workload makes the same object', () => {
    expect(buildJob(skyWorkload('Job'), 3, { cluster: 'east', firstReplicaIndex: 4 })).toEqual(job);
  });
});

describe('buildDeployment', () => {
  const deployment = buildDeployment(skyWorkload('Deployment', {}, 'web'), 2, { cluster: 'west', firstReplicaIndex: 3 });
  const labels = { ...LABELS, 'sky.dev/kind': 'Deployment', 'sky.dev/name': 'web' };

  it('makes one Deployment with the replicas, selecting its pods by the Sky labels including the uid', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata).toMatchObject({ name: 'web', namespace: 'team-a', labels });
    expect(deployment.spec!.replicas).toBe(2);
    expect(deployment.spec!.selector).toEqual({ matchLabels: labels });
    expect(deployment.spec!.template.metadata!.labels).toEqual(labels);
    expect(deployment.spec!.template.spec!.restartPolicy).toBe('Always');
  });

  it("selects by Sky's labels only, so the workload's own labels can change", () => {
    const labelled = skyWorkload('Deployment', {}, 'web');
    labelled.metadata.labels = { app: 'web' };
    const made = buildDeployment(labelled, 1, { cluster: 'west' });
    expect(made.spec!.selector).toEqual({ matchLabels: labels });
    expect(made.spec!.template.metadata!.labels).toEqual({ app: 'web', ...labels });
  });

  it('runs `run` as is, without a replica index (Deployment pods are interchangeable)', () => {
    const [c] = deployment.spec!.template.spec!.containers;
    expect(c.command).toEqual(['sh', '-c', 'echo Sky!']);
    expect(c.env!.map((e) => e.name)).toEqual(['GREETING', 'SKY_JOB_NAME', 'SKY_NAMESPACE', 'SKY_CLUSTER']);
  });

  it('records the hash of its pod template, which changes with the spec and not with the scale', () => {
    const hash = deployment.metadata!.annotations!['sky.dev/template-hash'];
    expect(hash).toBe(templateHash(deployment.spec!.template));
    expect(buildDeployment(skyWorkload('Deployment', {}, 'web'), 5, { cluster: 'west' }).metadata!.annotations!['sky.dev/template-hash']).toBe(hash);
    expect(buildDeployment(skyWorkload('Deployment', { image: 'other' }, 'web'), 2, { cluster: 'west' }).metadata!.annotations!['sky.dev/template-hash']).not.toBe(hash);
  });
});

describe('names and labels', () => {
  it('keeps Sky names, which are DNS-1123 labels already', () => {
    expect(memberName('sky-165c0f23')).toBe('sky-165c0f23');
    expect(memberName('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('cleans up anything else deterministically, keeping different names apart', () => {
    const a = dnsLabel('My_Job');
    expect(a).toMatch(/^my-job-[0-9a-f]{8}$/);
    expect(dnsLabel('My_Job')).toBe(a);
    expect(dnsLabel('my_job')).not.toBe(a);
    expect(dnsLabel('x'.repeat(80))).toHaveLength(63);
    expect(dnsLabel('___')).toMatch(/^sky-[0-9a-f]{8}$/);
  });

  it('finds the Sky workload of a labelled object, and nothing in unlabelled ones', () => {
    expect(refFromLabels('team-a', LABELS)).toEqual({ kind: 'Job', namespace: 'team-a', name: 'hello' });
    expect(refFromLabels('team-a', { ...LABELS, 'sky.dev/managed-by': 'someone-else' })).toBeUndefined();
    expect(refFromLabels('team-a', { ...LABELS, 'sky.dev/kind': 'Pod' })).toBeUndefined();
    expect(refFromLabels('team-a', {})).toBeUndefined();
    expect(refFromLabels(undefined, LABELS)).toBeUndefined();
  });

  it('selects one workload by kind and name', () => {
    expect(workloadSelector({ kind: 'Job', namespace: 'x', name: 'hello' })).toBe('sky.dev/managed-by=sky-manager,sky.dev/kind=Job,sky.dev/name=hello');
  });
});
