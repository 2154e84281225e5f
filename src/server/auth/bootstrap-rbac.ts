/**
 * The built-in ClusterRoles and their ClusterRoleBindings to today's groups, created at server
 * start when absent (as kube-apiserver's bootstrap roles), so token files written before roles
 * existed keep working unchanged:
 *
 *   sky-admin       every verb on everything             group sky:admins
 *   sky-controller  every verb on everything (status,    group sky:controllers
 *                   leases, discovered clusters)
 *   sky-edit        read everything; create, update,     group sky:editors
 *                   delete jobs, deployments and
 *                   filter policies; use every cluster
 *   sky-view        read everything                       group sky:viewers
 *
 * system:masters needs no binding (src/domain/rbac/authorizer.ts). An administrator may edit
 * these; a server never overwrites an edit, it only puts back what was deleted.
 */
import { AlreadyExistsError } from '../../domain/errors.js';
import { RbacAuthorizer } from '../../domain/rbac/authorizer.js';
import type { PolicyRule, RoleBindingSpec, RoleSpec } from '../../domain/spec/rbac-spec.js';
import type { ResolverContext } from '../../resolvers/context.js';
import { clusterRoleBindingResolvers, clusterRoleResolvers } from '../../resolvers/rbac.js';
import { GROUPS } from './authorize.js';

const READ: PolicyRule = { verbs: ['get', 'list', 'watch'], resources: ['*'], resourceNames: [] };
const ALL: PolicyRule = { verbs: ['*'], resources: ['*'], resourceNames: [] };

/** The label that marks them, for `skym get clusterroles -l sky.io/bootstrapping=defaults`. */
export const BOOTSTRAP_LABELS = { 'sky.io/bootstrapping': 'defaults' };

export const BUILTIN_CLUSTER_ROLES: ReadonlyArray<{ name: string; spec: RoleSpec; group: string }> = [
  { name: 'sky-admin', spec: { rules: [ALL] }, group: GROUPS.admins },
  { name: 'sky-controller', spec: { rules: [ALL] }, group: GROUPS.controllers },
  {
    name: 'sky-edit',
    spec: {
      rules: [
        READ,
        { verbs: ['create', 'update', 'delete'], resources: ['jobs', 'deployments', 'filterpolicies'], resourceNames: [] },
        { verbs: ['use'], resources: ['clusters'], resourceNames: [] },
      ],
    },
    group: GROUPS.editors,
  },
  { name: 'sky-view', spec: { rules: [READ] }, group: GROUPS.viewers },
];

/** The authorizer of the built-ins alone, as a fresh server has them (for tests and tools). */
export function bootstrapAuthorizer(): RbacAuthorizer {
  return new RbacAuthorizer({
    roles: [],
    roleBindings: [],
    clusterRoles: BUILTIN_CLUSTER_ROLES.map((r) => ({ metadata: { name: r.name }, spec: r.spec })),
    clusterRoleBindings: BUILTIN_CLUSTER_ROLES.map((r) => ({
      metadata: { name: r.name },
      spec: { subjects: [{ kind: 'Group' as const, name: r.group }], roleRef: { kind: 'ClusterRole' as const, name: r.name } },
    })),
  });
}

const ignoreExisting = (error: unknown) => {
  if (!(error instanceof AlreadyExistsError)) throw error;
};

/** Creates each built-in ClusterRole and its binding unless it exists (several servers may race to). */
export async function ensureBootstrapRbac(ctx: ResolverContext): Promise<void> {
  for (const role of BUILTIN_CLUSTER_ROLES) {
    const metadata = { name: role.name, labels: BOOTSTRAP_LABELS };
    await clusterRoleResolvers.create(ctx, { input: { metadata, spec: role.spec } }).catch(ignoreExisting);
    const binding: RoleBindingSpec = { subjects: [{ kind: 'Group', name: role.group }], roleRef: { kind: 'ClusterRole', name: role.name } };
    await clusterRoleBindingResolvers.create(ctx, { input: { metadata, spec: binding } }).catch(ignoreExisting);
  }
}
