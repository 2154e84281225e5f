/**
 * Authorization of operations: every root field of the schema has an access request, the
 * built-in roles give each group what it had before roles existed, and operationDenial reads
 * namespaces and names from arguments and variables, through aliases and fragments.
 */
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../../../src/domain/bearer.js';
import { KIND_INFO } from '../../../../src/domain/kinds.js';
import { RbacAuthorizer } from '../../../../src/domain/rbac/authorizer.js';
import { coveredFields, fieldAccess, SELF_FIELDS } from '../../../../src/server/auth/access-requests.js';
import { authenticate, TOKEN_INVALID, TOKEN_REQUIRED } from '../../../../src/server/auth/authenticate.js';
import { operationDenial } from '../../../../src/server/auth/authorize-operation.js';
import { bootstrapAuthorizer, BUILTIN_CLUSTER_ROLES } from '../../../../src/server/auth/bootstrap-rbac.js';
import { buildSchema } from '../../../../src/schema/index.js';

const schema = buildSchema();
const fieldsOf = (type: 'Query' | 'Mutation' | 'Subscription') => Object.keys((schema.getType(type) as any).getFields());
const QUERIES = fieldsOf('Query');
const SUBSCRIPTIONS = fieldsOf('Subscription');
const MUTATIONS = fieldsOf('Mutation');
/** What callers ask about themselves is open to all; the rest is what roles decide. */
const READS = [...QUERIES, ...SUBSCRIPTIONS].filter((f) => !['whoAmI', 'accessReview'].includes(f));

const EDITOR_WRITES = ['Job', 'Deployment', 'FilterPolicy'].flatMap((k) => [`create${k}`, `update${k}`, `delete${k}`]);
const ADMIN_WRITES = MUTATIONS.filter((m) => !EDITOR_WRITES.includes(m));

const builtIns = bootstrapAuthorizer();

/** Whether the groups may call the field on an object named "x" in namespace "default" (or, for lists and watches, over all). */
function mayCall(groups: string[], field: string, authorizer: RbacAuthorizer = builtIns): boolean {
  const access = fieldAccess(field);
  if (!access) return false;
  const identity = { name: 'someone', groups };
  const namespaced = KIND_INFO[access.kind].namespaced;
  if (access.verb === 'list' || access.verb === 'watch') {
    const scope = authorizer.scope(identity, access.verb, access.resource);
    return namespaced ? scope.everywhere || scope.namespaces.size > 0 : authorizer.allows(identity, access);
  }
  return authorizer.allows(identity, { verb: access.verb, resource: access.resource, namespace: namespaced ? 'default' : undefined, name: access.verb === 'create' ? undefined : 'x' });
}
const may = (groups: string[], fields: string[]) => fields.every((f) => mayCall(groups, f));
const mayNone = (groups: string[], fields: string[]) => fields.every((f) => !mayCall(groups, f));

describe('access requests, over every root field of the schema', () => {
  it('every root field has one, and no other is made up', () => {
    expect([...READS, ...MUTATIONS].filter((f) => !fieldAccess(f) && !SELF_FIELDS.has(f))).toEqual([]);
    expect(coveredFields().filter((f) => ![...READS, ...MUTATIONS].includes(f))).toEqual([]);
  });

  it('maps fields to Kubernetes verbs and resources', () => {
    expect(fieldAccess('jobs')).toMatchObject({ verb: 'list', resource: 'jobs' });
    expect(fieldAccess('filterPolicy')).toMatchObject({ verb: 'get', resource: 'filterpolicies' });
    expect(fieldAccess('watchClusterRoleBindings')).toMatchObject({ verb: 'watch', resource: 'clusterrolebindings' });
    expect(fieldAccess('setJobPlacements')).toMatchObject({ verb: 'update', resource: 'jobs/status' });
    expect(fieldAccess('updateClusterStatus')).toMatchObject({ verb: 'update', resource: 'clusters/status' });
    expect(fieldAccess('followDeploymentLogs')).toMatchObject({ verb: 'get', resource: 'deployments/log' });
  });
});

describe('the built-in roles give each group what it had before roles existed', () => {
  it('there is one per group', () => {
    expect(BUILTIN_CLUSTER_ROLES.map((r) => [r.name, r.group])).toEqual([
      ['sky-admin', 'sky:admins'],
      ['sky-controller', 'sky:controllers'],
      ['sky-edit', 'sky:editors'],
      ['sky-view', 'sky:viewers'],
    ]);
  });

  it('keeps Queue, PriorityClass, Lease, access-object and status writes to admins and controllers', () => {
    expect(ADMIN_WRITES).toEqual(expect.arrayContaining(['createCluster', 'deleteNamespace', 'updateJobStatus', 'setJobAdmission', 'reportDeploymentReplicas', 'updateLease', 'createQueue', 'createRoleBinding', 'deleteClusterRole']));
    expect(mayNone(['sky:editors'], ADMIN_WRITES)).toBe(true);
    expect(may(['sky:controllers'], ADMIN_WRITES)).toBe(true);
  });

  it.each(['sky:admins', 'system:masters', 'sky:controllers'])('%s may call everything', (group) => {
    expect(may([group], [...READS, ...MUTATIONS])).toBe(true);
  });

  it('sky:editors may read, watch and write Jobs, Deployments and FilterPolicies, nothing else', () => {
    expect(may(['sky:editors'], READS)).toBe(true);
    expect(may(['sky:editors'], EDITOR_WRITES)).toBe(true);
    expect(mayNone(['sky:editors'], ADMIN_WRITES)).toBe(true);
  });

  it('sky:viewers may read and watch only', () => {
    expect(may(['sky:viewers'], READS)).toBe(true);
    expect(mayNone(['sky:viewers'], MUTATIONS)).toBe(true);
  });

  it('anyone else nothing; groups add up', () => {
    for (const groups of [[], ['team-a'], ['sky:viewer'], ['SKY:ADMINS']]) {
      expect(mayNone(groups, [...READS, ...MUTATIONS])).toBe(true);
    }
    expect(mayCall(['team-a', 'sky:viewers', 'sky:editors'], 'createJob')).toBe(true);
  });
});

describe('operationDenial', () => {
  const check = (groups: string[], source: string, variables: Record<string, unknown> = {}, authorizer = builtIns) => {
    const document = parse(source);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    return operationDenial(authorizer, { name: 'alice', groups }, { schema, operation, fragments, variables });
  };
  const teamA = new RbacAuthorizer({
    clusterRoles: [],
    clusterRoleBindings: [],
    roles: [{ metadata: { name: 'edit', namespace: 'team-a' }, spec: { rules: [{ verbs: ['*'], resources: ['jobs'], resourceNames: [] }] } }],
    roleBindings: [{ metadata: { name: 'a', namespace: 'team-a' }, spec: { subjects: [{ kind: 'Group', name: 'team-a' }], roleRef: { kind: 'Role', name: 'edit' } } }],
  });

  it('names the user, the verb, the resource, the object and the namespace', () => {
    expect(check(['sky:viewers'], 'mutation { createCluster(input: { metadata: { name: "c" }, spec: { manager: LOCAL } }) { kind } }')).toEqual({
      field: 'createCluster',
      message: 'User "alice" may not create clusters.',
    });
    expect(check(['sky:viewers'], 'mutation { deleteJob(name: "j", namespace: "team-b") { kind } }')?.message).toBe('User "alice" may not delete jobs "j" in namespace "team-b".');
    expect(check([], 'query { __typename jobs { kind } }')?.message).toBe('User "alice" may not list jobs in any namespace.');
    expect(check(['sky:viewers'], 'query { jobs { kind } clusters { kind } __typename }')).toBeUndefined();
  });

  it('reads the namespace from literal arguments, variables and the schema default', () => {
    const create = 'mutation($input: JobInput!) { createJob(input: $input) { kind } }';
    const job = (namespace?: string) => ({ input: { metadata: { name: 'j', ...(namespace ? { namespace } : {}) }, spec: { run: 'true' } } });
    expect(check(['team-a'], create, job('team-a'))?.message).toBe('User "alice" may not create jobs in namespace "team-a".'); // no binding in the built-ins
    expect(check(['team-a'], create, job('team-b'), teamA)?.message).toBe('User "alice" may not create jobs in namespace "team-b".');
    expect(check(['team-a'], create, job(), teamA)?.message).toBe('User "alice" may not create jobs in namespace "default".');
    expect(check(['team-a'], create, job('team-a'), teamA)).toBeUndefined();
    expect(check(['team-a'], 'query { job(name: "j", namespace: "team-a") { kind } }', {}, teamA)).toBeUndefined();
    expect(check(['team-a'], 'query { job(name: "j") { kind } }', {}, teamA)?.message).toBe('User "alice" may not get jobs "j" in namespace "default".');
    // Over all namespaces: allowed (the resolver shows team-a's alone); of another kind: not.
    expect(check(['team-a'], 'subscription { watchJobs { type } }', {}, teamA)).toBeUndefined();
    expect(check(['team-a'], 'subscription { watchDeployments { type } }', {}, teamA)?.message).toBe('User "alice" may not watch deployments in any namespace.');
  });

  it('sees through aliases, inline fragments and fragment spreads, and @skip', () => {
    expect(check(['sky:editors'], 'mutation { harmless: createCluster(input: { metadata: { name: "c" }, spec: { manager: LOCAL } }) { kind } }')?.field).toBe('createCluster');
    expect(check(['sky:editors'], 'mutation { ... on Mutation { deleteNamespace(name: "x") { kind } } }')?.field).toBe('deleteNamespace');
    expect(check(['sky:editors'], 'mutation { ...M } fragment M on Mutation { ...N } fragment N on Mutation { deleteCluster(name: "x") { kind } }')?.field).toBe('deleteCluster');
    expect(check(['sky:editors'], 'mutation { deleteCluster(name: "x") @skip(if: true) { kind } }')?.field).toBe('deleteCluster');
  });
});

describe('authenticate', () => {
  const tokens = new Map([['t-alice', { name: 'alice', uid: '1', groups: ['sky:viewers'] }]]);
  const header = (value: string) => ({ request: { headers: { get: (name: string) => (name === 'authorization' ? value : null) } } });

  it('takes the Authorization header of an HTTP request (the scheme in any case)', () => {
    expect(authenticate(tokens, header('Bearer t-alice'))).toEqual({ user: tokens.get('t-alice') });
    expect(authenticate(tokens, header('bearer  t-alice '))).toEqual({ user: tokens.get('t-alice') });
  });

  it('takes the upgrade request header of a WebSocket, before connectionParams', () => {
    expect(authenticate(tokens, { req: { headers: { authorization: 'Bearer t-alice' } }, connectionParams: { token: 'nope' } })).toEqual({ user: tokens.get('t-alice') });
  });

  it('takes connectionParams.authorization (with or without "Bearer") or .token', () => {
    for (const connectionParams of [{ authorization: 'Bearer t-alice' }, { Authorization: 't-alice' }, { token: 't-alice' }]) {
      expect(authenticate(tokens, { req: { headers: {} }, connectionParams })).toEqual({ user: tokens.get('t-alice') });
    }
  });

  it('refuses a missing token, another scheme, and an unknown token', () => {
    expect(authenticate(tokens, {})).toEqual({ error: TOKEN_REQUIRED });
    expect(authenticate(tokens, header('Basic YWxpY2U6eA=='))).toEqual({ error: TOKEN_REQUIRED });
    expect(authenticate(tokens, header('Bearer t-mallory'))).toEqual({ error: TOKEN_INVALID });
    expect(authenticate(tokens, { connectionParams: { token: 42 } })).toEqual({ error: TOKEN_REQUIRED });
  });

  it('bearerToken takes exactly one token', () => {
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
