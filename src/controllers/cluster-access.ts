/**
 * ClusterAccess: whether a workload's creator may `use` a cluster, from the Roles, ClusterRoles
 * and bindings the controller manager's informers hold (the API server decides everything else;
 * only placement needs this). The authorizer is made again on the first question after a change.
 */
import { creatorOf } from '../domain/creator.js';
import { RbacAuthorizer } from '../domain/rbac/authorizer.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Workload } from '../domain/types.js';
import type { ClusterAccess, WatchedCache } from './listers.js';

export interface AccessCaches {
  roles: WatchedCache<Role>;
  clusterRoles: WatchedCache<ClusterRole>;
  roleBindings: WatchedCache<RoleBinding>;
  clusterRoleBindings: WatchedCache<ClusterRoleBinding>;
}

export class CachedClusterAccess implements ClusterAccess {
  private authorizer?: RbacAuthorizer;
  private readonly caches: WatchedCache<Role | ClusterRole | RoleBinding | ClusterRoleBinding>[];

  constructor(private readonly access: AccessCaches) {
    this.caches = [access.roles, access.clusterRoles, access.roleBindings, access.clusterRoleBindings] as WatchedCache<Role | ClusterRole | RoleBinding | ClusterRoleBinding>[];
    this.onChange(() => (this.authorizer = undefined));
  }

  mayUse(workload: Workload, cluster: string): boolean {
    const creator = creatorOf(workload.metadata.annotations);
    if (!creator) return true;
    this.authorizer ??= new RbacAuthorizer({
      roles: this.access.roles.list(),
      clusterRoles: this.access.clusterRoles.list(),
      roleBindings: this.access.roleBindings.list(),
      clusterRoleBindings: this.access.clusterRoleBindings.list(),
    });
    // `use` is asked of the cluster; a RoleBinding in the workload's namespace may grant it there.
    return this.authorizer.allows(creator, { verb: 'use', resource: 'clusters', name: cluster, namespace: workload.metadata.namespace });
  }

  onChange(handler: () => void): () => void {
    const changed = () => handler();
    for (const c of this.caches) c.on('add', changed).on('update', changed).on('delete', changed);
    return () => {
      for (const c of this.caches) c.off('add', changed).off('update', changed).off('delete', changed);
    };
  }
}
