/**
 * What must change on a member object that exists so that it matches the one Sky wants now, as
 * JSON Patch (RFC 6902) operations: client-node sends patches as application/json-patch+json.
 */
import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import { TEMPLATE_HASH } from './labels.js';

export interface PatchOperation {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** JSON Pointer escaping of a map key ("sky.dev/template-hash" → "sky.dev~1template-hash"). */
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** What must change on an existing member Job: Indexed Jobs scale by parallelism and completions together. */
export function jobChanges(existing: V1Job, desired: V1Job): PatchOperation[] {
  const replicas = desired.spec!.completions!;
  if (existing.spec?.completions === replicas && existing.spec?.parallelism === replicas) return [];
  // A Job's pod template is immutable: a changed spec (or replica offset) does not reach a Job that
  // exists; its replicas are left alone, as the local manager leaves running processes alone.
  return [
    { op: 'replace', path: '/spec/parallelism', value: replicas },
    { op: 'replace', path: '/spec/completions', value: replicas },
  ];
}

/** What must change on an existing member Deployment: its scale, and its pods when the spec changed (a rolling update). */
export function deploymentChanges(existing: V1Deployment, desired: V1Deployment): PatchOperation[] {
  const operations: PatchOperation[] = [];
  if (existing.spec?.replicas !== desired.spec!.replicas) operations.push({ op: 'replace', path: '/spec/replicas', value: desired.spec!.replicas });
  const hash = desired.metadata!.annotations![TEMPLATE_HASH];
  if (existing.metadata?.annotations?.[TEMPLATE_HASH] !== hash) {
    operations.push({ op: 'replace', path: '/spec/template', value: desired.spec!.template });
    operations.push(
      existing.metadata?.annotations
        ? { op: 'add', path: `/metadata/annotations/${pointer(TEMPLATE_HASH)}`, value: hash }
        : { op: 'add', path: '/metadata/annotations', value: { [TEMPLATE_HASH]: hash } },
    );
  }
  return operations;
}
