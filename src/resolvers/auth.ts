/**
 * Who the caller is and what they may do, as Kubernetes' SelfSubjectReview and
 * SelfSubjectAccessReview: any authenticated caller may ask about themselves (`skym auth whoami`,
 * `skym auth can-i`). A server without authentication lets everyone do everything, and says so.
 */
import { BadUserInputError } from '../domain/errors.js';
import { KIND_INFO, KINDS } from '../domain/kinds.js';
import { RBAC_RESOURCES, RBAC_VERBS, type RbacVerb } from '../domain/spec/rbac-spec.js';
import type { ResolverContext } from './context.js';
import type { Maybe } from './validation.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: readonly string[];
  authenticated: boolean;
}

export interface AccessReview {
  allowed: boolean;
  reason: string;
}

export interface AccessReviewArgs {
  verb: string;
  resource: string;
  namespace?: Maybe<string>;
  name?: Maybe<string>;
}

const VERBS = RBAC_VERBS.filter((v) => v !== '*');
const CLUSTER_SCOPED = new Set(KINDS.filter((k) => !KIND_INFO[k].namespaced).map((k) => KIND_INFO[k].plural));

export function whoAmI(ctx: ResolverContext): UserInfo {
  if (!ctx.user) return { username: 'system:anonymous', groups: [], authenticated: false };
  return { username: ctx.user.name, uid: ctx.user.uid || undefined, groups: ctx.user.groups, authenticated: true };
}

export function accessReview(ctx: ResolverContext, args: AccessReviewArgs): AccessReview {
  if (!(VERBS as readonly string[]).includes(args.verb)) throw new BadUserInputError('verb', `"${args.verb}" is not a verb; one of ${VERBS.join(', ')}`);
  if (!RBAC_RESOURCES.includes(args.resource)) throw new BadUserInputError('resource', `"${args.resource}" is not a resource; one of ${RBAC_RESOURCES.join(', ')}`);
  if (!ctx.user || !ctx.can) return { allowed: true, reason: 'the server does not authenticate: everyone may do everything' };
  // A cluster-scoped kind lives in no namespace, whatever the question names.
  const clusterScoped = CLUSTER_SCOPED.has(args.resource.split('/')[0]);
  const namespace = clusterScoped ? undefined : (args.namespace ?? undefined);
  const allowed = ctx.can({ verb: args.verb as RbacVerb, resource: args.resource, namespace, name: args.name ?? undefined });
  const where = clusterScoped ? '' : namespace === undefined ? ' in every namespace' : ` in namespace "${namespace}"`;
  return { allowed, reason: `${allowed ? 'a binding allows' : 'no binding allows'} ${args.verb} ${args.resource}${args.name ? ` "${args.name}"` : ''}${where}` };
}
