/**
 * Whether a user may run an operation: each root field's access request (./access-requests.ts),
 * with the namespace and name its argument values give, asked of the authorizer. A list or
 * watch over all namespaces is allowed when the user may list (watch) in at least one; the
 * resolvers then leave out the others' objects (ResolverContext.mayView). Decided before any
 * resolver runs; what is answered below the root field never depends on the caller, so shared
 * subscription results stay shared (src/server/use-shared-subscription-results.ts).
 */
import {
  getArgumentValues,
  Kind as AstKind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { KIND_INFO } from '../../domain/kinds.js';
import type { Identity, RbacAuthorizer } from '../../domain/rbac/authorizer.js';
import { fieldAccess, SELF_FIELDS } from './access-requests.js';

/** The root field nodes, through fragments and inline fragments (a skipped field is checked anyway). */
export function rootFieldNodes(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FieldNode[] {
  const nodes: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === AstKind.FIELD) nodes.push(selection);
      else if (selection.kind === AstKind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value); // validation forbids cycles; this only keeps a bad document finite
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return nodes;
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | null | undefined {
  if (operation.operation === 'query') return schema.getQueryType();
  if (operation.operation === 'mutation') return schema.getMutationType();
  return schema.getSubscriptionType();
}

export interface OperationToCheck {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>> | null | undefined;
}

export interface Denial {
  /** The first refused root field. */
  field: string;
  /** What the user may not do: verb, resource, name and namespace. */
  message: string;
}

/** Why the user may not run it, or undefined when every root field is allowed. */
export function operationDenial(authorizer: RbacAuthorizer, user: Identity, { schema, operation, fragments, variables }: OperationToCheck): Denial | undefined {
  const parent = rootType(schema, operation);
  for (const node of rootFieldNodes(operation, fragments)) {
    const field = node.name.value;
    if (field.startsWith('__')) continue; // __typename, __schema, __type: the schema is no secret
    if (SELF_FIELDS.has(field)) continue;
    const access = fieldAccess(field);
    if (!access) return { field, message: `User "${user.name}" may not call ${field}.` };
    const definition = parent?.getFields()[field];
    if (!definition) continue; // not in the schema: validation refuses it
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(definition, node, variables ?? undefined);
    } catch {
      continue; // values that do not coerce: execution refuses them before any resolver runs
    }
    const { namespace, name } = access.locate(args);
    const { verb, resource } = access;
    if (KIND_INFO[access.kind].namespaced && namespace === undefined) {
      const scope = authorizer.scope(user, verb, resource);
      if (scope.everywhere || scope.namespaces.size > 0) continue;
      return { field, message: `User "${user.name}" may not ${verb} ${resource} in any namespace.` };
    }
    if (authorizer.allows(user, { verb, resource, namespace, name })) continue;
    const what = name === undefined ? resource : `${resource} "${name}"`;
    return { field, message: `User "${user.name}" may not ${verb} ${what}${namespace === undefined ? '' : ` in namespace "${namespace}"`}.` };
  }
  return undefined;
}
