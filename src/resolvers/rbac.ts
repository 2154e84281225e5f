/**
 * Role, ClusterRole, RoleBinding, ClusterRoleBinding: the access kinds (specs in
 * src/domain/spec/rbac-spec.ts). As in Kubernetes, a binding's roleRef cannot change (delete and
 * create it again: who it gives what to is then never half-changed), and a ClusterRoleBinding
 * gives only a ClusterRole. Nothing writes their status.
 */
import { BadUserInputError } from '../domain/errors.js';
import type { Kind } from '../domain/kinds.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { ROLE_BINDING_SPEC, ROLE_SPEC } from '../domain/spec/rbac-spec.js';
import { RBAC_PHASES, type RbacPhase, type RbacStatus, type RoleBindingSpec, type RoleSpec } from '../domain/types.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { checkConditions, type ConditionInput, type Maybe } from './validation.js';

export type RoleSpecInput = InputOf<typeof ROLE_SPEC>;
export type RoleBindingSpecInput = InputOf<typeof ROLE_BINDING_SPEC>;

export interface RbacStatusInput {
  phase: RbacPhase;
  conditions?: Maybe<ConditionInput[]>;
}

function rbacStatus(input: RbacStatusInput, field: string): RbacStatus {
  if (!RBAC_PHASES.includes(input.phase)) throw new BadUserInputError(`${field}.phase`, `must be one of ${RBAC_PHASES.join(', ')}`);
  return { phase: input.phase, conditions: checkConditions(input.conditions, `${field}.conditions`) };
}

const initialStatus = (): RbacStatus => ({ phase: 'ACTIVE', conditions: [] });

function roleKind<K extends Extract<Kind, 'Role' | 'ClusterRole'>>(kind: K) {
  return defineKind({
    kind,
    spec(input: Maybe<RoleSpecInput>, field): RoleSpec {
      return parseInput(ROLE_SPEC, input ?? {}, field);
    },
    initialStatus,
    status: rbacStatus,
  });
}

function bindingKind<K extends Extract<Kind, 'RoleBinding' | 'ClusterRoleBinding'>>(kind: K) {
  return defineKind({
    kind,
    spec(input: Maybe<RoleBindingSpecInput>, field): RoleBindingSpec {
      if (!input) throw new BadUserInputError(field, 'is required');
      const spec = parseInput(ROLE_BINDING_SPEC, input, field);
      if (kind === 'ClusterRoleBinding' && spec.roleRef.kind !== 'ClusterRole') {
        throw new BadUserInputError(`${field}.roleRef.kind`, 'must be ClusterRole: a ClusterRoleBinding gives its role everywhere, and a Role lives in one namespace');
      }
      return spec;
    },
    initialStatus,
    status: rbacStatus,
    checkSpecWrite(_ctx, next, current, field) {
      if (!current) return;
      const was = current.spec.roleRef;
      const now = next.spec.roleRef;
      if (was.kind !== now.kind || was.name !== now.name) {
        throw new BadUserInputError(`${field}.roleRef`, `cannot change (${was.kind} ${was.name}); delete the binding and create it again`);
      }
    },
  });
}

export const roleKindDef = roleKind('Role');
export const clusterRoleKindDef = roleKind('ClusterRole');
export const roleBindingKindDef = bindingKind('RoleBinding');
export const clusterRoleBindingKindDef = bindingKind('ClusterRoleBinding');

export const roleResolvers = resourceResolvers(roleKindDef);
export const clusterRoleResolvers = resourceResolvers(clusterRoleKindDef);
export const roleBindingResolvers = resourceResolvers(roleBindingKindDef);
export const clusterRoleBindingResolvers = resourceResolvers(clusterRoleBindingKindDef);
