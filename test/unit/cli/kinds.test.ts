import { describe, expect, it } from 'vitest';
import { clusterStatus, formatAge, objectPhrase, resolveKind, UnknownKindError, viewOf } from '../../../cli/kinds.js';
import { clusterResources, workloadResources } from '../../../cli/resource-cells.js';
import { renderTable } from '../../../cli/format.js';
import { KINDS } from '../../../src/domain/kinds.js';
import type { Cluster, Job } from '../../../src/domain/types.js';

const meta = { uid: 'u', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' };
const zero = { cpu: 0, memory: 0, gpu: 0 };

function job(name: string, placements: { cluster: string; replicas: number }[], resources = { cpu: 1, memory: 0, gpu: 0 }): Job {
  return {
    kind: 'Job',
    metadata: { ...meta, name, namespace: 'default' },
    spec: { image: '', run: 'x', envs: [], resources, replicas: 4, restartPolicy: 'NEVER', placement: { preferences: [], strategy: 'SPREAD' } },
    status: { phase: placements.length ? 'RUNNING' : 'PENDING', conditions: [], placements, replicaStatus: [] },
  };
}

function cluster(name: string, capacity = zero, allocatable = zero): Cluster {
  return {
    kind: 'Cluster',
    metadata: { ...meta, name },
    spec: { manager: 'KUBERNETES' },
    status: { phase: 'READY', conditions: [], capacity, allocatable, nodes: [], acceleratorTypes: [] },
  };
}

describe('resolveKind', () => {
  it('takes singular, plural, short and kind names in any case', () => {
    expect(['job', 'jobs', 'Job', 'JOBS'].map(resolveKind)).toEqual(['Job', 'Job', 'Job', 'Job']);
    expect(['deployment', 'deployments', 'deploy'].map(resolveKind)).toEqual(['Deployment', 'Deployment', 'Deployment']);
    expect(['namespace', 'namespaces', 'ns'].map(resolveKind)).toEqual(['Namespace', 'Namespace', 'Namespace']);
    expect(['filterpolicy', 'filterpolicies', 'fp', 'FilterPolicy'].map(resolveKind)).toEqual(Array(4).fill('FilterPolicy'));
    expect(['cluster', 'clusters'].map(resolveKind)).toEqual(['Cluster', 'Cluster']);
  });

  it('names every kind in its refusal', () => {
    expect(() => resolveKind('pods')).toThrow(UnknownKindError);
    expect(() => resolveKind('pods')).toThrow('unknown kind "pods"; use one of clusters, namespaces, jobs, deployments, filterpolicies');
  });

  it('has a view for every kind of the domain, with a unique singular and plural', () => {
    const names = KINDS.flatMap((kind) => viewOf(kind).names);
    expect(new Set(names).size).toBe(names.length);
    for (const kind of KINDS) expect(resolveKind(viewOf(kind).names[1])).toBe(kind);
  });
});

describe('objectPhrase', () => {
  it('mentions the namespace only outside "default", as the demo\'s messages read', () => {
    expect(objectPhrase('Job', 'sky-1', 'default')).toBe('job sky-1');
    expect(objectPhrase('Job', 'sky-1', 'team-a')).toBe('job sky-1 in namespace team-a');
    expect(objectPhrase('Cluster', 'c', undefined)).toBe('cluster c');
  });
});

describe('cells', () => {
  it('prints cluster resources as the demo did, free/total, floats with a decimal, memory with its unit', () => {
    expect(clusterResources(cluster('c', { cpu: 6, memory: 23864.0390625, gpu: 0 }, { cpu: 5.79, memory: 18107.0390625, gpu: 0 }))).toBe(
      'cpu: 5.79/6.0\ngpu: 0/0\nmemory: 17.68/23.3 GiB',
    );
    expect(clusterResources(cluster('c', { cpu: 4, memory: 24064, gpu: 1 }, { cpu: 4, memory: 24064, gpu: 1 }))).toBe('cpu: 4.0/4.0\ngpu: 1/1\nmemory: 23.5/23.5 GiB');
    expect(clusterResources(cluster('c', { cpu: 1, memory: 512, gpu: 0 }, { cpu: 1, memory: 256, gpu: 0 }))).toContain('memory: 256.0/512.0 MiB');
    expect(clusterResources(cluster('c', { cpu: 1, memory: 3 * 2 ** 20, gpu: 0 }, { cpu: 1, memory: 2 ** 19, gpu: 0 }))).toContain('memory: 0.5/3.0 TiB');
    expect(clusterResources(cluster('c'))).toBe('{}');
  });

  it('prints a workload\'s cpu always, gpu and memory when asked for, memory as it was likely written', () => {
    expect(workloadResources({ cpu: 1, memory: 0, gpu: 0 })).toBe('cpu: 1');
    expect(workloadResources({ cpu: 0.5, memory: 512, gpu: 2, accelerator: 'A100' })).toBe('cpu: 0.5\ngpu: 2 (A100)\nmemory: 512 MiB');
    expect([2048, 1536, 1500, 8192 * 1024, 0.5].map((memory) => workloadResources({ cpu: 1, memory, gpu: 0 }).split('\n')[1])).toEqual([
      'memory: 2 GiB',
      'memory: 1.5 GiB',
      'memory: 1500 MiB',
      'memory: 8 TiB',
      'memory: 0.5 MiB',
    ]);
  });

  it('says why a cluster is not READY in its Status cell', () => {
    const broken = cluster('c');
    broken.status = { ...broken.status, phase: 'ERROR', message: 'connect ECONNREFUSED 127.0.0.1:6443' };
    expect(clusterStatus(broken)).toBe('ERROR: connect ECONNREFUSED 127.0.0.1:6443');
    broken.status = {
      ...broken.status,
      message: undefined,
      conditions: [{ type: 'Ready', status: 'False', reason: 'Unreachable', message: 'no kubeconfig\nat line 2', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    };
    expect(clusterStatus(broken)).toBe('ERROR: no kubeconfig');
    expect(clusterStatus(cluster('ok'))).toBe('READY');
    broken.status = { ...broken.status, phase: 'INIT', conditions: [] };
    expect(clusterStatus(broken)).toBe('INIT');
  });

  it('prints ages like kubectl', () => {
    const now = new Date('2026-01-03T00:00:00Z');
    expect(formatAge('2026-01-02T23:59:15Z', now)).toBe('45s');
    expect(formatAge('2026-01-02T23:30:00Z', now)).toBe('30m');
    expect(formatAge('2026-01-02T00:00:00Z', now)).toBe('24h');
    expect(formatAge('2025-12-20T00:00:00Z', now)).toBe('14d');
  });
});

describe('job rows', () => {
  const view = viewOf('Job');
  const table = (jobs: Job[]) => renderTable(view.columns, jobs.flatMap((j) => view.rows(j))).text;

  it('prints one row per cluster the replicas are placed on, as the demo\'s spread job', () => {
    expect(table([job('sky-93788a95', [{ cluster: 'mluo-cloud', replicas: 2 }, { cluster: 'mluo-onprem', replicas: 2 }])])).toBe(
      [
        'Name          Cluster      Replicas  Resources  Namespace  Status',
        'sky-93788a95  mluo-cloud          2  cpu: 1     default    RUNNING',
        'sky-93788a95  mluo-onprem         2  cpu: 1     default    RUNNING',
      ].join('\n'),
    );
  });

  it('prints an unplaced job once, with no cluster and 0 replicas, as the demo did', () => {
    expect(table([job('hello', [])])).toBe(['Name   Cluster  Replicas  Resources  Namespace  Status', 'hello                  0  cpu: 1     default    PENDING'].join('\n'));
  });
});

describe('cluster rows', () => {
  it('have the demo\'s columns', () => {
    const view = viewOf('Cluster');
    const rows = [cluster('cluster-2'), cluster('mluo-cloud', { cpu: 6, memory: 23864.0390625, gpu: 0 }, { cpu: 5.79, memory: 18107.0390625, gpu: 0 })].flatMap((c) =>
      view.rows(c),
    );
    expect(renderTable(view.columns, rows).text).toBe(
      [
        'Name        Manager     Resources               Status',
        'cluster-2   kubernetes  {}                      READY',
        'mluo-cloud  kubernetes  cpu: 5.79/6.0           READY',
        '                        gpu: 0/0',
        '                        memory: 17.68/23.3 GiB',
      ].join('\n'),
    );
  });
});
