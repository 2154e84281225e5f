import { describe, expect, it } from 'vitest';
import { deploymentReport, jobReport, observePod, parseIndexes } from '../../../src/cluster-managers/kubernetes/workload-status.js';
import { deployment, job, pod, skyPodLabels } from './kubernetes-fixtures.js';

const jobRef = { kind: 'Job' as const, namespace: 'default', name: 'hello' };
const webRef = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };
const running = { running: { startedAt: new Date('2026-01-01T00:01:00Z') } };
const exited = (exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error') => ({
  terminated: { exitCode, reason, startedAt: new Date('2026-01-01T00:01:00Z'), finishedAt: new Date('2026-01-01T00:02:00Z') },
});

function jobPod(index: number, options: Parameters<typeof pod>[0] = {}) {
  return pod({
    labels: skyPodLabels('Job', 'hello'),
    annotations: { 'batch.kubernetes.io/job-completion-index': String(index) },
    node: 'n1',
    ...options,
  });
}

describe('parseIndexes', () => {
  it('reads the Job controller’s interval notation', () => {
    expect([...parseIndexes('0-2,4,7-8')]).toEqual([0, 1, 2, 4, 7, 8]);
    expect(parseIndexes('').size).toBe(0);
    expect(parseIndexes(undefined).size).toBe(0);
  });
});

describe('observePod', () => {
  it('reads a running container', () => {
    expect(observePod(pod({ node: 'n', state: running }))).toEqual({ state: 'RUNNING', restarts: 0, startTime: '2026-01-01T00:01:00.000Z' });
  });

  it('reads a finished container with its exit code and times', () => {
    expect(observePod(pod({ node: 'n', phase: 'Failed', state: exited(3) }))).toEqual({
      state: 'FAILED',
      exitCode: 3,
      restarts: 0,
      startTime: '2026-01-01T00:01:00.000Z',
      finishTime: '2026-01-01T00:02:00.000Z',
      message: 'exited with code 3',
    });
    expect(observePod(pod({ node: 'n', phase: 'Failed', state: exited(137, 'OOMKilled') })).message).toBe('exited with code 137 (OOMKilled)');
    expect(observePod(pod({ node: 'n', phase: 'Succeeded', state: exited(0) }))).toMatchObject({ state: 'SUCCEEDED', exitCode: 0, message: undefined });
  });

  it('says why a pod is pending, without a start time', () => {
    const unschedulable = observePod(pod({ unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' }));
    expect(unschedulable).toEqual({ state: 'PENDING', restarts: 0, message: 'Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.' });
    const pulling = observePod(pod({ node: 'n', phase: 'Pending', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } } }));
    expect(pulling.message).toBe('ImagePullBackOff: Back-off pulling image "nope"');
    const creating = observePod(pod({ node: 'n', phase: 'Pending', state: { waiting: { reason: 'ContainerCreating' } } }));
    expect(creating).toEqual({ state: 'PENDING', restarts: 0, message: undefined });
  });

  it('reports a crash-looping container as pending again, with its restarts and last exit', () => {
    const looping = observePod(
      pod({ node: 'n', phase: 'Running', restarts: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: exited(1) }),
    );
    expect(looping).toEqual({ state: 'PENDING', restarts: 4, message: 'CrashLoopBackOff: exited with code 1' });
  });

  it('reports a pod that failed without a container status by its reason', () => {
    expect(observePod(pod({ node: 'n', phase: 'Failed', reason: 'Evicted' })).message).toBe('Evicted');
  });
});

describe('jobReport', () => {
  it('gives one replica per completion index, from the newest pod of each', () => {
    const report = jobReport(jobRef, job({ completions: 3 }), [
      jobPod(0, { state: running }),
      jobPod(1, { phase: 'Pending', unschedulable: 'no room', node: undefined }),
      jobPod(2, { phase: 'Failed', state: exited(1), created: '2026-01-01T00:00:00Z' }),
      jobPod(2, { state: running, created: '2026-01-01T00:05:00Z' }), // the retry
    ]);
    expect(report.replicas.map((r) => [r.index, r.state])).toEqual([
      [0, 'RUNNING'],
      [1, 'PENDING'],
      [2, 'RUNNING'],
    ]);
    expect(report).toMatchObject({ ref: jobRef, pending: 1, running: 2, succeeded: 0, failed: 0, externalId: 'hello', message: 'Unschedulable: no room' });
  });

  it('takes completed indexes from the Job status, even when their pods are gone', () => {
    const report = jobReport(jobRef, job({ completions: 3, completedIndexes: '0,2', succeeded: 2 }), [jobPod(1, { state: running })]);
    expect(report.replicas.map((r) => r.state)).toEqual(['SUCCEEDED', 'RUNNING', 'SUCCEEDED']);
    expect(report).toMatchObject({ succeeded: 2, running: 1, exitCodes: [0, 0] });
  });

  it('reports indexes without a pod yet as pending', () => {
    const report = jobReport(jobRef, job({ completions: 2 }), []);
    expect(report).toMatchObject({ pending: 2, running: 0, message: undefined });
  });

  it('fails every unfinished replica of a failed Job, keeping real exit codes', () => {
    const failed = job({ completions: 3, completedIndexes: '0', failed: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' } });
    const report = jobReport(jobRef, failed, [jobPod(0, { phase: 'Succeeded', state: exited(0) }), jobPod(1, { phase: 'Failed', state: exited(3) }), jobPod(2, { state: running, deleting: true })]);
    expect(report.replicas.map((r) => r.state)).toEqual(['SUCCEEDED', 'FAILED', 'FAILED']);
    expect(report).toMatchObject({ succeeded: 1, failed: 2, exitCodes: [0, 3] });
    expect(report.message).toBe('Job failed (BackoffLimitExceeded): Job has reached the specified backoff limit; exited with code 3');
  });

  it('ignores pods of a deleted same-named workload and indexes beyond the completions', () => {
    const report = jobReport(jobRef, job({ completions: 1 }), [
      pod({ labels: skyPodLabels('Job', 'hello', 'old-uid'), annotations: { 'batch.kubernetes.io/job-completion-index': '0' }, node: 'n', phase: 'Failed', state: exited(9) }),
      jobPod(5, { state: running }),
    ]);
    expect(report.replicas).toEqual([{ index: 0, state: 'PENDING', restarts: 0 }]);
  });

  it('ignores pods of an earlier member Job of the same Sky workload (deleted on preemption, pods still going)', () => {
    const owned = (uid: string, p: ReturnType<typeof pod>) => {
      p.metadata!.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'hello', uid, controller: true }];
      return p;
    };
    const report = jobReport(jobRef, job({ completions: 2 }), [
      // The old run: index 0 had succeeded, index 1 ran; their Job is gone, the pods linger.
      owned('member-hello-before', jobPod(0, { phase: 'Succeeded', state: exited(0) })),
      owned('member-hello-before', jobPod(1, { state: running, deleting: true })),
      owned('member-hello', jobPod(1, { state: running, created: '2026-01-01T00:05:00Z' })),
    ]);
    expect(report.replicas.map((r) => r.state)).toEqual(['PENDING', 'RUNNING']);
    expect(report.exitCodes).toEqual([]);
  });

  it('trusts the succeeded count of a Job that has no completed indexes', () => {
    const report = jobReport(jobRef, job({ completions: 2, succeeded: 2 }), []);
    expect(report.succeeded).toBe(2);
  });
});

describe('deploymentReport', () => {
  const webPod = (options: Parameters<typeof pod>[0] = {}) => pod({ labels: skyPodLabels('Deployment', 'web'), node: 'n1', ...options });

  it('numbers live pods in creation order and pads with pending replicas', () => {
    const report = deploymentReport(webRef, deployment({ replicas: 3 }), [
      webPod({ name: 'web-b', state: running, created: '2026-01-01T00:00:02Z' }),
      webPod({ name: 'web-a', state: running, created: '2026-01-01T00:00:01Z' }),
    ]);
    expect(report.replicas).toEqual([
      { index: 0, state: 'RUNNING', restarts: 0, startTime: '2026-01-01T00:01:00.000Z' },
      { index: 1, state: 'RUNNING', restarts: 0, startTime: '2026-01-01T00:01:00.000Z' },
      { index: 2, state: 'PENDING', restarts: 0 },
    ]);
    expect(report).toMatchObject({ running: 2, pending: 1, externalId: 'web' });
  });

  it('leaves out terminating and finished pods, and pods beyond the scale (a scale-down in progress)', () => {
    const report = deploymentReport(webRef, deployment({ replicas: 1 }), [
      webPod({ state: running, created: '2026-01-01T00:00:01Z' }),
      webPod({ state: running, created: '2026-01-01T00:00:02Z' }),
      webPod({ state: running, deleting: true }),
      webPod({ phase: 'Failed', reason: 'Evicted' }),
    ]);
    expect(report).toMatchObject({ running: 1, pending: 0, failed: 0 });
    expect(report.replicas).toHaveLength(1);
  });
});
