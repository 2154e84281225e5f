/**
 * RbacAuthorizer: who may do what where, from Roles, ClusterRoles and their bindings, with
 * Kubernetes' meaning. A ClusterRoleBinding gives its ClusterRole's rules everywhere (every
 * namespace and the cluster-scoped kinds); a RoleBinding gives its Role's, or a ClusterRole's,
 * rules in its own namespace only. Grants add up, nothing denies; a binding whose role does not
 * exist grants nothing. Members of system:masters may do everything, bound or not, so that no
 * edit of a binding can lock every administrator out.
 *
 * One authorizer holds one snapshot of the objects (make a new one when they change); what an
 * identity is granted is worked out once per identity and kept, so a check is a few lookups.
 */
import type { PolicyRule, RbacVerb, RoleBindingSpec, RoleSpec, Subject } from '../spec/rbac-spec.js';

export const MASTERS_GROUP = 'system:masters';

export interface Identity {
  name: string;
  groups: readonly string[];
}

export interface AccessRequest {
  verb: RbacVerb;
  /** "jobs", "jobs/status", "clusters", …: see RBAC_RESOURCES. */
  resource: string;
  /** For a namespaced kind; undefined for a cluster-scoped one, or for a request over all namespaces. */
  namespace?: string;
  /** The object, when the request names one (get, update, delete, use). */
  name?: string;
}

interface Named {
  metadata: { name: string; namespace?: string };
}
export interface RbacObjects {
  roles: Iterable<Named & { spec: RoleSpec }>;
  clusterRoles: Iterable<Named & { spec: RoleSpec }>;
  roleBindings: Iterable<Named & { spec: RoleBindingSpec }>;
  clusterRoleBindings: Iterable<Named & { spec: RoleBindingSpec }>;
}

/** Where an identity may do one verb on one resource. */
export type Scope = { everywhere: true } | { everywhere: false; namespaces: ReadonlySet<string> };

interface Grants {
  everywhere: readonly PolicyRule[];
  byNamespace: ReadonlyMap<string, readonly PolicyRule[]>;
}

/** Identities whose grants are kept; past it the cache starts again (many short-lived identities). */
const MAX_CACHED_IDENTITIES = 10_000;

interface Binding {
  spec: RoleBindingSpec;
  /** For a RoleBinding: where it applies. */
  namespace?: string;
}

export class RbacAuthorizer {
  private readonly clusterRoles = new Map<string, readonly PolicyRule[]>();
  private readonly roles = new Map<string, readonly PolicyRule[]>();
  /** "User\0alice", "Group\0sky:editors" → the bindings naming that subject. */
  private readonly bindingsBySubject = new Map<string, Binding[]>();
  private readonly grants = new Map<string, Grants>();

  constructor(objects: RbacObjects) {
    for (const r of objects.clusterRoles) this.clusterRoles.set(r.metadata.name, r.spec.rules);
    for (const r of objects.roles) this.roles.set(`${r.metadata.namespace}/${r.metadata.name}`, r.spec.rules);
    for (const b of objects.clusterRoleBindings) this.index({ spec: b.spec });
    for (const b of objects.roleBindings) this.index({ spec: b.spec, namespace: b.metadata.namespace ?? '' });
  }

  allows(identity: Identity, request: AccessRequest): boolean {
    if (identity.groups.includes(MASTERS_GROUP)) return true;
    const grants = this.grantsOf(identity);
    if (grants.everywhere.some((rule) => matches(rule, request))) return true;
    if (request.namespace === undefined) return false;
    return grants.byNamespace.get(request.namespace)?.some((rule) => matches(rule, request)) ?? false;
  }

  /** The namespaces where `verb` on every object of `resource` is allowed (for lists and watches over all namespaces). */
  scope(identity: Identity, verb: RbacVerb, resource: string): Scope {
    const request = { verb, resource };
    if (this.allows(identity, request)) return { everywhere: true };
    const namespaces = new Set<string>();
    for (const [namespace, rules] of this.grantsOf(identity).byNamespace) {
      if (rules.some((rule) => matches(rule, request))) namespaces.add(namespace);
    }
    return { everywhere: false, namespaces };
  }

  private index(binding: Binding): void {
    for (const subject of binding.spec.subjects) {
      const key = subjectKey(subject);
      const list = this.bindingsBySubject.get(key);
      if (list) list.push(binding);
      else this.bindingsBySubject.set(key, [binding]);
    }
  }

  private grantsOf(identity: Identity): Grants {
    const key = identityKey(identity);
    let grants = this.grants.get(key);
    if (grants) return grants;
    const everywhere: PolicyRule[] = [];
    const byNamespace = new Map<string, PolicyRule[]>();
    const bindings = [
      ...(this.bindingsBySubject.get(subjectKey({ kind: 'User', name: identity.name })) ?? []),
      ...identity.groups.flatMap((group) => this.bindingsBySubject.get(subjectKey({ kind: 'Group', name: group })) ?? []),
    ];
    for (const binding of new Set(bindings)) {
      const { roleRef } = binding.spec;
      if (binding.namespace === undefined) {
        // A ClusterRoleBinding can only give a ClusterRole (the API refuses anything else).
        if (roleRef.kind === 'ClusterRole') everywhere.push(...(this.clusterRoles.get(roleRef.name) ?? []));
        continue;
      }
      const rules = roleRef.kind === 'ClusterRole' ? this.clusterRoles.get(roleRef.name) : this.roles.get(`${binding.namespace}/${roleRef.name}`);
      if (!rules) continue;
      const into = byNamespace.get(binding.namespace);
      if (into) into.push(...rules);
      else byNamespace.set(binding.namespace, [...rules]);
    }
    grants = { everywhere, byNamespace };
    if (this.grants.size >= MAX_CACHED_IDENTITIES) this.grants.clear();
    this.grants.set(key, grants);
    return grants;
  }
}

/** An identity's cache key, kept per identity object: a watch asks for every event it filters. */
const KEYS = new WeakMap<Identity, string>();
function identityKey(identity: Identity): string {
  let key = KEYS.get(identity);
  if (key === undefined) KEYS.set(identity, (key = `${identity.name}\0${[...identity.groups].sort().join('\0')}`));
  return key;
}

function subjectKey(subject: Pick<Subject, 'kind' | 'name'>): string {
  return `${subject.kind}\0${subject.name}`;
}

/** Kubernetes' rule match: the verb, the resource (`*` is every one, subresources too), the name if the rule lists names. */
/**
 * Not objects of the API but what Kubernetes calls non-resource URLs (`metrics`: the API server's
 * /metrics). A rule grants them by naming them, or by allowing every verb on every resource (the
 * admin's rule, as cluster-admin's covers every non-resource URL); "read everything" (get on `*`,
 * the viewer's) does not, as Kubernetes' view role does not.
 */
const NON_RESOURCES = new Set(['metrics']);

function matches(rule: PolicyRule, request: Omit<AccessRequest, 'namespace'>): boolean {
  if (!rule.verbs.includes(request.verb) && !rule.verbs.includes('*')) return false;
  const wildcard = rule.resources.includes('*') && (!NON_RESOURCES.has(request.resource) || rule.verbs.includes('*'));
  if (!rule.resources.includes(request.resource) && !wildcard) return false;
  if (rule.resourceNames.length === 0) return true;
  return request.name !== undefined && rule.resourceNames.includes(request.name);
}
