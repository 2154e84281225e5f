import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { ux } from '@oclif/core';
import { applyManifests, ManifestError, parseManifests, type ApplyAction, type AppliedObject as ClientAppliedObject, type ParsedManifest } from '../../src/client/index.js';
import type { Kind } from '../../src/domain/kinds.js';
import type { SkyObject } from '../../src/domain/types.js';
import { ApiCommand } from '../api-command.js';
import { explainError, UsageError } from '../errors.js';
import { filename, namespace } from '../flags.js';
import { objectPhrase } from '../kinds.js';

export type { ApplyAction };

/** What --json prints per object. */
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
    const manifests: ParsedManifest[] = [];
    for (const file of flags.filename) {
      const source = await readSource(file);
      manifests.push(...(await asUsage(() => parseManifests(source, file))));
    }
    if (manifests.length === 0) throw new UsageError(`no objects in ${flags.filename.join(', ')}`);
    const connection = await this.connect(flags);
    const report = await asUsage(() =>
      applyManifests((kind, ns) => connection.api(kind, ns), manifests, {
        namespace: flags.namespace,
        defaultNamespace: connection.namespace,
        describeError: (error) => explainError(error).message,
        onResult: (result) => {
          // Where in which file: the API's message alone may not say which object it is about.
          if (result.error !== undefined) this.report(result.cause, result.origin);
          else if (result.action) this.out.log(SAID[result.action](objectPhrase(result.kind, result.name, result.namespace)));
        },
      }),
    );
    if (report.refusedByDryRun && !this.jsonEnabled()) {
      ux.stderr(`Nothing was applied: ${report.objects.length} of ${manifests.length} objects failed the server's check.`);
    }
    return report.objects.map(forJson);
  }
}

/** The file's mistakes (src/client/manifests.ts) are the CLI's usage errors: same words, same exit status. */
async function asUsage<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ManifestError ? new UsageError(error.message) : error;
  }
}

/** The entry as --json has always printed it: where it came from and the error object stay out. */
function forJson({ kind, name, namespace, action, object, error }: ClientAppliedObject): AppliedObject {
  return error === undefined ? { kind, name, namespace, action, object } : { kind, name, namespace, error };
}

async function readSource(file: string): Promise<string> {
  if (file === '-') return text(process.stdin);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
