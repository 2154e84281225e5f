/**
 * Reads the objects of `skym apply -f` (and the console's "apply YAML"): YAML (several documents apart by `---`) or JSON (JSON is
 * YAML too, so one parser reads both), where any document may be a List — `skym get jobs -o json`
 * prints `{kind: "JobList", items}`, and that must apply back as the jobs it holds.
 *
 * Only the shape every object shares is checked here (kind, metadata.name, no unknown top-level or
 * metadata fields), and quantities are read as `skym create` reads them (`memory: 2Gi`, `cpu: 500m`
 * become the API's MiB and cores); the rest of the spec is the server's to validate, and its errors
 * name the field.
 */
import { parseAllDocuments } from 'yaml';
import { resolveKind } from '../domain/kind-names.js';
import type { Kind } from '../domain/kinds.js';
import { notAQuantity, parseQuantityValue, QUANTITY_KEYS } from '../domain/quantities.js';

/**
 * A file that cannot be applied as written, named by its place (`jobs.yaml, document 2: …`). Plain,
 * so a browser can catch it too; the CLI shows it as a usage error.
 */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export interface ManifestMetadata {
  name: string;
  namespace?: string;
  /** A null value removes the label when the file is merged onto the object (see apply.ts). */
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  resourceVersion?: string;
  generation?: number;
}

export interface ParsedManifest {
  kind: Kind;
  metadata: ManifestMetadata;
  spec?: Record<string, unknown>;
  /** Where it came from, for messages: `jobs.yaml, document 2`. */
  origin: string;
}

// `apiVersion` is accepted (and ignored) so Kubernetes habits do not fail; status is the
// controllers' and is ignored, and so is `cost` (Queue, Namespace), which the server derives when
// read; the rest of what `get -o yaml` prints is the server's own.
const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'cost']);
const METADATA = new Set(['name', 'namespace', 'labels', 'annotations', 'resourceVersion', 'generation', 'uid', 'creationTimestamp']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkStringMap(value: unknown, field: string, origin: string): Record<string, string | null> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string' && v !== null)) {
    throw new ManifestError(`${origin}: ${field} must be a map of strings (quote numbers and booleans: "true"; null removes a key)`);
  }
  return value as Record<string, string | null>;
}

function toManifest(value: unknown, origin: string): ParsedManifest {
  if (!isObject(value)) throw new ManifestError(`${origin}: expected an object with kind, metadata and spec`);
  const unknown = Object.keys(value).filter((key) => !TOP_LEVEL.has(key));
  if (unknown.length > 0) throw new ManifestError(`${origin}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; expected kind, metadata, spec`);
  if (typeof value.kind !== 'string') throw new ManifestError(`${origin}: "kind" is missing`);
  let kind: Kind;
  try {
    kind = resolveKind(value.kind);
  } catch (error) {
    throw new ManifestError(`${origin}: ${(error as Error).message}`);
  }
  const metadata = value.metadata;
  if (!isObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    throw new ManifestError(`${origin}: "metadata.name" is missing`);
  }
  const unknownMeta = Object.keys(metadata).filter((key) => !METADATA.has(key));
  if (unknownMeta.length > 0) throw new ManifestError(`${origin}: unknown field ${unknownMeta.map((k) => `"metadata.${k}"`).join(', ')}`);
  if (value.spec !== undefined && value.spec !== null && !isObject(value.spec)) throw new ManifestError(`${origin}: "spec" must be an object`);
  const meta: ManifestMetadata = { name: metadata.name };
  if (typeof metadata.namespace === 'string') meta.namespace = metadata.namespace;
  const labels = checkStringMap(metadata.labels, 'metadata.labels', origin);
  if (labels) meta.labels = labels;
  const annotations = checkStringMap(metadata.annotations, 'metadata.annotations', origin);
  if (annotations) meta.annotations = annotations;
  // A resourceVersion read back from YAML may have become a number; it is an opaque string.
  if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== null) meta.resourceVersion = String(metadata.resourceVersion);
  if (typeof metadata.generation === 'number') meta.generation = metadata.generation;
  return { kind, metadata: meta, spec: isObject(value.spec) ? readQuantities(kind, value.spec, origin) : undefined, origin };
}

/** The blocks of each kind's spec that hold quantities (cores, MiB, GPUs). */
const QUANTITY_BLOCKS: Partial<Record<Kind, readonly string[]>> = {
  Job: ['resources'],
  Deployment: ['resources'],
  Cluster: ['local'],
  Queue: ['quota', 'borrowingLimit', 'lendingLimit'],
};

/** The spec with its quantities as figures; a value that is no quantity is refused in the file's terms. */
function readQuantities(kind: Kind, spec: Record<string, unknown>, origin: string): Record<string, unknown> {
  const read = { ...spec };
  for (const name of QUANTITY_BLOCKS[kind] ?? []) {
    const block = spec[name];
    if (!isObject(block)) continue; // absent, null (merge: remove) or not an object: the server says
    const figures = { ...block };
    for (const key of QUANTITY_KEYS) {
      const value = block[key];
      if (value === undefined || value === null) continue;
      const figure = parseQuantityValue(key, value);
      if (figure === undefined) throw new ManifestError(`${origin}: spec.${name}.${key}: ${notAQuantity(key, value)}`);
      figures[key] = figure;
    }
    read[name] = figures;
  }
  return read;
}

/** A List (`kind: JobList` or `List`, with `items`) stands for its items. */
function isList(value: unknown): value is { kind: string; items: unknown[] } {
  return isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

/** Every object in `text`, in order. `source` names the file in messages ("-" is standard input). */
export function parseManifests(text: string, source: string): ParsedManifest[] {
  const name = source === '-' ? 'standard input' : source;
  const manifests: ParsedManifest[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    const origin = `${name}, document ${index + 1}`;
    const [error] = document.errors;
    if (error) throw new ManifestError(`${origin} is not valid YAML or JSON: ${error.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return; // an empty document (a trailing ---)
    if (isList(value)) {
      value.items.forEach((item, i) => manifests.push(toManifest(item, `${origin}, item ${i + 1}`)));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => manifests.push(toManifest(item, `${origin}, item ${i + 1}`)));
    } else {
      manifests.push(toManifest(value, origin));
    }
  });
  return manifests;
}
