/**
 * The flags `skym create role|clusterrole` and `skym create rolebinding|clusterrolebinding`
 * share, as kubectl's: one rule from --verb/--resource/--resource-name, subjects from --user and
 * --group. The server checks verbs and resources (src/domain/spec/rbac-spec.ts) and says which.
 */
import { Flags } from '@oclif/core';
import type { RoleSpec, Subject } from '../src/domain/types.js';
import { UsageError } from './usage-error.js';

const list = (description: string, helpValue: string, required = false) =>
  Flags.string({ multiple: true, delimiter: ',', multipleNonGreedy: true, required, description, helpValue });

export const ruleFlags = {
  verb: list('Verbs the rule allows: get, list, watch, create, update, delete, use (clusters), or * (comma-separated or repeated).', 'VERBS', true),
  resource: list('Resources: plural kinds (jobs, clusters), jobs/status, jobs/log, or * (comma-separated or repeated).', 'RESOURCES', true),
  'resource-name': list('Only these objects (comma-separated or repeated); all when omitted.', 'NAMES'),
};

export const subjectFlags = {
  user: list('Users the binding names (comma-separated or repeated).', 'USERS'),
  group: list('Groups the binding names (comma-separated or repeated).', 'GROUPS'),
};

/** oclif enforces --verb and --resource; the types do not know it. */
export function ruleSpec(flags: { verb?: string[]; resource?: string[]; 'resource-name'?: string[] }): RoleSpec {
  return { rules: [{ verbs: (flags.verb ?? []) as RoleSpec['rules'][number]['verbs'], resources: flags.resource ?? [], resourceNames: flags['resource-name'] ?? [] }] };
}

export function subjectsOf(flags: { user?: string[]; group?: string[] }): Subject[] {
  const subjects: Subject[] = [...(flags.user ?? []).map((name) => ({ kind: 'User' as const, name })), ...(flags.group ?? []).map((name) => ({ kind: 'Group' as const, name }))];
  if (subjects.length === 0) throw new UsageError('name at least one --user or --group for the binding to give its role to');
  return subjects;
}
