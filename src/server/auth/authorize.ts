/**
 * The groups Sky Manager knows by name. Since Roles and bindings exist (issue 16) they decide
 * nothing by themselves: each is bound to a built-in ClusterRole (./bootstrap-rbac.ts), which
 * gives what the group could do before roles existed, so token files keep working unchanged.
 *
 *   sky:admins, system:masters  everything (system:masters without any binding, as in Kubernetes)
 *   sky:controllers             everything: they register discovered clusters, write status and
 *                               hold Leases (leader election)
 *   sky:editors                 reads and watches; create/update/delete of Jobs, Deployments and
 *                               FilterPolicies; use of every cluster
 *   sky:viewers                 reads and watches
 */
export const GROUPS = {
  admins: 'sky:admins',
  masters: 'system:masters',
  controllers: 'sky:controllers',
  editors: 'sky:editors',
  viewers: 'sky:viewers',
} as const;
