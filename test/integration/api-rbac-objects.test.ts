/**
 * Roles, ClusterRoles and their bindings as API objects, over real HTTP through the typed client
 * on the memory store (their generic CRUD and watch run on every store in api-crud.test.ts):
 * what they keep, and the refusals that name the field: unknown verbs and resources, a
 * ClusterRoleBinding giving a Role, a roleRef changed after creation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadUserInputError, ClusterRoleAPI, ClusterRoleBindingAPI, RoleAPI, RoleBindingAPI, SkyClient } from '../../src/client/index.js';
import { uniqueName } from '../helpers/api.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;

beforeAll(async () => {
  server = await startServer();
  client = new SkyClient({ url: server.url });
});
afterAll(async () => {
  await client?.close();
  await server?.stop();
});

async function refusal(write: Promise<unknown>): Promise<BadUserInputError> {
  const error = await write.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BadUserInputError);
  return error as BadUserInputError;
}

describe('access objects', () => {
  it('keep their rules and subjects as written, names defaulting to none', async () => {
    const roles = new RoleAPI({ client, namespace: 'default' });
    const created = await roles.create({ metadata: { name: uniqueName('r') }, spec: { rules: [{ verbs: ['get', 'list'], resources: ['jobs', 'jobs/log'] }] } as never });
    expect(created.spec.rules).toEqual([{ verbs: ['get', 'list'], resources: ['jobs', 'jobs/log'], resourceNames: [] }]);
    expect(created.metadata.namespace).toBe('default');

    const bindings = new ClusterRoleBindingAPI({ client });
    const spec = { subjects: [{ kind: 'Group' as const, name: 'sky:editors' }, { kind: 'User' as const, name: 'alice@example.com' }], roleRef: { kind: 'ClusterRole' as const, name: 'view' } };
    expect((await bindings.create({ metadata: { name: uniqueName('b') }, spec })).spec).toEqual(spec);
  });

  it('refuse an unknown verb or resource, naming the field and what is allowed', async () => {
    const roles = new ClusterRoleAPI({ client });
    const verb = await refusal(roles.create({ metadata: { name: uniqueName('r') }, spec: { rules: [{ verbs: ['read'], resources: ['jobs'] }] } as never }));
    expect(verb.field).toBe('input.spec.rules[0].verbs[0]');
    expect(verb.message).toContain('"read" is not a verb; one of get, list, watch, create, update, delete, use, *');
    const resource = await refusal(roles.create({ metadata: { name: uniqueName('r') }, spec: { rules: [{ verbs: ['get'], resources: ['pods'] }] } as never }));
    expect(resource.field).toBe('input.spec.rules[0].resources[0]');
    expect(resource.message).toContain('"pods" is not a resource');
  });

  it('a ClusterRoleBinding gives only a ClusterRole; a roleRef cannot change', async () => {
    const clusterBindings = new ClusterRoleBindingAPI({ client });
    const wrongKind = await refusal(clusterBindings.create({ metadata: { name: uniqueName('b') }, spec: { subjects: [], roleRef: { kind: 'Role', name: 'editor' } } }));
    expect(wrongKind.field).toBe('input.spec.roleRef.kind');

    const bindings = new RoleBindingAPI({ client, namespace: 'default' });
    const binding = await bindings.create({ metadata: { name: uniqueName('b') }, spec: { subjects: [{ kind: 'User', name: 'ci' }], roleRef: { kind: 'Role', name: 'editor' } } });
    const moved = await refusal(bindings.update({ ...binding, spec: { ...binding.spec, roleRef: { kind: 'ClusterRole', name: 'admin' } } }));
    expect(moved.field).toBe('input.spec.roleRef');
    expect(moved.message).toContain('cannot change (Role editor); delete the binding and create it again');
    // Subjects may change.
    const more = await bindings.update({ ...binding, spec: { ...binding.spec, subjects: [...binding.spec.subjects, { kind: 'Group', name: 'ci-bots' }] } });
    expect(more.spec.subjects).toHaveLength(2);
  });
});
