/**
 * Thin typed wrappers over test/helpers/graphql.ts documents: `kindApi(url, 'Job').create(input)`
 * returns the created object or fails the test with the server's errors.
 */
import { data, documents, failure, type TestKind, type WireError } from './graphql.js';

export type Obj = {
  kind: string;
  metadata: {
    name: string;
    namespace?: string | null;
    uid: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
  };
  spec?: any;
  status: any;
};

export interface ObjList {
  kind: string;
  resourceVersion: string;
  items: Obj[];
}

export function kindApi(url: string, kind: TestKind) {
  const doc = documents(kind);
  const result = async <T = Obj>(query: string, variables: Record<string, unknown>) => (await data<{ result: T }>(url, query, variables)).result;
  const fail = (query: string, variables: Record<string, unknown>): Promise<WireError & { status: number }> => failure(url, query, variables);
  return {
    documents: doc,
    create: (input: Record<string, unknown>) => result(doc.create, { input }),
    update: (input: Record<string, unknown>) => result(doc.update, { input }),
    updateStatus: (input: Record<string, unknown>) => result(doc.updateStatus, { input }),
    get: (name: string, namespace?: string) => result(doc.get, { name, namespace }),
    delete: (name: string, namespace?: string) => result(doc.delete, { name, namespace }),
    list: (args: { namespace?: string; labelSelector?: string } = {}) => result<ObjList>(doc.list, args),
    createError: (input: Record<string, unknown>) => fail(doc.create, { input }),
    updateError: (input: Record<string, unknown>) => fail(doc.update, { input }),
    updateStatusError: (input: Record<string, unknown>) => fail(doc.updateStatus, { input }),
    getError: (name: string, namespace?: string) => fail(doc.get, { name, namespace }),
    deleteError: (name: string, namespace?: string) => fail(doc.delete, { name, namespace }),
    listError: (args: { namespace?: string; labelSelector?: string }) => fail(doc.list, args),
  };
}

/** A minimal valid create input for each kind. */
export function minimalInput(kind: TestKind, name: string, namespace?: string, labels?: Record<string, string>): Record<string, unknown> {
  const metadata = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) };
  switch (kind) {
    case 'Cluster':
      return { metadata, spec: { manager: 'LOCAL' } };
    case 'Namespace':
      return { metadata };
    case 'Job':
    case 'Deployment':
      return { metadata, spec: { image: 'busybox', run: 'echo Sky!' } };
    case 'FilterPolicy':
      return { metadata, spec: {} };
    case 'Queue':
      return { metadata, spec: { quota: { cpu: 8 } } };
    case 'PriorityClass':
      return { metadata, spec: { value: 100 } };
    case 'Lease':
    case 'Role':
    case 'ClusterRole':
      return { metadata, spec: {} };
    case 'RoleBinding':
      return { metadata, spec: { roleRef: { kind: 'Role', name: 'editor' } } };
    case 'ClusterRoleBinding':
      return { metadata, spec: { roleRef: { kind: 'ClusterRole', name: 'view' } } };
  }
}

/** A status input each kind accepts. */
export function someStatus(kind: TestKind): Record<string, unknown> {
  switch (kind) {
    case 'Cluster':
      return { phase: 'READY', capacity: { cpu: 8, memory: 16_384, gpu: 1 }, allocatable: { cpu: 6, memory: 8_000, gpu: 1 } };
    case 'Namespace':
      return { phase: 'ACTIVE', conditions: [{ type: 'Federated', status: 'True' }] };
    case 'Job':
    case 'Deployment':
      return { phase: 'SCHEDULED', placements: [{ cluster: 'cluster-0', replicas: 1 }], observedGeneration: 1 };
    case 'FilterPolicy':
      return { phase: 'ACTIVE', conditions: [{ type: 'Valid', status: 'True' }] };
    case 'Queue':
      return { phase: 'ACTIVE', usage: { cpu: 2, memory: 1024, gpu: 0 }, pending: 3, admitted: 1, share: 0.25 };
    case 'PriorityClass':
    case 'Lease':
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return { phase: 'ACTIVE', conditions: [{ type: 'Valid', status: 'True' }] };
  }
}

/** A spec different from minimalInput's, to exercise updates. */
export function otherSpec(kind: TestKind): Record<string, unknown> | undefined {
  switch (kind) {
    case 'Cluster':
      return { manager: 'LOCAL', local: { cpu: 4, memory: 4096 } };
    case 'Namespace':
      return undefined;
    case 'Job':
    case 'Deployment':
      return { image: 'busybox', run: 'echo changed', replicas: 3 };
    case 'FilterPolicy':
      return { clusterFilter: { include: ['cluster-0'] } };
    case 'Queue':
      return { quota: { cpu: 16, memory: 32_768 }, cohort: 'research', weight: 2 };
    case 'PriorityClass':
      // value stays: it is immutable.
      return { value: 100, description: 'changed', preemptionPolicy: 'NEVER' };
    case 'Lease':
      return { holderIdentity: 'replica-1', leaseDurationSeconds: 15, acquireTime: '2026-12-02T23:00:00.000000Z', renewTime: '2026-12-02T23:00:05.123456Z', leaseTransitions: 1 };
    case 'Role':
    case 'ClusterRole':
      return { rules: [{ verbs: ['get', 'list'], resources: ['jobs', 'jobs/log'], resourceNames: [] }] };
    case 'RoleBinding':
      // roleRef stays: it is immutable.
      return { subjects: [{ kind: 'Group', name: 'team-a' }], roleRef: { kind: 'Role', name: 'editor' } };
    case 'ClusterRoleBinding':
      return { subjects: [{ kind: 'User', name: 'alice@example.com' }], roleRef: { kind: 'ClusterRole', name: 'view' } };
  }
}

export const NAMESPACED: Record<TestKind, boolean> = {
  Cluster: false,
  Namespace: false,
  Job: true,
  Deployment: true,
  FilterPolicy: true,
  Queue: false,
  PriorityClass: false,
  Lease: false,
  Role: true,
  ClusterRole: false,
  RoleBinding: true,
  ClusterRoleBinding: false,
};
export const KINDS: TestKind[] = ['Cluster', 'Namespace', 'Job', 'Deployment', 'FilterPolicy', 'Queue', 'PriorityClass', 'Lease', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

let counter = 0;
/** A DNS-1123 name unique within this test process. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
