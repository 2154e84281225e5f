/** Small builders of Kubernetes API objects for the Kubernetes manager's unit tests. */
import type { V1Container, V1Deployment, V1Job, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Workload } from '../../../src/domain/types.js';

export function node(
  name: string,
  allocatable: Record<string, string>,
  options: { ready?: boolean; unschedulable?: boolean; taint?: string; labels?: Record<string, string> } = {},
): V1Node {
  return {
    metadata: { name, labels: options.labels ?? {} },
    spec: {
      unschedulable: options.unschedulable,
      taints: options.taint ? [{ key: 'x', effect: options.taint }] : undefined,
    },
    status: {
      allocatable,
      capacity: allocatable,
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

export function container(requests: Record<string, string> = {}, extra: Partial<V1Container> = {}): V1Container {
  return { name: 'c', image: 'busybox', resources: { requests }, ...extra };
}

export interface PodOptions {
  name?: string;
  namespace?: string;
  node?: string;
  phase?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: V1Container[];
  initContainers?: V1Container[];
  overhead?: Record<string, string>;
  deleting?: boolean;
  created?: string;
  unschedulable?: string;
  state?: NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]['state'];
  lastState?: NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]['lastState'];
  restarts?: number;
  reason?: string;
}

let podCounter = 0;

export function pod(options: PodOptions = {}): V1Pod {
  podCounter += 1;
  const name = options.name ?? `pod-${podCounter}`;
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      namespace: options.namespace ?? 'default',
      labels: options.labels ?? {},
      annotations: options.annotations ?? {},
      creationTimestamp: new Date(options.created ?? '2026-01-01T00:00:00Z'),
      deletionTimestamp: options.deleting ? new Date('2026-01-01T00:10:00Z') : undefined,
    },
    spec: {
      nodeName: options.node,
      containers: options.containers ?? [container()],
      initContainers: options.initContainers,
      overhead: options.overhead,
    },
    status: {
      phase: options.phase ?? (options.node ? 'Running' : 'Pending'),
      reason: options.reason,
      conditions: options.unschedulable
        ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: options.unschedulable }]
        : undefined,
      containerStatuses: options.state || options.lastState || options.restarts
        ? [{ name: 'sky', image: 'busybox', imageID: '', ready: !!options.state?.running, restartCount: options.restarts ?? 0, state: options.state, lastState: options.lastState }]
        : undefined,
    },
  };
}

export function job(options: { name?: string; uid?: string; completions: number; completedIndexes?: string; failedIndexes?: string; succeeded?: number; failed?: { reason: string; message: string } }): V1Job {
  const name = options.name ?? 'hello';
  return {
    metadata: { name, namespace: 'default', uid: `member-${name}`, labels: { 'sky.dev/managed-by': 'sky-manager', 'sky.dev/uid': options.uid ?? 'sky-uid', 'sky.dev/kind': 'Job', 'sky.dev/name': name } },
    spec: { completions: options.completions, parallelism: options.completions, completionMode: 'Indexed', template: {} },
    status: {
      completedIndexes: options.completedIndexes,
      failedIndexes: options.failedIndexes,
      succeeded: options.succeeded,
      conditions: options.failed ? [{ type: 'Failed', status: 'True', ...options.failed }] : undefined,
    },
  };
}

export function deployment(options: { name?: string; uid?: string; replicas: number }): V1Deployment {
  const name = options.name ?? 'web';
  return {
    metadata: { name, namespace: 'default', uid: `member-${name}`, labels: { 'sky.dev/managed-by': 'sky-manager', 'sky.dev/uid': options.uid ?? 'sky-uid', 'sky.dev/kind': 'Deployment', 'sky.dev/name': name } },
    spec: { replicas: options.replicas, selector: {}, template: {} },
  };
}

/** Labels of a pod of the Sky workload `name` with uid `uid`. */
export function skyPodLabels(kind: 'Job' | 'Deployment', name: string, uid = 'sky-uid'): Record<string, string> {
  return { 'sky.dev/managed-by': 'sky-manager', 'sky.dev/uid': uid, 'sky.dev/kind': kind, 'sky.dev/name': name };
}

export function skyWorkload(kind: 'Job' | 'Deployment', overrides: Partial<Workload['spec']> = {}, name = 'hello', namespace = 'team-a'): Workload {
  return {
    kind,
    metadata: { name, namespace, uid: 'sky-uid-1', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      image: 'python:3.12',
      run: 'echo Sky!',
      envs: [{ name: 'GREETING', value: 'hi' }],
      resources: { cpu: 1, memory: 0, gpu: 0 },
      replicas: 3,
      restartPolicy: kind === 'Job' ? 'NEVER' : 'ALWAYS',
      placement: { preferences: [], strategy: 'SPREAD' },
      ...overrides,
    },
    status: { phase: 'SCHEDULED', conditions: [], placements: [], replicaStatus: [] },
  } as Workload;
}
