/**
 * Namespace: a global object with no spec. Deleting one cascades, as in Kubernetes:
 *
 *   1. its phase becomes DELETING, and from then on creates in it are refused (FORBIDDEN);
 *   2. every Job, Deployment and FilterPolicy in it is deleted (each a DELETED watch event);
 *   3. the namespace itself is deleted and returned.
 *
 * The `default` namespace cannot be deleted (FORBIDDEN), as in Kubernetes; it is created at
 * server start when absent (ensureDefaultNamespace), so a fresh server accepts workloads at once.
 */
import { AlreadyExistsError, BadUserInputError, ForbiddenError, NotFoundError } from '../domain/errors.js';
import { DEFAULT_NAMESPACE, NAMESPACED_KINDS } from '../domain/kinds.js';
import { NAMESPACE_PHASES, type Namespace, type NamespacePhase, type NamespaceStatus } from '../domain/types.js';

import type { ResolverContext } from './context.js';
import { costSums } from './cost-sums.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers, type NameArgs } from './objects.js';
import { checkConditions, type ConditionInput, type Maybe } from './validation.js';
import { refOf, objectRef } from '../domain/object-ref.js';

export interface NamespaceStatusInput {
  phase: NamespacePhase;
  conditions?: Maybe<ConditionInput[]>;
}

export const namespaceKind = defineKind({
  kind: 'Namespace',
  spec: (_input: Maybe<Record<string, never>>) => ({}),
  initialStatus: (): NamespaceStatus => ({ phase: 'ACTIVE', conditions: [] }),
  status(input: NamespaceStatusInput, field): NamespaceStatus {
    if (!NAMESPACE_PHASES.includes(input.phase)) {
      throw new BadUserInputError(`${field}.phase`, `must be one of ${NAMESPACE_PHASES.join(', ')}`);
    }
    return { phase: input.phase, conditions: checkConditions(input.conditions, `${field}.conditions`) };
  },
  checkStatusChange(current, next, field) {
    // Letting a namespace go back to ACTIVE mid-cascade would let creates slip in that the
    // cascade has already passed; they would outlive their namespace.
    if (current.phase === 'DELETING' && next.phase !== 'DELETING') {
      throw new ForbiddenError(`${field}.phase: a namespace that is being deleted cannot become ${next.phase} again.`);
    }
  },
});

const generic = resourceResolvers(namespaceKind);

async function deleteNamespace(ctx: ResolverContext, args: NameArgs): Promise<Namespace> {
  if (args.name === DEFAULT_NAMESPACE) throw new ForbiddenError(`Namespace '${DEFAULT_NAMESPACE}' cannot be deleted.`);
  const key = objectRef('Namespace', args.name);

  // 1. DELETING first: from here on creates are refused, and a create that passed its check
  //    just before re-checks after writing and removes its own object (objects.ts).
  const current = await generic.get(ctx, args);
  if (current.status.phase !== 'DELETING') {
    await generic.updateStatus(ctx, {
      input: { metadata: { name: args.name }, status: { ...current.status, phase: 'DELETING' } },
    });
  }

  // 2. The contents. Deletes of one kind go out together so a batching store can group them.
  for (const kind of NAMESPACED_KINDS) {
    const { items } = await ctx.store.list({ kind, namespace: args.name });
    await Promise.all(items.map((item) => ctx.store.delete(refOf(item)).catch(ignoreNotFound)));
  }

  // 3. The namespace itself.
  return (await ctx.store.delete(key)) as Namespace;
}

/** A concurrent delete (another cascade, a user) got there first; the object is gone either way. */
function ignoreNotFound(error: unknown): void {
  if (!(error instanceof NotFoundError)) throw error;
}

/** Creates the `default` namespace unless it exists (several servers may race to do it). */
export async function ensureDefaultNamespace(ctx: ResolverContext): Promise<void> {
  try {
    await generic.create(ctx, { input: { metadata: { name: DEFAULT_NAMESPACE } } });
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
}

export const namespaceResolvers = { ...generic, delete: deleteNamespace };

/** What the namespace's workloads have cost so far (src/resolvers/cost-sums.ts). */
export async function namespaceCost(ctx: ResolverContext, namespace: Namespace, subscription = false): Promise<number> {
  return (await costSums(ctx, subscription)).byNamespace.get(namespace.metadata.name) ?? 0;
}
