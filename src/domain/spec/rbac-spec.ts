/**
 * The specs of the access kinds, as Kubernetes' rbac.authorization.k8s.io: a Role (in a
 * namespace) or ClusterRole (everywhere) lists rules of verbs on resources, and a RoleBinding
 * or ClusterRoleBinding gives one role to users and groups. Grants only add up; nothing denies.
 * Resources and verbs are checked against what the API has: a misspelt one would grant nothing
 * without a word. types.ts, the resolvers and the GraphQL types derive from these.
 */
import type { z } from 'zod/v4';
import { KIND_INFO, KINDS } from '../kinds.js';
import { MAX_RBAC_RULES, MAX_RBAC_RULE_ENTRIES, MAX_RBAC_SUBJECTS, MAX_SUBJECT_NAME_BYTES } from '../limits.js';
import { graphql, list, name, object, oneOf, text } from './fields.js';
import { quote } from './checks.js';

/** What a rule may allow; `use` on clusters: that a workload of this user may be placed there. */
export const RBAC_VERBS = ['get', 'list', 'watch', 'create', 'update', 'delete', 'use', '*'] as const;
export type RbacVerb = Exclude<(typeof RBAC_VERBS)[number], '*'>;

/**
 * Every resource a rule may name: each kind's plural, the `status` of each (the controllers'
 * writes: placements, admissions, replica reports, cluster health), the `log` of workloads,
 * `metrics` (`get`: scrape the API server's /metrics, Kubernetes' non-resource URL), and `*` for
 * all of them.
 */
export const RBAC_RESOURCES: readonly string[] = [
  ...KINDS.flatMap((kind) => [KIND_INFO[kind].plural, `${KIND_INFO[kind].plural}/status`]),
  'jobs/log',
  'deployments/log',
  'metrics',
  '*',
];
const KNOWN_RESOURCES = new Set(RBAC_RESOURCES);

const KNOWN_VERBS = new Set<string>(RBAC_VERBS);
// Strings, as in Kubernetes, not a GraphQL enum: `*` cannot be an enum value.
const verb = () =>
  text({ maxLength: 16 }, (value) => (KNOWN_VERBS.has(value) ? undefined : `${quote(value)} is not a verb; one of ${RBAC_VERBS.join(', ')}`)).transform(
    (value) => value as (typeof RBAC_VERBS)[number],
  );

const resource = () =>
  text({ maxLength: 64 }, (value) =>
    KNOWN_RESOURCES.has(value) ? undefined : `${quote(value)} is not a resource; one of ${RBAC_RESOURCES.join(', ')}`,
  );

export const POLICY_RULE = object(
  'PolicyRule',
  {
    verbs: graphql(list(verb(), MAX_RBAC_RULE_ENTRIES), { description: 'get, list, watch, create, update, delete, use (clusters), or * for all.' }),
    resources: graphql(list(resource(), MAX_RBAC_RULE_ENTRIES), { description: 'Plural kinds (jobs), their status or log (jobs/status, jobs/log), or * for all.' }),
    resourceNames: graphql(list(name(), MAX_RBAC_RULE_ENTRIES).default([]), {
      description: 'Only these objects; empty: all. A rule with names allows no list, watch or create, which name no object.',
    }),
  },
  'Verbs allowed on resources.',
);

export const ROLE_SPEC = object('RoleSpec', {
  rules: list(POLICY_RULE, MAX_RBAC_RULES).default([]),
});

export const SUBJECT_KINDS = ['User', 'Group'] as const;
export const ROLE_REF_KINDS = ['Role', 'ClusterRole'] as const;

const subject = object(
  'Subject',
  {
    kind: oneOf(SUBJECT_KINDS, 'SubjectKind'),
    // Users and groups come from tokens and identity providers ("sky:editors", "alice@example.com"): any text.
    name: text({ maxBytes: MAX_SUBJECT_NAME_BYTES }, (value) => (value === '' ? 'must not be empty' : undefined)),
  },
  'A user or a group, as authentication names them.',
);

const roleRef = object('RoleRef', { kind: oneOf(ROLE_REF_KINDS, 'RoleRefKind'), name: name() }, 'The role a binding gives.');

export const ROLE_BINDING_SPEC = object('RoleBindingSpec', {
  subjects: list(subject, MAX_RBAC_SUBJECTS).default([]),
  roleRef,
});

export type PolicyRule = z.output<typeof POLICY_RULE>;
export type RoleSpec = z.output<typeof ROLE_SPEC>;
export type Subject = z.output<typeof subject>;
export type RoleRef = z.output<typeof roleRef>;
export type RoleBindingSpec = z.output<typeof ROLE_BINDING_SPEC>;
