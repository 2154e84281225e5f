/**
 * Role, ClusterRole, RoleBinding, ClusterRoleBinding: object types, status type, inputs and root
 * fields. The spec types derive from src/domain/spec/rbac-spec.ts; a Role and a ClusterRole share
 * RoleSpec, the two bindings RoleBindingSpec.
 */
import type { ObjectRef } from '@pothos/core';
import type { Kind } from '../domain/kinds.js';
import { ROLE_BINDING_SPEC, ROLE_SPEC } from '../domain/spec/rbac-spec.js';
import { RBAC_PHASES, type ObjectsByKind, type RbacStatus } from '../domain/types.js';
import {
  clusterRoleBindingResolvers,
  clusterRoleResolvers,
  roleBindingResolvers,
  roleResolvers,
  type RbacStatusInput,
} from '../resolvers/rbac.js';
import { builder, type BuilderTypes } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';

const RbacPhaseEnum = builder.enumType('RbacPhase', { values: RBAC_PHASES });

const RbacStatusRef = builder.objectRef<RbacStatus>('RbacStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: RbacPhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
  }),
});

const RbacStatusInputRef = builder.inputRef<RbacStatusInput>('RbacStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: RbacPhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
  }),
});

type RbacKind = Extract<Kind, 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding'>;

function objectType<K extends RbacKind>(kind: K, spec: typeof ROLE_SPEC | typeof ROLE_BINDING_SPEC, description: string): ObjectRef<BuilderTypes, ObjectsByKind[K]> {
  return builder.objectRef<ObjectsByKind[K]>(kind).implement({
    description,
    fields: (t) => ({
      // Pothos cannot follow ObjectsByKind[K] for a generic K: the fields resolve by hand.
      kind: t.string({ resolve: (o) => o.kind }),
      metadata: t.field({ type: ObjectMetaRef, resolve: (o) => o.metadata }),
      spec: t.field({ type: objectTypeOf(spec), resolve: (o) => o.spec as never }),
      status: t.field({ type: RbacStatusRef, resolve: (o) => o.status }),
    }),
  });
}

defineResourceFields({
  kind: 'Role',
  singular: 'role',
  plural: 'roles',
  objectRef: objectType('Role', ROLE_SPEC, 'Verbs allowed on resources within its namespace, for the users and groups a RoleBinding there names.'),
  specInput: inputTypeOf(ROLE_SPEC),
  statusInput: RbacStatusInputRef,
  resolvers: roleResolvers,
});

defineResourceFields({
  kind: 'ClusterRole',
  singular: 'clusterRole',
  plural: 'clusterRoles',
  objectRef: objectType('ClusterRole', ROLE_SPEC, 'Verbs allowed on resources: everywhere through a ClusterRoleBinding, in one namespace through a RoleBinding.'),
  specInput: inputTypeOf(ROLE_SPEC),
  statusInput: RbacStatusInputRef,
  resolvers: clusterRoleResolvers,
});

defineResourceFields({
  kind: 'RoleBinding',
  singular: 'roleBinding',
  plural: 'roleBindings',
  objectRef: objectType('RoleBinding', ROLE_BINDING_SPEC, 'Gives a Role, or a ClusterRole, to users and groups within its namespace.'),
  specInput: inputTypeOf(ROLE_BINDING_SPEC),
  statusInput: RbacStatusInputRef,
  resolvers: roleBindingResolvers,
});

defineResourceFields({
  kind: 'ClusterRoleBinding',
  singular: 'clusterRoleBinding',
  plural: 'clusterRoleBindings',
  objectRef: objectType('ClusterRoleBinding', ROLE_BINDING_SPEC, 'Gives a ClusterRole to users and groups everywhere.'),
  specInput: inputTypeOf(ROLE_BINDING_SPEC),
  statusInput: RbacStatusInputRef,
  resolvers: clusterRoleBindingResolvers,
});
