/**
 * The root fields every kind has, defined once: for kind `Job` with plural `jobs` this adds
 *
 *   Query        jobs(namespace, labelSelector): JobList!     job(namespace = "default", name): Job!
 *   Mutation     createJob(input: JobInput!)   updateJob(input: JobInput!)
 *                deleteJob(namespace = "default", name)   updateJobStatus(input: JobStatusUpdateInput!)
 *   Subscription watchJobs(namespace, resourceVersion, labelSelector): JobWatchEvent!
 *
 * plus the JobInput, JobStatusUpdateInput, JobList and JobWatchEvent types. Global kinds get no
 * namespace arguments. Each resource file calls this once with its object type, its spec and
 * status inputs, and its resolvers.
 */
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import { KIND_INFO, type Kind } from '../domain/kinds.js';
import type { ObjectList, SkyObject, WatchEvent } from '../domain/types.js';
import type { ObjectInput, StatusUpdateInput } from '../resolvers/objects.js';
import type { ResolverContext } from '../resolvers/context.js';
import type { WatchArgs } from '../resolvers/watch.js';
import { builder, type BuilderTypes as Types } from './builder.js';
import { ObjectMetaInput, WatchEventTypeEnum } from './meta.js';
import { abortable } from './watch.js';

type Maybe<T> = T | null | undefined;

/** The resolver functions a kind provides (src/resolvers/objects.ts builds them). */
export interface KindResolvers<T extends SkyObject, SpecInput, StatusInput> {
  list(ctx: ResolverContext, args: { namespace?: Maybe<string>; labelSelector?: Maybe<string> }): Promise<ObjectList<T>>;
  get(ctx: ResolverContext, args: { name: string; namespace?: Maybe<string> }): Promise<T>;
  create(ctx: ResolverContext, args: { input: ObjectInput<SpecInput> }): Promise<T>;
  update(ctx: ResolverContext, args: { input: ObjectInput<SpecInput> }): Promise<T>;
  updateStatus(ctx: ResolverContext, args: { input: StatusUpdateInput<StatusInput> }): Promise<T>;
  delete(ctx: ResolverContext, args: { name: string; namespace?: Maybe<string> }): Promise<T>;
  watch(ctx: ResolverContext, args: WatchArgs, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

export interface ResourceFieldsOptions<T extends SkyObject, SpecInput, StatusInput> {
  kind: Kind;
  /** Field-name stems: 'job'/'jobs', 'filterPolicy'/'filterPolicies'. */
  singular: string;
  plural: string;
  objectRef: ObjectRef<Types, T>;
  /** Omitted for Namespace, whose input is metadata only. */
  specInput?: InputObjectRef<Types, SpecInput>;
  statusInput: InputObjectRef<Types, StatusInput>;
  resolvers: KindResolvers<T, SpecInput, StatusInput>;
}

export const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

export function defineResourceFields<T extends SkyObject, SpecInput, StatusInput>(options: ResourceFieldsOptions<T, SpecInput, StatusInput>): void {
  const { kind, singular, plural, objectRef, specInput, statusInput, resolvers } = options;
  const { namespaced } = KIND_INFO[kind];
  // Pothos cannot evaluate its resolver-result types for a generic T; `as never` on a result
  // marks those spots (each resolver returns exactly the T that objectRef describes).

  const ListRef = builder.objectRef<ObjectList<T>>(`${kind}List`).implement({
    fields: (t) => ({
      kind: t.exposeString('kind', { description: `Always "${kind}List".` }),
      items: t.field({ type: [objectRef], resolve: (list) => list.items }),
      resourceVersion: t.exposeString('resourceVersion', { description: 'Watch from here to miss nothing after this list.' }),
    }),
  });

  const EventRef = builder.objectRef<WatchEvent<T>>(`${kind}WatchEvent`).implement({
    fields: (t) => ({
      type: t.field({ type: WatchEventTypeEnum, resolve: (event) => event.type }),
      object: t.field({
        type: objectRef,
        nullable: true,
        description: "Null for BOOKMARK. For DELETED, the last state, with the deletion's resourceVersion.",
        resolve: (event) => (event.object ?? null) as never,
      }),
      resourceVersion: t.exposeString('resourceVersion'),
    }),
  });

  // GraphQL checks arguments against these inputs before a resolver runs, and the spec and
  // status inputs are typed against the resolvers' shapes in each resource file; the casts
  // below (`as ...Args`) only restate that for the generic parameters Pothos cannot follow.
  const Input = builder.inputType(`${kind}Input`, {
    fields: (t) => ({
      metadata: t.field({ type: ObjectMetaInput, required: true }),
      ...(specInput ? { spec: t.field({ type: specInput, required: true }) } : {}),
    }),
  });

  const StatusUpdateInputRef = builder.inputType(`${kind}StatusUpdateInput`, {
    fields: (t) => ({
      metadata: t.field({ type: ObjectMetaInput, required: true }),
      status: t.field({ type: statusInput, required: true }),
    }),
  });
  type WriteArgs = { input: ObjectInput<SpecInput>; dryRun?: boolean | null };
  type StatusArgs = { input: StatusUpdateInput<StatusInput> };

  const Singular = capitalize(singular);
  const Plural = capitalize(plural);

  builder.queryFields((t) => ({
    [plural]: t.field({
      type: ListRef,
      description: namespaced ? 'Without namespace: every namespace.' : undefined,
      args: {
        ...(namespaced ? { namespace: t.arg.string() } : {}),
        labelSelector: t.arg.string({ description: 'Kubernetes syntax: a=b,c!=d,e in (x,y),f,!g' }),
      },
      resolve: (_root, args, ctx) => resolvers.list(ctx, args),
    }),
    [singular]: t.field({
      type: objectRef,
      args: {
        ...(namespaced ? { namespace: t.arg.string({ defaultValue: 'default' }) } : {}),
        name: t.arg.string({ required: true }),
      },
      resolve: (_root, args, ctx) => resolvers.get(ctx, args) as never,
    }),
  }));

  const DRY_RUN = 'Check and default the object as the write would, and answer what it would write, without writing it (as kubectl --dry-run=server).';
  builder.mutationFields((t) => ({
    [`create${Singular}`]: t.field({
      type: objectRef,
      args: { input: t.arg({ type: Input, required: true }), dryRun: t.arg.boolean({ description: DRY_RUN }) },
      resolve: (_root, args, ctx) => resolvers.create(ctx, args as unknown as WriteArgs) as never,
    }),
    [`update${Singular}`]: t.field({
      type: objectRef,
      description: 'Replaces spec, labels and annotations. metadata.resourceVersion is required; stale → CONFLICT.',
      args: { input: t.arg({ type: Input, required: true }), dryRun: t.arg.boolean({ description: DRY_RUN }) },
      resolve: (_root, args, ctx) => resolvers.update(ctx, args as unknown as WriteArgs) as never,
    }),
    [`update${Singular}Status`]: t.field({
      type: objectRef,
      description: 'Replaces status only. With metadata.resourceVersion it is compare-and-swap.',
      args: { input: t.arg({ type: StatusUpdateInputRef, required: true }) },
      resolve: (_root, args, ctx) => resolvers.updateStatus(ctx, args as unknown as StatusArgs) as never,
    }),
    [`delete${Singular}`]: t.field({
      type: objectRef,
      description: 'Returns the deleted object.',
      args: {
        ...(namespaced ? { namespace: t.arg.string({ defaultValue: 'default' }) } : {}),
        name: t.arg.string({ required: true }),
      },
      resolve: (_root, args, ctx) => resolvers.delete(ctx, args) as never,
    }),
  }));

  builder.subscriptionFields((t) => ({
    [`watch${Plural}`]: t.field({
      type: EventRef,
      description: 'Without resourceVersion: current objects as ADDED, a BOOKMARK, then changes. With one: every later change once, in order; too old → GONE.',
      args: {
        ...(namespaced ? { namespace: t.arg.string() } : {}),
        resourceVersion: t.arg.string(),
        labelSelector: t.arg.string(),
      },
      subscribe: (_root, args, ctx) => abortable((signal) => resolvers.watch(ctx, args, signal)),
      resolve: (event) => event,
    }),
  }));
}
