/**
 * How a Sky workload is recognised in a member cluster: its objects and their pods carry these
 * labels, and the member object's name follows from the Sky name alone. Deterministic names are
 * what make submit idempotent (a retried create meets the first one's object); the uid label tells
 * the object of a deleted Sky workload from that of its same-named successor.
 */
import { dnsLabel, shortHash } from '../../domain/dns-label.js';
import type { WorkloadKind, WorkloadRef } from '../../domain/object-ref.js';

export const MANAGED_BY = 'sky.dev/managed-by';
export const MANAGER = 'sky-manager';
export const UID = 'sky.dev/uid';
export const KIND = 'sky.dev/kind';
export const NAME = 'sky.dev/name';
/** Annotation on a Deployment: the hash of the pod template Sky last wrote (a changed spec rolls it). */
export const TEMPLATE_HASH = 'sky.dev/template-hash';

/** Selects everything Sky runs in a member cluster. */
export const MANAGED_SELECTOR = `${MANAGED_BY}=${MANAGER}`;

const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Job', 'Deployment'];

export { dnsLabel, shortHash };

/** The member object's name for a Sky workload: the same name, which Sky already keeps DNS-1123. */
export function memberName(skyName: string): string {
  return dnsLabel(skyName);
}

export function workloadLabels(ref: WorkloadRef, uid: string): Record<string, string> {
  return { [MANAGED_BY]: MANAGER, [UID]: uid, [KIND]: ref.kind, [NAME]: ref.name };
}

/** Selects the objects and pods of one Sky workload (of any uid). */
export function workloadSelector(ref: WorkloadRef): string {
  return `${MANAGED_SELECTOR},${KIND}=${ref.kind},${NAME}=${ref.name}`;
}

/** The Sky workload a labelled member object or pod belongs to; undefined for anything else. */
export function refFromLabels(namespace: string | undefined, labels: Record<string, string> | undefined): WorkloadRef | undefined {
  if (!namespace || labels?.[MANAGED_BY] !== MANAGER) return undefined;
  const kind = labels[KIND] as WorkloadKind;
  const name = labels[NAME];
  if (!WORKLOAD_KINDS.includes(kind) || !name) return undefined;
  return { kind, namespace, name };
}
