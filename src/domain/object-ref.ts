/**
 * Which object: the one way to name a Sky object, and its three written forms.
 *
 * - `refKey` "Job/default/hello", "Cluster//a": the key of an object among all kinds. Store keys
 *   (sorted by kind, then namespace) and work-queue keys of workloads use it.
 * - `describeRef` "jobs/default/hello", "clusters/a": the wording of messages and errors, as in
 *   the original demo ("Object 'clusters/x' not found.").
 * - `cacheKey` "default/hello", "a": the key within one kind, as Kubernetes' informers key their
 *   caches (MetaNamespaceKeyFunc).
 */
import { DEFAULT_NAMESPACE, KIND_INFO, type Kind } from './kinds.js';
import type { ObjectMeta, Workload } from './types.js';

/** Identifies one object. `namespace` is undefined for global kinds. */
export interface ObjectRef {
  kind: Kind;
  namespace?: string;
  name: string;
}

export type WorkloadKind = Workload['kind'];

/** A workload named without its spec: enough to look at, follow or delete what a cluster runs. */
export interface WorkloadRef extends ObjectRef {
  kind: WorkloadKind;
  namespace: string;
}

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return kind === 'Job' || kind === 'Deployment';
}

type RefFor<K extends Kind> = K extends WorkloadKind ? WorkloadRef : ObjectRef;

/** The ref of an object; a namespaced object without a namespace is in the default one. */
export function refOf<K extends Kind>(object: { kind: K; metadata: Pick<ObjectMeta, 'name' | 'namespace'> }): RefFor<K> {
  return objectRef(object.kind, object.metadata.name, object.metadata.namespace);
}

/** A ref from its parts, defaulting the namespace of namespaced kinds (and dropping it otherwise). */
export function objectRef<K extends Kind>(kind: K, name: string, namespace?: string | null): RefFor<K> {
  const ref: ObjectRef = KIND_INFO[kind].namespaced ? { kind, namespace: namespace ?? DEFAULT_NAMESPACE, name } : { kind, name };
  return ref as RefFor<K>;
}

export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The inverse of `refKey` for workloads (work-queue keys); throws on anything else. */
export function parseWorkloadRefKey(key: string): WorkloadRef {
  const [kind, namespace, name, ...rest] = key.split('/');
  if (!isWorkloadKind(kind) || !namespace || !name || rest.length > 0) throw new Error(`not a workload key: ${key}`);
  return { kind, namespace, name };
}

export function describeRef(ref: ObjectRef): string {
  const { plural, namespaced } = KIND_INFO[ref.kind];
  return namespaced ? `${plural}/${ref.namespace}/${ref.name}` : `${plural}/${ref.name}`;
}

export function cacheKey(meta: Pick<ObjectMeta, 'name' | 'namespace'>): string {
  return meta.namespace === undefined ? meta.name : `${meta.namespace}/${meta.name}`;
}
