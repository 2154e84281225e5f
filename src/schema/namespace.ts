/**
 * Namespace: a global object with no spec (the contract's Namespace has no spec field and its
 * input is metadata only). deleteNamespace cascades; see src/resolvers/namespace.ts.
 */
import { NAMESPACE_PHASES, type Namespace, type NamespaceStatus } from '../domain/types.js';
import { namespaceCost, namespaceResolvers, type NamespaceStatusInput } from '../resolvers/namespace.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';

export const NamespacePhaseEnum = builder.enumType('NamespacePhase', { values: NAMESPACE_PHASES });

const NamespaceStatusRef = builder.objectRef<NamespaceStatus>('NamespaceStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: NamespacePhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
  }),
});

export const NamespaceRef = builder.objectRef<Namespace>('Namespace').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    status: t.expose('status', { type: NamespaceStatusRef }),
    cost: t.float({
      description:
        "What its Jobs and Deployments (finished ones included) have cost so far, in the currency of the clusters' spec.cost. Derived when read (in a watch, up to 30 s old), never stored.",
      // A watch's events reuse the sums longer (src/resolvers/cost-sums.ts).
      resolve: (namespace, _args, ctx, info) => namespaceCost(ctx, namespace, info.operation.operation === 'subscription'),
    }),
  }),
});

const NamespaceStatusInputRef = builder.inputRef<NamespaceStatusInput>('NamespaceStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: NamespacePhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
  }),
});

defineResourceFields({
  kind: 'Namespace',
  singular: 'namespace',
  plural: 'namespaces',
  objectRef: NamespaceRef,
  statusInput: NamespaceStatusInputRef,
  resolvers: namespaceResolvers,
});
