/**
 * Create-or-update of objects read from files (src/client/manifests.ts): `skym apply -f` and the
 * console's "apply YAML" share this one implementation, so it imports nothing of Node or oclif
 * (test/unit/client/browser-safe.test.ts keeps it so).
 *
 * - Every object is first checked by the server (a dry run); if any is refused, nothing is written.
 * - Then each is written in order: created when missing; otherwise a file without
 *   metadata.resourceVersion is merged onto the object (JSON merge patch: null removes a key), and
 *   one with it replaces labels, annotations and spec, provided the spec generation it was read at
 *   is still the object's. Status is the controllers' and never written.
 * - A write that would change nothing is not made ("unchanged"), and a lost race with a status
 *   write (CONFLICT) is retried on the latest version.
 */
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { jsonEqual } from '../domain/json-equal.js';
import { KIND_INFO, type Kind } from '../domain/kinds.js';
import { mergePatch } from '../domain/merge-patch.js';
import { describeRef } from '../domain/object-ref.js';
import type { SkyObject } from '../domain/types.js';
import type { Manifest, ResourceAPI, WriteOptions } from './api.js';
import { ManifestError, type ParsedManifest } from './manifests.js';

export type ApplyAction = 'created' | 'updated' | 'unchanged';

/** What apply needs of one kind's API; a ResourceAPI has it, and so can a test's fake. */
export type ApplyAPI = Pick<ResourceAPI<Kind>, 'get' | 'create' | 'update'>;

export interface AppliedObject {
  kind: Kind;
  name: string;
  /** Undefined for global kinds. */
  namespace?: string;
  /** Where it came from: `jobs.yaml, document 2`. */
  origin: string;
  /** Absent when this object failed; `error` says why. */
  action?: ApplyAction;
  /** The object as the server answered the write (or as it was, when unchanged). */
  object?: SkyObject;
  /** Why it failed, in `describeError`'s words. */
  error?: string;
  /** The failure itself, for callers that branch on its class (ConflictError, NotFoundError, …). */
  cause?: unknown;
}

export interface ApplyReport {
  /** True when the server's check refused some object, so that nothing was written. */
  refusedByDryRun: boolean;
  /** The refused objects when `refusedByDryRun`; otherwise every object, in file order. */
  objects: AppliedObject[];
}

export interface ApplyOptions {
  /** As `skym apply -n`: the namespace of objects whose file names none; a file naming another is refused. */
  namespace?: string;
  /** The namespace of namespaced objects when neither the file nor `namespace` names one. */
  defaultNamespace: string;
  /** Words for a failure; default its message. The CLI passes its own (cli/errors.ts explainError). */
  describeError?: (error: unknown) => string;
  /** Called for each object as soon as its outcome is known (a refusal by the check, or a write). */
  onResult?: (result: AppliedObject) => void;
}

/**
 * Applies `manifests` in order: checks all, then writes each (see the top of this file). Throws
 * ManifestError, before any request, when a file's namespace contradicts `options.namespace`;
 * failures of the API are reported per object, never thrown.
 */
export async function applyManifests(
  apiFor: (kind: Kind, namespace: string | undefined) => ApplyAPI,
  manifests: readonly ParsedManifest[],
  options: ApplyOptions,
): Promise<ApplyReport> {
  const describeError = options.describeError ?? ((error: unknown) => (error instanceof Error ? error.message : String(error)));
  const targets = manifests.map((manifest) => ({ manifest, namespace: namespaceOf(manifest, options.namespace, options.defaultNamespace) }));
  const entry = ({ manifest, namespace }: (typeof targets)[number]) => ({ kind: manifest.kind, name: manifest.metadata.name, namespace, origin: manifest.origin });
  const failed = (target: (typeof targets)[number], error: unknown): AppliedObject => ({ ...entry(target), error: describeError(error), cause: error });
  const tell = (result: AppliedObject): AppliedObject => {
    options.onResult?.(result);
    return result;
  };

  // The server checks every object before any is written: a mistake in the last document
  // leaves the first ones unapplied.
  const created = new Set(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
  const refused: AppliedObject[] = [];
  for (const target of targets) {
    try {
      await applyOne(apiFor(target.manifest.kind, target.namespace), target.manifest, target.namespace, { dryRun: true });
    } catch (error) {
      // A namespace an earlier document creates does not exist yet; its objects are checked when written.
      if (error instanceof NotFoundError && [...created].some((name) => error.details.object === `namespaces/${name}`)) continue;
      refused.push(tell(failed(target, error)));
    }
  }
  if (refused.length > 0) return { refusedByDryRun: true, objects: refused };

  // An object whose write still fails (someone changed it meanwhile) is reported; the rest are written.
  const objects: AppliedObject[] = [];
  for (const target of targets) {
    try {
      const { action, object } = await applyOne(apiFor(target.manifest.kind, target.namespace), target.manifest, target.namespace);
      objects.push(tell({ ...entry(target), action, object }));
    } catch (error) {
      objects.push(tell(failed(target, error)));
    }
  }
  return { refusedByDryRun: false, objects };
}

/** The file's namespace, else the given one, else the default; a file and a given one that disagree are a mistake. */
function namespaceOf(manifest: ParsedManifest, given: string | undefined, fallback: string): string | undefined {
  if (!KIND_INFO[manifest.kind].namespaced) return undefined;
  const own = manifest.metadata.namespace;
  if (own && given && own !== given) throw new ManifestError(`${manifest.origin}: its namespace is "${own}" but -n says "${given}"`);
  return own ?? given ?? fallback;
}

/**
 * Status writes move resourceVersion every few seconds for a running workload, so an update may
 * lose the race to one; it is retried on the latest version (its spec precondition checked anew)
 * this many times in all.
 */
const MAX_UPDATE_ATTEMPTS = 10;

/**
 * Creates or updates one object (`namespace` already resolved; undefined for global kinds). With
 * `dryRun`, the server checks the write and makes none. Throws what the API throws, and
 * ConflictError when the file's spec generation is no longer the object's.
 */
export async function applyOne(
  api: ApplyAPI,
  manifest: ParsedManifest,
  namespace: string | undefined,
  options: WriteOptions = {},
): Promise<{ action: ApplyAction; object: SkyObject }> {
  const { name } = manifest.metadata;

  let current: SkyObject;
  try {
    current = await api.get(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const labels = withoutNulls(manifest.metadata.labels);
    const annotations = withoutNulls(manifest.metadata.annotations);
    return { action: 'created', object: await api.create({ kind: manifest.kind, metadata: { name, namespace, labels, annotations }, spec: manifest.spec ?? {} } as Manifest<Kind>, options) };
  }
  const first = current;
  for (let attempt = 1; ; attempt++) {
    checkSpecPrecondition(manifest, current);
    const desired = desiredFrom(manifest, current);
    // What `get -o yaml` printed, applied back untouched, is no change even if the controllers
    // have written status since: no write, so no conflict over a version nobody needed.
    if (sameUserFields(desired, current)) return { action: 'unchanged', object: current };
    try {
      const updated = await api.update({ ...desired, metadata: { ...desired.metadata, resourceVersion: current.metadata.resourceVersion } }, options);
      // The server answers a write that changes nothing with the object as it was (same version).
      return { action: updated.metadata.resourceVersion === first.metadata.resourceVersion ? 'unchanged' : 'updated', object: updated };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
      current = await api.get(name);
    }
  }
}

/**
 * A file read at a resourceVersion may only replace a spec nobody changed since: the object must
 * still have the spec generation the file was read at. A file that has a resourceVersion but no
 * generation (written by hand) cannot say, so its version must still be the object's.
 */
function checkSpecPrecondition(manifest: ParsedManifest, current: SkyObject): void {
  const { resourceVersion, generation } = manifest.metadata;
  if (resourceVersion === undefined) return;
  const unchanged = generation !== undefined ? current.metadata.generation === generation : current.metadata.resourceVersion === resourceVersion;
  if (!unchanged) throw new ConflictError(describeRef({ kind: manifest.kind, namespace: current.metadata.namespace, name: current.metadata.name }), resourceVersion, current.metadata.resourceVersion);
}

/**
 * The labels, annotations and spec to write. A file with a resourceVersion is the whole object,
 * read and edited, so what it says replaces the object's; one without is merged onto the object.
 */
function desiredFrom(manifest: ParsedManifest, current: SkyObject): Manifest<Kind> {
  const { name, namespace } = current.metadata;
  const file = manifest.metadata;
  const whole = file.resourceVersion !== undefined;
  const merged = (mine: Record<string, unknown> | undefined, theirs: object) => (whole ? withoutNulls(mine) : mergePatch(theirs, mine ?? {}));
  const labels = merged(file.labels, current.metadata.labels);
  const annotations = merged(file.annotations, current.metadata.annotations);
  const spec = 'spec' in current ? merged(manifest.spec, current.spec as object) : {};
  return { kind: manifest.kind, metadata: { name, namespace, labels, annotations }, spec } as Manifest<Kind>;
}

/** A map from the file with its null values (which remove keys when merging) left out. */
function withoutNulls<V>(map: Record<string, V | null> | undefined): Record<string, V> {
  return Object.fromEntries(Object.entries(map ?? {}).filter(([, value]) => value !== null)) as Record<string, V>;
}

function sameUserFields(desired: Manifest<Kind>, current: SkyObject): boolean {
  const sameSpec = desired.kind === 'Namespace' || jsonEqual((desired as { spec?: unknown }).spec, (current as { spec?: unknown }).spec);
  return sameSpec && jsonEqual(desired.metadata.labels, current.metadata.labels) && jsonEqual(desired.metadata.annotations, current.metadata.annotations);
}
