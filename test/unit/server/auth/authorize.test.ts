/**
 * The authorization table: which group may call which root field, the message of a refusal, and
 * which root fields an operation calls (through aliases and fragments).
 */
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deniedField, mayCall, requiredGroups, rootFields, type OperationType } from '../../../../src/server/auth/authorize.js';
import { bearerToken } from '../../../../src/domain/bearer.js';
import { authenticate, TOKEN_INVALID, TOKEN_REQUIRED } from '../../../../src/server/auth/authenticate.js';
import { buildSchema } from '../../../../src/schema/index.js';

const schema = buildSchema();
const fieldsOf = (type: 'Query' | 'Mutation' | 'Subscription') => Object.keys(schema.getType(type) && (schema.getType(type) as any).getFields());
const QUERIES = fieldsOf('Query');
const SUBSCRIPTIONS = fieldsOf('Subscription');
const MUTATIONS = fieldsOf('Mutation');

const EDITOR_WRITES = ['Job', 'Deployment', 'FilterPolicy'].flatMap((k) => [`create${k}`, `update${k}`, `delete${k}`]);
const ADMIN_WRITES = MUTATIONS.filter((m) => !EDITOR_WRITES.includes(m));

const may = (groups: string[], operation: OperationType, fields: string[]) => fields.every((f) => mayCall(groups, operation, f));
const mayNone = (groups: string[], operation: OperationType, fields: string[]) => fields.every((f) => !mayCall(groups, operation, f));

describe('the authorization table, over every root field of the schema', () => {
  it('covers the schema as expected', () => {
    expect(ADMIN_WRITES).toEqual(expect.arrayContaining(['createCluster', 'deleteNamespace', 'updateJobStatus', 'updateClusterStatus', 'updateFilterPolicyStatus', 'setJobPlacements', 'reportDeploymentReplicas']));
    expect(ADMIN_WRITES.filter((m) => /^(create|update|delete)(Job|Deployment|FilterPolicy)$/.test(m))).toEqual([]);
  });

  it('keeps Queue and PriorityClass writes and the admission write to admins and controllers; viewers read them', () => {
    const quotaWrites = ['Queue', 'PriorityClass'].flatMap((k) => [`create${k}`, `update${k}`, `delete${k}`, `update${k}Status`]);
    const admissionWrites = ['setJobAdmission', 'setDeploymentAdmission'];
    expect(MUTATIONS).toEqual(expect.arrayContaining([...quotaWrites, ...admissionWrites]));
    expect(mayNone(['sky:editors'], 'mutation', [...quotaWrites, ...admissionWrites])).toBe(true);
    expect(may(['sky:admins'], 'mutation', quotaWrites)).toBe(true);
    expect(may(['sky:controllers'], 'mutation', [...quotaWrites, ...admissionWrites])).toBe(true);
    expect(may(['sky:viewers'], 'query', ['queues', 'queue', 'priorityClasses', 'priorityClass'])).toBe(true);
    expect(may(['sky:viewers'], 'subscription', ['watchQueues', 'watchPriorityClasses'])).toBe(true);
  });

  it('lets controllers and admins write Leases (leader election, cluster leases); editors and viewers only read them', () => {
    const leaseWrites = ['createLease', 'updateLease', 'deleteLease', 'updateLeaseStatus'];
    expect(MUTATIONS).toEqual(expect.arrayContaining(leaseWrites));
    expect(may(['sky:controllers'], 'mutation', leaseWrites)).toBe(true);
    expect(may(['sky:admins'], 'mutation', leaseWrites)).toBe(true);
    expect(mayNone(['sky:editors'], 'mutation', leaseWrites)).toBe(true);
    expect(mayNone(['sky:viewers'], 'mutation', leaseWrites)).toBe(true);
    for (const group of ['sky:viewers', 'sky:editors']) {
      expect(may([group], 'query', ['leases', 'lease'])).toBe(true);
      expect(may([group], 'subscription', ['watchLeases'])).toBe(true);
    }
  });

  it.each(['sky:admins', 'system:masters', 'sky:controllers'])('%s may call everything', (group) => {
    expect(may([group], 'query', QUERIES)).toBe(true);
    expect(may([group], 'subscription', SUBSCRIPTIONS)).toBe(true);
    expect(may([group], 'mutation', MUTATIONS)).toBe(true);
  });

  it('sky:editors may read, watch and write Jobs, Deployments and FilterPolicies, nothing else', () => {
    expect(may(['sky:editors'], 'query', QUERIES)).toBe(true);
    expect(may(['sky:editors'], 'subscription', SUBSCRIPTIONS)).toBe(true);
    expect(may(['sky:editors'], 'mutation', EDITOR_WRITES)).toBe(true);
    expect(mayNone(['sky:editors'], 'mutation', ADMIN_WRITES)).toBe(true);
  });

  it('sky:viewers may read and watch only', () => {
    expect(may(['sky:viewers'], 'query', QUERIES)).toBe(true);
    expect(may(['sky:viewers'], 'subscription', SUBSCRIPTIONS)).toBe(true);
    expect(mayNone(['sky:viewers'], 'mutation', MUTATIONS)).toBe(true);
  });

  it('anyone else may only introspect', () => {
    for (const groups of [[], ['team-a'], ['sky:viewer'], ['SKY:ADMINS']]) {
      expect(mayNone(groups, 'query', QUERIES)).toBe(true);
      expect(mayNone(groups, 'subscription', SUBSCRIPTIONS)).toBe(true);
      expect(mayNone(groups, 'mutation', MUTATIONS)).toBe(true);
      expect(may(groups, 'query', ['__typename', '__schema', '__type'])).toBe(true);
      expect(may(groups, 'mutation', ['__typename'])).toBe(true);
    }
  });

  it('groups add up', () => {
    expect(mayCall(['team-a', 'sky:viewers', 'sky:editors'], 'mutation', 'createJob')).toBe(true);
  });

  it('a mutation the table does not know needs an admin', () => {
    expect(requiredGroups('mutation', 'launchMissiles')).toEqual(['sky:admins', 'sky:controllers']);
  });
});

describe('deniedField', () => {
  const alice = { name: 'alice', uid: '1', groups: ['sky:viewers'] };

  it('names the user, the field and the groups it needs', () => {
    expect(deniedField(alice, 'mutation', ['createCluster'])).toEqual({
      field: 'createCluster',
      message: 'User "alice" may not call createCluster: it needs group sky:admins or sky:controllers.',
    });
    expect(deniedField(alice, 'mutation', ['createJob'])?.message).toBe(
      'User "alice" may not call createJob: it needs group sky:editors, sky:admins or sky:controllers.',
    );
    expect(deniedField({ ...alice, groups: [] }, 'query', ['__typename', 'jobs'])?.message).toBe(
      'User "alice" may not call jobs: it needs group sky:viewers, sky:editors, sky:admins or sky:controllers.',
    );
  });

  it('is undefined when every field is allowed', () => {
    expect(deniedField(alice, 'query', ['jobs', 'clusters', '__typename'])).toBeUndefined();
  });
});

describe('rootFields', () => {
  const fieldsIn = (source: string) => {
    const document = parse(source);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    return rootFields(operation, fragments);
  };

  it('sees through aliases, inline fragments and fragment spreads', () => {
    expect(fieldsIn('mutation { harmless: createCluster(input: {}) { kind } }')).toEqual(['createCluster']);
    expect(fieldsIn('mutation { ... on Mutation { deleteNamespace(name: "x") { kind } } }')).toEqual(['deleteNamespace']);
    expect(fieldsIn('mutation { ...M __typename } fragment M on Mutation { updateJobStatus(input: {}) { kind } ...N } fragment N on Mutation { createJob(input: {}) { kind } }')).toEqual([
      'updateJobStatus',
      'createJob',
      '__typename',
    ]);
  });

  it('checks a field even when @skip would skip it', () => {
    expect(fieldsIn('mutation { createCluster(input: {}) @skip(if: true) { kind } }')).toEqual(['createCluster']);
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
