/**
 * The kinds of Sky objects and how each is addressed. Everything that needs to know "is this
 * kind namespaced" or "what is its plural" (store keys, error messages, REST paths) asks here.
 */
export const KINDS = [
  'Cluster',
  'Namespace',
  'Job',
  'Deployment',
  'FilterPolicy',
  'Queue',
  'PriorityClass',
  'Lease',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
] as const;
export type Kind = (typeof KINDS)[number];

export interface KindInfo {
  kind: Kind;
  /** Lower-case plural used in keys and messages: 'clusters', 'filterpolicies'. */
  plural: string;
  namespaced: boolean;
}

export const KIND_INFO: Record<Kind, KindInfo> = {
  Cluster: { kind: 'Cluster', plural: 'clusters', namespaced: false },
  Namespace: { kind: 'Namespace', plural: 'namespaces', namespaced: false },
  Job: { kind: 'Job', plural: 'jobs', namespaced: true },
  Deployment: { kind: 'Deployment', plural: 'deployments', namespaced: true },
  FilterPolicy: { kind: 'FilterPolicy', plural: 'filterpolicies', namespaced: true },
  Queue: { kind: 'Queue', plural: 'queues', namespaced: false },
  PriorityClass: { kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false },
  Lease: { kind: 'Lease', plural: 'leases', namespaced: false },
  Role: { kind: 'Role', plural: 'roles', namespaced: true },
  ClusterRole: { kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  RoleBinding: { kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  ClusterRoleBinding: { kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
};

export const NAMESPACED_KINDS = KINDS.filter((k) => KIND_INFO[k].namespaced);

export const DEFAULT_NAMESPACE = 'default';

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Object and namespace names are DNS-1123 labels, as in Kubernetes: at most 63 of [a-z0-9-]. */
export function isValidName(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}
