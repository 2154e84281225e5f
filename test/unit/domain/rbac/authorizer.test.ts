/** RbacAuthorizer on hand-made objects: Kubernetes' meaning of roles, bindings and rules. */
import { describe, expect, it } from 'vitest';
import { RbacAuthorizer, type RbacObjects } from '../../../../src/domain/rbac/authorizer.js';
import type { PolicyRule, RoleBindingSpec } from '../../../../src/domain/spec/rbac-spec.js';

const rule = (verbs: PolicyRule['verbs'], resources: string[], resourceNames: string[] = []): PolicyRule => ({ verbs, resources, resourceNames });
const role = (name: string, namespace: string | undefined, rules: PolicyRule[]) => ({ metadata: { name, namespace }, spec: { rules } });
const binding = (name: string, namespace: string | undefined, roleRef: RoleBindingSpec['roleRef'], ...subjects: RoleBindingSpec['subjects']) => ({
  metadata: { name, namespace },
  spec: { subjects, roleRef },
});

function objects(extra: Partial<RbacObjects> = {}): RbacObjects {
  return {
    clusterRoles: [
      role('submit', undefined, [rule(['get', 'list', 'watch', 'create'], ['jobs'])]),
      role('view', undefined, [rule(['get', 'list', 'watch'], ['*'])]),
      role('use-cloud', undefined, [rule(['use'], ['clusters'], ['cloud'])]),
    ],
    roles: [role('editor', 'team-a', [rule(['*'], ['jobs', 'deployments'])])],
    roleBindings: [
      binding('a-editors', 'team-a', { kind: 'Role', name: 'editor' }, { kind: 'Group', name: 'team-a' }),
      binding('ci-submits', 'team-b', { kind: 'ClusterRole', name: 'submit' }, { kind: 'User', name: 'ci' }),
      binding('dangling', 'team-b', { kind: 'Role', name: 'missing' }, { kind: 'User', name: 'ci' }),
    ],
    clusterRoleBindings: [
      binding('auditors', undefined, { kind: 'ClusterRole', name: 'view' }, { kind: 'Group', name: 'auditors' }),
      binding('cloud-users', undefined, { kind: 'ClusterRole', name: 'use-cloud' }, { kind: 'User', name: 'alice' }),
    ],
    ...extra,
  };
}

const alice = { name: 'alice', groups: ['team-a'] };
const ci = { name: 'ci', groups: [] };
const auditor = { name: 'dana', groups: ['auditors'] };

describe('RbacAuthorizer', () => {
  const authz = new RbacAuthorizer(objects());

  it('a RoleBinding grants its Role in its namespace only', () => {
    expect(authz.allows(alice, { verb: 'delete', resource: 'jobs', namespace: 'team-a', name: 'x' })).toBe(true);
    expect(authz.allows(alice, { verb: 'delete', resource: 'jobs', namespace: 'team-b', name: 'x' })).toBe(false);
    expect(authz.allows(alice, { verb: 'list', resource: 'jobs' })).toBe(false); // all namespaces: not granted
    expect(authz.allows(alice, { verb: 'get', resource: 'filterpolicies', namespace: 'team-a' })).toBe(false);
  });

  it('a RoleBinding may give a ClusterRole, still only in its namespace', () => {
    expect(authz.allows(ci, { verb: 'create', resource: 'jobs', namespace: 'team-b' })).toBe(true);
    expect(authz.allows(ci, { verb: 'delete', resource: 'jobs', namespace: 'team-b', name: 'x' })).toBe(false);
    expect(authz.allows(ci, { verb: 'create', resource: 'jobs', namespace: 'team-a' })).toBe(false);
  });

  it('a ClusterRoleBinding grants everywhere, cluster-scoped kinds and subresources too (`*`)', () => {
    expect(authz.allows(auditor, { verb: 'list', resource: 'jobs' })).toBe(true);
    expect(authz.allows(auditor, { verb: 'get', resource: 'clusters', name: 'cloud' })).toBe(true);
    expect(authz.allows(auditor, { verb: 'get', resource: 'jobs/log', namespace: 'team-b', name: 'x' })).toBe(true);
    expect(authz.allows(auditor, { verb: 'create', resource: 'jobs', namespace: 'team-b' })).toBe(false);
  });

  it('`metrics` (a non-resource URL) is granted by naming it or by every verb on everything, not by reading everything', () => {
    const scraper = { name: 'prometheus', groups: [] };
    const admin = { name: 'root', groups: ['admins'] };
    const withScrapers = new RbacAuthorizer(
      objects({
        clusterRoles: [...objects().clusterRoles, role('scrape', undefined, [rule(['get'], ['metrics'])]), role('all', undefined, [rule(['*'], ['*'])])],
        clusterRoleBindings: [
          ...objects().clusterRoleBindings,
          binding('prometheus', undefined, { kind: 'ClusterRole', name: 'scrape' }, { kind: 'User', name: 'prometheus' }),
          binding('admins', undefined, { kind: 'ClusterRole', name: 'all' }, { kind: 'Group', name: 'admins' }),
        ],
      }),
    );
    expect(withScrapers.allows(scraper, { verb: 'get', resource: 'metrics' })).toBe(true);
    expect(withScrapers.allows(scraper, { verb: 'get', resource: 'jobs', namespace: 'team-a' })).toBe(false);
    expect(withScrapers.allows(admin, { verb: 'get', resource: 'metrics' })).toBe(true);
    expect(withScrapers.allows(auditor, { verb: 'get', resource: 'metrics' })).toBe(false);
  });

  it('resourceNames: only the named objects, and never a list, watch or create', () => {
    expect(authz.allows(alice, { verb: 'use', resource: 'clusters', name: 'cloud' })).toBe(true);
    expect(authz.allows(alice, { verb: 'use', resource: 'clusters', name: 'on-prem' })).toBe(false);
    expect(authz.allows(alice, { verb: 'use', resource: 'clusters' })).toBe(false);
  });

  it('a binding to a role that does not exist grants nothing; unknown users get nothing; system:masters everything', () => {
    expect(authz.allows(ci, { verb: 'get', resource: 'jobs', namespace: 'team-b', name: 'x' })).toBe(true); // from submit, not the dangling one
    expect(authz.allows({ name: 'mallory', groups: [] }, { verb: 'get', resource: 'jobs', namespace: 'team-a', name: 'x' })).toBe(false);
    expect(authz.allows({ name: 'root', groups: ['system:masters'] }, { verb: 'delete', resource: 'clusterrolebindings', name: 'auditors' })).toBe(true);
  });

  it('a ClusterRoleBinding naming a Role grants nothing (the API refuses to store one)', () => {
    const odd = new RbacAuthorizer(objects({ clusterRoleBindings: [binding('odd', undefined, { kind: 'Role', name: 'editor' }, { kind: 'User', name: 'bob' })] }));
    expect(odd.allows({ name: 'bob', groups: [] }, { verb: 'get', resource: 'jobs', namespace: 'team-a', name: 'x' })).toBe(false);
  });

  it('scope: everywhere, or exactly the namespaces where every object may be listed', () => {
    expect(authz.scope(auditor, 'list', 'jobs')).toEqual({ everywhere: true });
    expect(authz.scope(alice, 'list', 'jobs')).toEqual({ everywhere: false, namespaces: new Set(['team-a']) });
    expect(authz.scope(ci, 'watch', 'jobs')).toEqual({ everywhere: false, namespaces: new Set(['team-b']) });
    expect(authz.scope(ci, 'watch', 'deployments')).toEqual({ everywhere: false, namespaces: new Set() });
  });

  it('grants of users and of their groups add up, whatever the order of the groups', () => {
    const both = { name: 'ci', groups: ['auditors', 'team-a'] };
    expect(authz.allows(both, { verb: 'create', resource: 'jobs', namespace: 'team-b' })).toBe(true);
    expect(authz.allows(both, { verb: 'delete', resource: 'deployments', namespace: 'team-a', name: 'd' })).toBe(true);
    expect(authz.allows(both, { verb: 'list', resource: 'queues' })).toBe(true);
    expect(authz.allows({ name: 'ci', groups: ['team-a', 'auditors'] }, { verb: 'create', resource: 'jobs', namespace: 'team-b' })).toBe(true);
  });
});
