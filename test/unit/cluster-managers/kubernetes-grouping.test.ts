import { describe, expect, it } from 'vitest';
import { objectsByWorkload, podsByWorkload, workloadRefs, workloadReports } from '../../../src/cluster-managers/kubernetes/workload-grouping.js';
import { deployment, job, pod, skyPodLabels } from './kubernetes-fixtures.js';

const hello = { kind: 'Job' as const, namespace: 'default', name: 'hello' };
const web = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };

describe('grouping per workload', () => {
  it('keys member objects by the Sky workload their labels name, only when named after it', () => {
    const renamed = { ...job({ completions: 1 }), metadata: { ...job({ completions: 1 }).metadata, name: 'something-else' } };
    const unlabelled = { metadata: { name: 'hello', namespace: 'default', labels: {} } };
    expect([...objectsByWorkload([job({ completions: 1 }), deployment({ replicas: 1 }), renamed, unlabelled]).keys()]).toEqual([
      'jobs/default/hello',
      'deployments/default/web',
    ]);
  });

  it('keys pods by workload and leaves out pods without Sky labels', () => {
    const a = pod({ labels: skyPodLabels('Job', 'hello') });
    const b = pod({ labels: skyPodLabels('Job', 'hello') });
    const c = pod({ labels: skyPodLabels('Deployment', 'web') });
    const stranger = pod({ labels: { app: 'other' } });
    const grouped = podsByWorkload([a, c, stranger, b]);
    expect([...grouped.keys()]).toEqual(['jobs/default/hello', 'deployments/default/web']);
    expect(grouped.get('jobs/default/hello')).toEqual([a, b]);
  });

  it('workloadRefs names each workload once', () => {
    expect([...workloadRefs([job({ completions: 1 }), job({ completions: 2 }), deployment({ replicas: 1 })]).values()]).toEqual([hello, web]);
  });

  it('reports only the workloads asked about that have a member object', () => {
    const running = { running: { startedAt: new Date('2026-01-01T00:01:00Z') } };
    const pods = [0, 1].map((i) =>
      pod({ labels: skyPodLabels('Job', 'hello'), annotations: { 'batch.kubernetes.io/job-completion-index': String(i) }, node: 'n1', state: running }),
    );
    const missing = { kind: 'Job' as const, namespace: 'default', name: 'gone' };
    const reports = workloadReports([hello, missing], [job({ completions: 2 }), deployment({ replicas: 1 })], pods);
    expect([...reports.keys()]).toEqual(['jobs/default/hello']);
    expect(reports.get('jobs/default/hello')).toMatchObject({ ref: hello, running: 2, pending: 0 });
  });
});
