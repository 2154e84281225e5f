/**
 * A fake of the API's per-kind reads and writes (the ApplyAPI seam of src/client/apply.ts) for unit
 * tests, keeping the server's rules that apply relies on: one store-wide resourceVersion counter,
 * compare-and-swap updates (stale → ConflictError), `generation` bumped only by spec changes, a write
 * that changes nothing answered with the object as it was, dry runs that check and write nothing,
 * and namespaced objects refused (NotFound `namespaces/x`) in a namespace that does not exist.
 * Every call is recorded in order (`get jobs/default/a`, `update jobs/default/a dry-run`), so a
 * test can assert what was written.
 */
import type { ApplyAPI } from '../../src/client/apply.js';
import type { Manifest } from '../../src/client/api.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../../src/domain/errors.js';
import { jsonEqual } from '../../src/domain/json-equal.js';
import { KIND_INFO, type Kind } from '../../src/domain/kinds.js';
import { describeRef } from '../../src/domain/object-ref.js';
import type { SkyObject } from '../../src/domain/types.js';

type Write = 'create' | 'update';

export class FakeResourceApis {
  readonly objects = new Map<string, SkyObject>();
  readonly calls: string[] = [];
  private version = 0;
  /** The server's validation: an error to throw for this write (dry run or not), or undefined. */
  refuse: (write: Write, manifest: Manifest<Kind>) => Error | undefined = () => undefined;
  /** Runs before each real (not dry-run) update reaches the object: a controller's write racing it. */
  beforeUpdate: (key: string) => void = () => {};

  /** The API of one kind, as src/client/apply.ts asks for it. */
  readonly apiFor = (kind: Kind, namespace: string | undefined): ApplyAPI => {
    const key = (name: string) => describeRef({ kind, namespace, name });
    return {
      get: async (name) => {
        this.calls.push(`get ${key(name)}`);
        const object = this.objects.get(key(name));
        if (!object) throw new NotFoundError(key(name));
        return structuredClone(object);
      },
      create: async (manifest, options = {}) => this.create(kind, namespace, manifest as Manifest<Kind>, options.dryRun ?? false),
      update: async (manifest, options = {}) => this.update(kind, namespace, manifest as Manifest<Kind>, options.dryRun ?? false),
    } as ApplyAPI;
  };

  /** An object as the server holds it, with a fresh resourceVersion. */
  seed(kind: Kind, name: string, fields: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; spec?: unknown; generation?: number } = {}): SkyObject {
    const namespace = KIND_INFO[kind].namespaced ? (fields.namespace ?? 'default') : undefined;
    const object = {
      kind,
      metadata: {
        name,
        ...(namespace === undefined ? {} : { namespace }),
        uid: `uid-${name}`,
        labels: fields.labels ?? {},
        annotations: fields.annotations ?? {},
        resourceVersion: this.next(),
        generation: fields.generation ?? 1,
        creationTimestamp: '2024-01-01T00:00:00Z',
      },
      ...(kind === 'Namespace' ? {} : { spec: fields.spec ?? {} }),
      status: { phase: 'PENDING', conditions: [] },
    } as unknown as SkyObject;
    this.objects.set(describeRef({ kind, namespace, name }), object);
    return structuredClone(object);
  }

  /** A controller's status write: a new resourceVersion, the spec and its generation untouched. */
  writeStatus(key: string): void {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no ${key} to write status to`);
    object.metadata.resourceVersion = this.next();
  }

  get(key: string): SkyObject | undefined {
    return this.objects.get(key);
  }

  /** The writes that were not dry runs. */
  writes(): string[] {
    return this.calls.filter((call) => !call.startsWith('get ') && !call.endsWith(' dry-run'));
  }

  private next(): string {
    this.version += 1;
    return String(this.version);
  }

  private record(write: Write, key: string, dryRun: boolean): void {
    this.calls.push(`${write} ${key}${dryRun ? ' dry-run' : ''}`);
  }

  private create(kind: Kind, namespace: string | undefined, manifest: Manifest<Kind>, dryRun: boolean): SkyObject {
    const { name } = manifest.metadata;
    const key = describeRef({ kind, namespace, name });
    this.record('create', key, dryRun);
    const refused = this.refuse('create', manifest);
    if (refused) throw refused;
    if (this.objects.has(key)) throw new AlreadyExistsError(key);
    if (namespace !== undefined && !this.objects.has(describeRef({ kind: 'Namespace', name: namespace }))) throw new NotFoundError(`namespaces/${namespace}`);
    const object = {
      kind,
      metadata: {
        name,
        ...(namespace === undefined ? {} : { namespace }),
        uid: `uid-${name}`,
        labels: manifest.metadata.labels ?? {},
        annotations: manifest.metadata.annotations ?? {},
        resourceVersion: dryRun ? '0' : this.next(),
        generation: 1,
        creationTimestamp: '2024-01-01T00:00:00Z',
      },
      ...(kind === 'Namespace' ? {} : { spec: (manifest as { spec?: unknown }).spec ?? {} }),
      status: { phase: 'PENDING', conditions: [] },
    } as unknown as SkyObject;
    if (!dryRun) this.objects.set(key, object);
    return structuredClone(object);
  }

  private update(kind: Kind, namespace: string | undefined, manifest: Manifest<Kind>, dryRun: boolean): SkyObject {
    const key = describeRef({ kind, namespace, name: manifest.metadata.name });
    this.record('update', key, dryRun);
    const refused = this.refuse('update', manifest);
    if (refused) throw refused;
    if (!dryRun) this.beforeUpdate(key);
    const current = this.objects.get(key);
    if (!current) throw new NotFoundError(key);
    const expected = manifest.metadata.resourceVersion;
    if (expected !== undefined && expected !== current.metadata.resourceVersion) throw new ConflictError(key, expected, current.metadata.resourceVersion);
    const spec = (manifest as { spec?: unknown }).spec;
    const specChanged = kind !== 'Namespace' && !jsonEqual(spec, (current as { spec?: unknown }).spec);
    const labels = manifest.metadata.labels ?? {};
    const annotations = manifest.metadata.annotations ?? {};
    if (!specChanged && jsonEqual(labels, current.metadata.labels) && jsonEqual(annotations, current.metadata.annotations)) return structuredClone(current);
    const updated = {
      ...current,
      metadata: { ...current.metadata, labels, annotations, resourceVersion: dryRun ? current.metadata.resourceVersion : this.next(), generation: current.metadata.generation + (specChanged ? 1 : 0) },
      ...(kind === 'Namespace' ? {} : { spec }),
    } as SkyObject;
    if (!dryRun) this.objects.set(key, updated);
    return structuredClone(updated);
  }
}
