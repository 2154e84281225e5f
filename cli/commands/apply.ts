import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError, type Manifest as ApiManifest, type ResourceAPI } from '../../src/client/index.js';
import type { Kind } from '../../src/domain/kinds.js';
import type { SkyObject } from '../../src/domain/types.js';
import { ApiCommand, type Connection } from '../api-command.js';
import { explainError, UsageError } from '../errors.js';
import { filename, namespace } from '../flags.js';
import { objectPhrase, viewOf } from '../kinds.js';
import { parseManifests, type Manifest } from '../manifests.js';

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

  static override description = `Each object is created if it does not exist, and otherwise updated to what the file says (labels, annotations and spec; status belongs to the controllers and is ignored). A file may hold several YAML documents apart by ---, a JSON object, or a List such as \`skym get jobs -o json\` prints.

An object that carries metadata.resourceVersion (as \`skym get -o yaml\` prints it) is only updated if nobody changed it since that version was read; otherwise apply stops with "was changed by someone else" rather than overwrite their change. Status updates by the controllers in the meantime do not count. Without a resourceVersion the file simply wins.

Objects are applied in file order, so put a namespace before the jobs in it. One that fails is reported and the rest are still applied; the command then exits 1.`;

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

    const results: AppliedObject[] = [];
    for (const manifest of manifests) {
      const namespace = namespaceOf(manifest, flags.namespace, connection.namespace);
      const result: AppliedObject = { kind: manifest.kind, name: manifest.metadata.name, namespace };
      const phrase = objectPhrase(manifest.kind, manifest.metadata.name, namespace);
      try {
        const { action, object } = await applyOne(connection, manifest, namespace);
        this.out.log(SAID[action](phrase));
        results.push({ ...result, action, object });
      } catch (error) {
        // Where in which file: the API's message alone may not say which object it is about.
        this.report(error, manifest.origin);
        results.push({ ...result, error: explainError(error).message });
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

async function applyOne(connection: Connection, manifest: Manifest, namespace: string | undefined): Promise<{ action: ApplyAction; object: SkyObject }> {
  const api: ResourceAPI<Kind> = connection.api(manifest.kind, namespace);
  const { name, labels = {}, annotations = {} } = manifest.metadata;
  const desired = { kind: manifest.kind, metadata: { name, namespace, labels, annotations }, spec: manifest.spec ?? {} } as ApiManifest<Kind>;

  let current: SkyObject;
  try {
    current = await api.get(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return { action: 'created', object: await api.create(desired) };
  }
  // What `get -o yaml` printed, applied back untouched, is no change even if the controllers have
  // written status since: no write, so no conflict over a version nobody needed.
  const sameSpec = manifest.kind === 'Namespace' || isDeepStrictEqual(desired.spec, current.spec);
  if (sameSpec && isDeepStrictEqual(labels, current.metadata.labels) && isDeepStrictEqual(annotations, current.metadata.annotations)) {
    return { action: 'unchanged', object: current };
  }
  const updated = await updateFrom(api, desired, manifest.metadata, current);
  // The server answers a write that changes nothing with the object as it was (same version).
  return { action: updated.metadata.resourceVersion === current.metadata.resourceVersion ? 'unchanged' : 'updated', object: updated };
}

/**
 * Updates with the file's resourceVersion as the precondition when it has one, so an edit made by
 * someone else since the file was read is not overwritten. Controllers' status writes move
 * resourceVersion too, though, every few seconds for a running job. When the object has the spec
 * generation the file was read at (nobody changed the spec since) and already carries the file's
 * labels and annotations (nobody else's metadata change would be lost), the conflict came from
 * status alone, and the update is retried once on the latest version.
 */
async function updateFrom(api: ResourceAPI<Kind>, desired: ApiManifest<Kind>, read: Manifest['metadata'], current: SkyObject): Promise<SkyObject> {
  const at = (resourceVersion: string) => api.update({ ...desired, metadata: { ...desired.metadata, resourceVersion } });
  try {
    return await at(read.resourceVersion ?? current.metadata.resourceVersion);
  } catch (error) {
    if (!(error instanceof ConflictError) || read.resourceVersion === undefined || read.generation === undefined) throw error;
    const latest = await api.get(read.name);
    const onlyStatusMoved =
      latest.metadata.generation === read.generation &&
      isDeepStrictEqual(latest.metadata.labels, desired.metadata.labels) &&
      isDeepStrictEqual(latest.metadata.annotations, desired.metadata.annotations);
    if (!onlyStatusMoved) throw error;
    return at(latest.metadata.resourceVersion);
  }
}
