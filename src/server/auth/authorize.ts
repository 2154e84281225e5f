/**
 * Who may call which root field, by group: a small, fixed table in the spirit of Kubernetes'
 * default ClusterRoles (admin / edit / view), decided from the operation alone, before any
 * resolver runs. Deciding per root field and never per object keeps every result independent of
 * the caller, which useSharedSubscriptionResults relies on to share one subscription result among
 * subscribers.
 *
 *   sky:admins, system:masters  everything (system:masters as in Kubernetes)
 *   sky:controllers             everything: they register discovered clusters, write status and
 *                               hold Leases (leader election)
 *   sky:editors                 reads and watches; create/update/delete of Jobs, Deployments and
 *                               FilterPolicies (the things users submit); not Cluster, Namespace,
 *                               Queue or PriorityClass writes (they change what everyone runs on,
 *                               and quotas and priorities are the platform team's), not Lease
 *                               writes (a user taking a controller's lease stops it), not any
 *                               update*Status or owner's status write (set*Admission, ...: status is
 *                               the controllers' word on what happened)
 *   sky:viewers                 reads and watches
 *   anyone else authenticated   only introspection and __typename
 *
 * A root field the table does not know (a new mutation) needs an admin until it is added here:
 * refusing by default is the safe mistake.
 */
import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { AuthUser } from './token-file.js';

export const GROUPS = {
  admins: 'sky:admins',
  masters: 'system:masters',
  controllers: 'sky:controllers',
  editors: 'sky:editors',
  viewers: 'sky:viewers',
} as const;

/** 'query', 'mutation' or 'subscription' (graphql's OperationTypeNode, as plain strings). */
export type OperationType = `${OperationDefinitionNode['operation']}`;

const ADMINS = [GROUPS.admins, GROUPS.controllers] as const;
const EDITORS = [GROUPS.editors, ...ADMINS] as const;
const VIEWERS = [GROUPS.viewers, ...EDITORS] as const;

/** The kinds users submit; their spec writes are editors' work. */
const EDITABLE_KINDS = ['Job', 'Deployment', 'FilterPolicy'];
const EDITOR_MUTATIONS = new Set(EDITABLE_KINDS.flatMap((kind) => [`create${kind}`, `update${kind}`, `delete${kind}`]));

/** The groups any one of which allows the field (system:masters, always allowed, is not listed); empty: any authenticated user. */
export function requiredGroups(operation: OperationType, field: string): readonly string[] {
  if (field.startsWith('__')) return []; // __typename, __schema, __type: the schema is no secret
  if (operation === 'query' || operation === 'subscription') return VIEWERS;
  if (EDITOR_MUTATIONS.has(field)) return EDITORS;
  return ADMINS;
}

export function mayCall(groups: readonly string[], operation: OperationType, field: string): boolean {
  if (groups.includes(GROUPS.masters)) return true;
  const required = requiredGroups(operation, field);
  return required.length === 0 || required.some((group) => groups.includes(group));
}

/**
 * The root fields an operation calls, through fragments and inline fragments, ignoring aliases
 * (`x: createCluster` is createCluster) and @skip/@include (a skipped field is checked anyway:
 * refusing too much is the safe side).
 */
export function rootFields(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  const fields = new Set<string>();
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value); // validation forbids cycles; this only keeps a bad document finite
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return [...fields];
}

/** "a", "a or b", "a, b or c". */
function either(groups: readonly string[]): string {
  return groups.length <= 1 ? groups.join('') : `${groups.slice(0, -1).join(', ')} or ${groups[groups.length - 1]}`;
}

export interface Denial {
  field: string;
  message: string;
}

/** The first root field the user may not call, with the message that says what it needs; undefined when all are allowed. */
export function deniedField(user: AuthUser, operation: OperationType, fields: readonly string[]): Denial | undefined {
  const field = fields.find((name) => !mayCall(user.groups, operation, name));
  if (field === undefined) return undefined;
  return { field, message: `User "${user.name}" may not call ${field}: it needs group ${either(requiredGroups(operation, field))}.` };
}
