/**
 * What the generic resolvers (objects.ts) need to know about one kind: how to validate and
 * default its spec and status inputs, and the status a new object starts with. One small
 * definition per kind (cluster.ts, namespace.ts, workload.ts, filter-policy.ts) replaces five
 * copies of create/update/delete/list/watch.
 */
import type { Kind } from '../domain/kinds.js';
import type { ObjectsByKind, StringMap } from '../domain/types.js';
import type { ResolverContext } from './context.js';
import type { Maybe } from './validation.js';

export interface ObjectMetaInput {
  name: string;
  namespace?: Maybe<string>;
  labels?: Maybe<StringMap>;
  annotations?: Maybe<StringMap>;
  resourceVersion?: Maybe<string>;
}

export type SpecOf<K extends Kind> = ObjectsByKind[K]['spec'];
export type StatusOf<K extends Kind> = ObjectsByKind[K]['status'];

export interface KindDef<K extends Kind, SpecInput, StatusInput> {
  kind: K;
  /** Validates and defaults `input.spec`; `field` is its path for error messages. */
  spec(input: Maybe<SpecInput>, field: string): SpecOf<K>;
  /** The status of a newly created object (of spec `spec`). */
  initialStatus(spec: SpecOf<K>): StatusOf<K>;
  /** Validates and defaults a status write (conditions' missing times are filled later). */
  status(input: StatusInput, field: string): StatusOf<K>;
  /** Refuses status changes that may never happen (a deleting namespace cannot come back). */
  checkStatusChange?(current: StatusOf<K>, next: StatusOf<K>, field: string): void;
  /**
   * Refuses a create (`current` undefined) or spec update that breaks a rule beyond the object
   * itself (one global default) or between its versions (an immutable field); `field` is the
   * spec's path.
   */
  checkSpecWrite?(ctx: ResolverContext, next: ObjectsByKind[K], current: ObjectsByKind[K] | undefined, field: string): Promise<void> | void;
}

/** Helper so each kind file gets its generic parameters inferred. */
export function defineKind<K extends Kind, SpecInput, StatusInput>(def: KindDef<K, SpecInput, StatusInput>): KindDef<K, SpecInput, StatusInput> {
  return def;
}
