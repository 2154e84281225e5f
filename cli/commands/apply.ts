import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { isDeepStrictEqual } from 'node:util';
import { ux } from '@oclif/core';
import { ConflictError, NotFoundError, type Manifest as ApiManifest, type ResourceAPI, type WriteOptions } from '../../src/client/index.js';
import type { Kind } from '../../src/domain/kinds.js';
import type { SkyObject } from '../../src/domain/types.js';
import { ApiCommand, type Connection } from '../api-command.js';
import { explainError, UsageError } from '../errors.js';
import { filename, namespace } from '../flags.js';
import { objectPhrase, viewOf } from '../kinds.js';
import { parseManifests, type Manifest } from '../manifests.js';
import { mergePatch } from '../merge-patch.js';
import { describeRef } from '../../src/domain/object-ref.js';

export type ApplyAction = 'created' | 'updated' | 'unchanged';

export interface AppliedObject {
  kind: Kind;
  name: string;
  namespace?: string;
  /** Absent when this object failed; `error` says why. */
  action?: ApplyAction;
  object?: SkyObject;
  error?: string;
}

export type ApplyResult = AppliedObject[];

const SAID: Record<ApplyAction, (phrase: string) => string> = {
  created: (phrase) => `Created ${phrase}.`,
  updated: (phrase) => `Updated ${phrase}.`,
  unchanged: (phrase) => `Left ${phrase} unchanged.`,
};

export default class Apply extends ApiCommand {
  static override summary = 'Create or update objects from YAML or JSON files.';

  static override description = `Each object is created if it does not exist, and otherwise updated (labels, annotations and spec; status belongs to the controllers and is ignored). A file may hold several YAML documents apart by ---, a JSON object, or a List such as \`skym get jobs -o json\` prints.

Without metadata.resourceVersion, the file is merged onto the object (JSON merge patch, RFC 7386): the fields it names are set, null removes one, the rest stay as they are. So a file with just \`spec: {replicas: 3}\` scales a job.

With metadata.resourceVersion (as \`skym get -o yaml\` prints it), the file is the whole object as it was read, edited: its labels, annotations and spec replace the object's, but only if nobody changed the spec since (metadata.generation is the same); otherwise apply stops with "was changed by someone else" rather than overwrite their change. The controllers' status writes in the meantime do not count: they never touch the spec.

Every object is first checked by the server (a dry run: validation, defaults, preconditions) and only when all pass is any written, in file order, so put a namespace before the jobs in it. If one fails the check, each failure is reported, nothing is written, and the command exits 1. An object whose write then still fails (someone changed it meanwhile) is reported, and the rest are written.`;

  static override examples = [
    { description: 'Apply a file.', command: '<%= config.bin %> apply -f jobs.yaml' },
    { description: 'Edit a job through YAML.', command: '<%= config.bin %> get job hello -o yaml > hello.yaml && $EDITOR hello.yaml && <%= config.bin %> apply -f hello.yaml' },
    { description: 'Copy every job of one namespace into another (the List is read from standard input).', command: "<%= config.bin %> get jobs -n team-a -o json | sed 's/\"team-a\"/\"team-b\"/' | <%= config.bin %> apply -f -" },
  ];

  static override flags = { filename, namespace };

  async run(): Promise<ApplyResult> {
    const { flags } = await this.parse(Apply);
    // Read and check every file before changing anything: a typo in the last document should not
    // leave the first ones applied.
    const manifests: Manifest[] = [];
    for (const file of flags.filename) manifests.push(...parseManifests(await readSource(file), file));
    if (manifests.length === 0) throw new UsageError(`no objects in ${flags.filename.join(', ')}`);
    const connection = await this.connect(flags);
    const targets = manifests.map((manifest) => ({ manifest, namespace: namespaceOf(manifest, flags.namespace, connection.namespace) }));
    const entry = ({ manifest, namespace }: (typeof targets)[number]): AppliedObject => ({ kind: manifest.kind, name: manifest.metadata.name, namespace });

    // The server checks every object before any is written: a mistake in the last document
    // leaves the first ones unapplied.
    const created = new Set(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
    const refused: AppliedObject[] = [];
    for (const target of targets) {
      try {
        await applyOne(connection, target.manifest, target.namespace, { dryRun: true });
      } catch (error) {
        // A namespace an earlier document creates does not exist yet; its objects are checked when written.
        if (error instanceof NotFoundError && [...created].some((name) => error.details.object === `namespaces/${name}`)) continue;
        this.report(error, target.manifest.origin);
        refused.push({ ...entry(target), error: explainError(error).message });
      }
    }
    if (refused.length > 0) {
      if (!this.jsonEnabled()) ux.stderr(`Nothing was applied: ${refused.length} of ${targets.length} objects failed the server's check.`);
      return refused;
    }

    const results: AppliedObject[] = [];
    for (const target of targets) {
      const phrase = objectPhrase(target.manifest.kind, target.manifest.metadata.name, target.namespace);
      try {
        const { action, object } = await applyOne(connection, target.manifest, target.namespace);
        this.out.log(SAID[action](phrase));
        results.push({ ...entry(target), action, object });
      } catch (error) {
        // Where in which file: the API's message alone may not say which object it is about.
        this.report(error, target.manifest.origin);
        results.push({ ...entry(target), error: explainError(error).message });
      }
    }
    return results;
  }
}

async function readSource(file: string): Promise<string> {
  if (file === '-') return text(process.stdin);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** The file's namespace, else -n, else the default; a file and -n that disagree are a mistake. */
function namespaceOf(manifest: Manifest, flag: string | undefined, fallback: string): string | undefined {
  if (!viewOf(manifest.kind).namespaced) return undefined;
  const own = manifest.metadata.namespace;
  if (own && flag && own !== flag) throw new UsageError(`${manifest.origin}: its namespace is "${own}" but -n says "${flag}"`);
  return own ?? flag ?? fallback;
}

/**
 * Status writes move resourceVersion every few seconds for a running workload, so an update may
 * lose the race to one; it is retried on the latest version (its spec precondition checked anew)
 * this many times in all.
 */
const MAX_UPDATE_ATTEMPTS = 10;

async function applyOne(
  connection: Connection,
  manifest: Manifest,
  namespace: string | undefined,
  options: WriteOptions = {},
): Promise<{ action: ApplyAction; object: SkyObject }> {
  const api: ResourceAPI<Kind> = connection.api(manifest.kind, namespace);
  const { name } = manifest.metadata;

  let current: SkyObject;
  try {
    current = await api.get(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const labels = withoutNulls(manifest.metadata.labels);
    const annotations = withoutNulls(manifest.metadata.annotations);
    return { action: 'created', object: await api.create({ kind: manifest.kind, metadata: { name, namespace, labels, annotations }, spec: manifest.spec ?? {} } as ApiManifest<Kind>, options) };
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
function checkSpecPrecondition(manifest: Manifest, current: SkyObject): void {
  const { resourceVersion, generation } = manifest.metadata;
  if (resourceVersion === undefined) return;
  const unchanged = generation !== undefined ? current.metadata.generation === generation : current.metadata.resourceVersion === resourceVersion;
  if (!unchanged) throw new ConflictError(describeRef({ kind: manifest.kind, namespace: current.metadata.namespace, name: current.metadata.name }), resourceVersion, current.metadata.resourceVersion);
}

/**
 * The labels, annotations and spec to write. A file with a resourceVersion is the whole object,
 * read and edited, so what it says replaces the object's; one without is merged onto the object.
 */
function desiredFrom(manifest: Manifest, current: SkyObject): ApiManifest<Kind> {
  const { name, namespace } = current.metadata;
  const file = manifest.metadata;
  const whole = file.resourceVersion !== undefined;
  const merged = (mine: Record<string, unknown> | undefined, theirs: object) => (whole ? withoutNulls(mine) : mergePatch(theirs, mine ?? {}));
  const labels = merged(file.labels, current.metadata.labels);
  const annotations = merged(file.annotations, current.metadata.annotations);
  const spec = 'spec' in current ? merged(manifest.spec, current.spec as object) : {};
  return { kind: manifest.kind, metadata: { name, namespace, labels, annotations }, spec } as ApiManifest<Kind>;
}

/** A map from the file with its null values (which remove keys when merging) left out. */
function withoutNulls<V>(map: Record<string, V | null> | undefined): Record<string, V> {
  return Object.fromEntries(Object.entries(map ?? {}).filter(([, value]) => value !== null)) as Record<string, V>;
}

function sameUserFields(desired: ApiManifest<Kind>, current: SkyObject): boolean {
  const sameSpec = desired.kind === 'Namespace' || isDeepStrictEqual((desired as { spec?: unknown }).spec, (current as { spec?: unknown }).spec);
  return sameSpec && isDeepStrictEqual(desired.metadata.labels, current.metadata.labels) && isDeepStrictEqual(desired.metadata.annotations, current.metadata.annotations);
}
