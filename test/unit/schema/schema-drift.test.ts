import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../../src/schema/index.js';
import { schemaSdl } from '../../../src/schema/sdl.js';

describe('schema.graphql', () => {
  it('is what the code builds', () => {
    const committed = readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8');
    expect(schemaSdl(), 'schema.graphql is out of date: run `npm run build && npm run schema:print` and commit it').toBe(committed);
  });

  // The typed client is written against these names; a rename must be a deliberate contract change.
  it('keeps the root fields of the API contract', () => {
    const schema = buildSchema();
    const fields = (type: 'Query' | 'Mutation' | 'Subscription') => {
      const root = type === 'Query' ? schema.getQueryType() : type === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      return Object.values(root!.getFields())
        .map((f) => `${f.name}(${f.args.map((a) => `${a.name}: ${a.type}${a.defaultValue === undefined ? '' : ` = ${JSON.stringify(a.defaultValue)}`}`).sort().join(', ')}): ${f.type}`)
        .sort();
    };
    const namespaced = (kind: string, plural: string) => [
      `${plural}(labelSelector: String, namespace: String): ${kind}List!`,
      `${kind[0].toLowerCase()}${kind.slice(1)}(name: String!, namespace: String = "default"): ${kind}!`,
    ];
    const logs = (single: string) => `${single}Logs(name: String!, namespace: String = "default", tail: Int): [LogLine!]!`;
    expect(fields('Query')).toEqual(
      [
        'cluster(name: String!): Cluster!',
        'clusters(labelSelector: String): ClusterList!',
        'namespace(name: String!): Namespace!',
        'namespaces(labelSelector: String): NamespaceList!',
        'queue(name: String!): Queue!',
        'queues(labelSelector: String): QueueList!',
        'priorityClass(name: String!): PriorityClass!',
        'priorityClasses(labelSelector: String): PriorityClassList!',
        'lease(name: String!): Lease!',
        'leases(labelSelector: String): LeaseList!',
        'whoAmI(): UserInfo!',
        'accessReview(name: String, namespace: String, resource: String!, verb: String!): AccessReview!',
        'clusterRole(name: String!): ClusterRole!',
        'clusterRoles(labelSelector: String): ClusterRoleList!',
        'clusterRoleBinding(name: String!): ClusterRoleBinding!',
        'clusterRoleBindings(labelSelector: String): ClusterRoleBindingList!',
        ...namespaced('Role', 'roles'),
        ...namespaced('RoleBinding', 'roleBindings'),
        ...namespaced('Job', 'jobs'),
        ...namespaced('Deployment', 'deployments'),
        ...namespaced('FilterPolicy', 'filterPolicies'),
        logs('job'),
        logs('deployment'),
      ].sort(),
    );
    const mutations = (kind: string, namespacedKind: boolean) => [
      `create${kind}(dryRun: Boolean, input: ${kind}Input!): ${kind}!`,
      `update${kind}(dryRun: Boolean, input: ${kind}Input!): ${kind}!`,
      `update${kind}Status(input: ${kind}StatusUpdateInput!): ${kind}!`,
      `delete${kind}(name: String!${namespacedKind ? ', namespace: String = "default"' : ''}): ${kind}!`,
    ];
    // The field-scoped status writes of workloads, one per owner (admission controller, scheduler, Skylet).
    const ownerWrites = (kind: string) => [
      `set${kind}Admission(input: AdmissionDecisionInput!): ${kind}!`,
      `set${kind}Placements(input: PlacementDecisionInput!): ${kind}!`,
      `report${kind}Replicas(input: ReplicaReportInput!): ${kind}!`,
    ];
    expect(fields('Mutation')).toEqual(
      [
        ...mutations('Cluster', false),
        ...mutations('Namespace', false),
        ...mutations('Job', true),
        ...mutations('Deployment', true),
        ...mutations('FilterPolicy', true),
        ...mutations('Queue', false),
        ...mutations('PriorityClass', false),
        ...mutations('Lease', false),
        ...mutations('Role', true),
        ...mutations('ClusterRole', false),
        ...mutations('RoleBinding', true),
        ...mutations('ClusterRoleBinding', false),
        ...ownerWrites('Job'),
        ...ownerWrites('Deployment'),
      ].sort(),
    );
    const watch = (plural: string, kind: string, namespacedKind: boolean) =>
      `watch${plural}(labelSelector: String, ${namespacedKind ? 'namespace: String, ' : ''}resourceVersion: String): ${kind}WatchEvent!`;
    expect(fields('Subscription')).toEqual(
      [
        watch('Clusters', 'Cluster', false),
        watch('Namespaces', 'Namespace', false),
        watch('Jobs', 'Job', true),
        watch('Deployments', 'Deployment', true),
        watch('FilterPolicies', 'FilterPolicy', true),
        watch('Queues', 'Queue', false),
        watch('PriorityClasses', 'PriorityClass', false),
        watch('Leases', 'Lease', false),
        watch('Roles', 'Role', true),
        watch('ClusterRoles', 'ClusterRole', false),
        watch('RoleBindings', 'RoleBinding', true),
        watch('ClusterRoleBindings', 'ClusterRoleBinding', false),
        'followJobLogs(name: String!, namespace: String = "default", tail: Int): LogLine!',
        'followDeploymentLogs(name: String!, namespace: String = "default", tail: Int): LogLine!',
      ].sort(),
    );
  });
});
