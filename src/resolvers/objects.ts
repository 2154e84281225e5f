/**
 * The seven operations every kind has (list, get, create, update, updateStatus, delete, watch),
 * written once and parameterised by a KindDef. Plain `(ctx, args)` functions: they validate,
 * default, assign uid/generation/creationTimestamp and talk to the Store; they never see GraphQL.
 *
 * Concurrency: the Store owns compare-and-swap on `metadata.resourceVersion`. Every write here
 * is read-modify-write with the version that was read, so a spec write can never overwrite a
 * status written in between (or the reverse): the loser gets CONFLICT. Only a status write
 * without a client resourceVersion ("just set it") retries internally, re-reading each time.
 */
import { parseWaitingPolicy, WAITING_POLICY_ANNOTATION } from '../bursting/namespace-policy.js';
import { CREATOR_ANNOTATION, creatorAnnotation, withCreator } from '../domain/creator.js';
import { AlreadyExistsError, BadUserInputError, ConflictError, NotFoundError } from '../domain/errors.js';
import { DEFAULT_NAMESPACE, KIND_INFO, type Kind } from '../domain/kinds.js';
import type { ObjectList, ObjectMeta, ObjectsByKind, WatchEvent } from '../domain/types.js';
import { nowIso, type ResolverContext } from './context.js';
import { jsonEqual } from '../domain/json-equal.js';
import type { KindDef, ObjectMetaInput } from './kind-def.js';
import { requireWritableNamespace } from './namespace-guard.js';
import {
  carryTransitionTimes,
  checkAnnotations,
  checkLabels,
  checkName,
  checkObjectSize,
  checkResourceVersion,
  parseSelectorInput,
  type Maybe,
} from './validation.js';
import { retryOnConflict } from './retry.js';
import { watchObjects, type WatchArgs } from './watch.js';
import { type ObjectRef, objectRef, describeRef } from '../domain/object-ref.js';

export interface ObjectInput<SpecInput> {
  metadata: ObjectMetaInput;
  spec?: Maybe<SpecInput>;
}

/** create and update: with dryRun, everything a write checks, and its answer, without the write. */
export interface WriteArgs<SpecInput> {
  input: ObjectInput<SpecInput>;
  dryRun?: Maybe<boolean>;
}

export interface StatusUpdateInput<StatusInput> {
  metadata: ObjectMetaInput;
  status: StatusInput;
}

export interface NameArgs {
  name: string;
  namespace?: Maybe<string>;
}

export interface ListArgs {
  namespace?: Maybe<string>;
  labelSelector?: Maybe<string>;
}

interface CheckedMeta {
  key: ObjectRef;
  labels: ObjectMeta['labels'];
  annotations: ObjectMeta['annotations'];
  resourceVersion?: string;
}

function checkMeta(kind: Kind, meta: ObjectMetaInput, field: string): CheckedMeta {
  const name = checkName(meta.name, `${field}.name`);
  let namespace: string | undefined;
  if (KIND_INFO[kind].namespaced) {
    namespace = checkName(meta.namespace ?? DEFAULT_NAMESPACE, `${field}.namespace`);
  } else if (meta.namespace) {
    throw new BadUserInputError(`${field}.namespace`, `${kind} objects are not namespaced; leave namespace out`);
  }
  const annotations = checkAnnotations(meta.annotations, `${field}.annotations`);
  if (kind === 'Namespace' && annotations[WAITING_POLICY_ANNOTATION] !== undefined) {
    const parsed = parseWaitingPolicy(annotations[WAITING_POLICY_ANNOTATION]);
    if ('problem' in parsed) throw new BadUserInputError(`${field}.annotations["${WAITING_POLICY_ANNOTATION}"]`, parsed.problem);
  }
  return {
    key: namespace === undefined ? { kind, name } : { kind, name, namespace },
    labels: checkLabels(meta.labels, `${field}.labels`),
    annotations,
    resourceVersion: meta.resourceVersion == null ? undefined : checkResourceVersion(meta.resourceVersion, `${field}.resourceVersion`),
  };
}

export function resourceResolvers<K extends Kind, SpecInput, StatusInput>(def: KindDef<K, SpecInput, StatusInput>) {
  type T = ObjectsByKind[K];
  const { kind } = def;
  const { namespaced } = KIND_INFO[kind];
  // Workloads record who created them, for the `use` check on clusters (src/domain/creator.ts).
  const recordsCreator = kind === 'Job' || kind === 'Deployment';

  async function read(ctx: ResolverContext, key: ObjectRef): Promise<T> {
    const object = await ctx.store.get(key);
    if (!object) throw new NotFoundError(describeRef(key));
    return object as T;
  }

  return {
    async list(ctx: ResolverContext, args: ListArgs): Promise<ObjectList<T>> {
      const selector = parseSelectorInput(args.labelSelector, 'labelSelector');
      const namespace = namespaced ? (args.namespace ?? undefined) : undefined;
      const { items, resourceVersion } = await ctx.store.list({ kind, namespace });
      const view = namespaced && namespace === undefined ? ctx.mayView?.('list', kind) : undefined;
      const shown = items.filter((o) => selector.matches(o.metadata.labels) && (!view || view.visible(o.metadata.namespace!)));
      return { kind: `${kind}List`, items: shown as T[], resourceVersion };
    },

    get(ctx: ResolverContext, args: NameArgs): Promise<T> {
      return read(ctx, objectRef(kind, args.name, args.namespace));
    },

    async create(ctx: ResolverContext, { input, dryRun }: WriteArgs<SpecInput>): Promise<T> {
      const meta = checkMeta(kind, input.metadata, 'input.metadata');
      if (meta.resourceVersion !== undefined) {
        throw new BadUserInputError('input.metadata.resourceVersion', 'must not be set when creating an object');
      }
      const spec = def.spec(input.spec, 'input.spec');
      const namespace = meta.key.namespace;
      if (namespace !== undefined) await requireWritableNamespace(ctx.store, namespace);

      const metadata: ObjectMeta = {
        name: meta.key.name,
        uid: crypto.randomUUID(),
        labels: meta.labels,
        annotations: recordsCreator ? withCreator(meta.annotations, ctx.user ? creatorAnnotation(ctx.user) : undefined) : meta.annotations,
        resourceVersion: '',
        generation: 1,
        creationTimestamp: nowIso(ctx),
      };
      if (namespace !== undefined) metadata.namespace = namespace;
      const object = { kind, metadata, spec, status: def.initialStatus(spec) } as T;
      checkObjectSize(object, 'input');
      await def.checkSpecWrite?.(ctx, object, undefined, 'input.spec');
      if (dryRun) {
        if (await ctx.store.get(meta.key)) throw new AlreadyExistsError(describeRef(meta.key));
        return object;
      }
      const created = (await ctx.store.create(object)) as T;

      // A namespace deletion may have started between the check above and the write; its
      // cascade may already have listed the namespace's objects. Checking again after the write
      // closes that gap: whichever side comes second removes the object.
      if (namespace !== undefined) {
        try {
          await requireWritableNamespace(ctx.store, namespace);
        } catch (error) {
          await ctx.store.delete(meta.key, created.metadata.resourceVersion).catch(() => undefined);
          throw error;
        }
      }
      return created;
    },

    async update(ctx: ResolverContext, { input, dryRun }: WriteArgs<SpecInput>): Promise<T> {
      const meta = checkMeta(kind, input.metadata, 'input.metadata');
      const expected = meta.resourceVersion;
      if (expected === undefined) {
        throw new BadUserInputError(
          'input.metadata.resourceVersion',
          'is required: send the resourceVersion you read, so that a change made since is not overwritten',
        );
      }
      const spec = def.spec(input.spec, 'input.spec');
      const current = await read(ctx, meta.key);
      if (current.metadata.resourceVersion !== expected) {
        throw new ConflictError(describeRef(meta.key), expected, current.metadata.resourceVersion);
      }
      const specChanged = !jsonEqual(current.spec, spec);
      // Who created it stays as recorded, whatever the update sends.
      const annotations = recordsCreator ? withCreator(meta.annotations, current.metadata.annotations[CREATOR_ANNOTATION]) : meta.annotations;
      const metaChanged = !jsonEqual(current.metadata.labels, meta.labels) || !jsonEqual(current.metadata.annotations, annotations);
      // Like Kubernetes, a write that changes nothing is not a write: no new version, no event.
      if (!specChanged && !metaChanged) return current;

      const next = {
        ...current,
        metadata: {
          ...current.metadata,
          labels: meta.labels,
          annotations,
          generation: current.metadata.generation + (specChanged ? 1 : 0),
        },
        spec,
      } as T;
      checkObjectSize(next, 'input');
      if (specChanged) await def.checkSpecWrite?.(ctx, next, current, 'input.spec');
      if (dryRun) return next;
      return (await ctx.store.update(next, expected)) as T;
    },

    /** Replaces the status only; labels and annotations in `input.metadata` are ignored. */
    async updateStatus(ctx: ResolverContext, { input }: { input: StatusUpdateInput<StatusInput> }): Promise<T> {
      const meta = checkMeta(kind, input.metadata, 'input.metadata');
      const status = def.status(input.status, 'input.status');
      return retryOnConflict(async () => {
        const current = await read(ctx, meta.key);
        const expected = meta.resourceVersion ?? current.metadata.resourceVersion;
        if (current.metadata.resourceVersion !== expected) {
          throw new ConflictError(describeRef(meta.key), expected, current.metadata.resourceVersion);
        }
        const nextStatus = { ...status, conditions: carryTransitionTimes(status.conditions, current.status.conditions, nowIso(ctx)) };
        def.checkStatusChange?.(current.status as never, nextStatus as never, 'input.status');
        if (jsonEqual(current.status, nextStatus)) return current;
        const next = { ...current, status: nextStatus } as T;
        checkObjectSize(next, 'input');
        return (await ctx.store.update(next, expected)) as T;
      }, meta.resourceVersion === undefined);
    },

    async delete(ctx: ResolverContext, args: NameArgs): Promise<T> {
      return (await ctx.store.delete(objectRef(kind, args.name, args.namespace))) as T;
    },

    watch(ctx: ResolverContext, args: WatchArgs, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
      return watchObjects<T>(ctx, kind, args, signal);
    },
  };
}
