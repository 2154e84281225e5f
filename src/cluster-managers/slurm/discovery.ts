/**
 * Slurm clusters discovered from a file rather than registered one by one: sites list their
 * clusters once, and the controller manager creates a Cluster object for each. The file is YAML
 * (JSON is YAML too):
 *
 *   clusters:
 *     - name: hpc-a
 *       labels: {site: campus}
 *       slurmConf: /etc/slurm/hpc-a.conf
 *       partition: gpu            # optional
 *     - name: hpc-b
 *       sshHost: alice@login.hpc-b.example.edu
 *
 * A bare list of the same entries works too. Errors name the file and the field
 * (`clusters[1].name`), so a broken entry is found without guessing.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { isValidName } from '../../domain/kinds.js';
import type { SlurmConfig } from '../../domain/types.js';

export interface DiscoveredSlurmCluster {
  name: string;
  labels?: Record<string, string>;
  spec: { manager: 'SLURM'; slurm: SlurmConfig };
}

const nonEmpty = (what: string) => z.string({ invalid_type_error: `${what} must be a string` }).min(1, `${what} must not be empty`);

const entrySchema = z
  .object({
    name: z
      .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
      .refine(isValidName, 'must be a DNS-1123 label: at most 63 of a-z, 0-9 and "-", starting and ending with a letter or digit'),
    labels: z.record(z.string({ invalid_type_error: 'label values must be strings' })).optional(),
    slurmConf: nonEmpty('slurmConf').optional(),
    sshHost: nonEmpty('sshHost').optional(),
    restUrl: nonEmpty('restUrl').optional(),
    partition: nonEmpty('partition').optional(),
  })
  .strict();

const listSchema = z.array(entrySchema, {
  required_error: 'is required: a list of clusters',
  invalid_type_error: 'must be a list of clusters',
});
const objectSchema = z.object({ clusters: listSchema }).strict();
const fileSchema = z.union([listSchema, objectSchema]);

export class SlurmClusterListError extends Error {}

/** "clusters[1].name" from zod's path. */
function fieldOf(path: (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

/** Parses the text of a Slurm cluster list; `source` names it in errors. */
export function parseSlurmClusterList(text: string, source = 'the Slurm cluster list'): DiscoveredSlurmCluster[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new SlurmClusterListError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return [];
  // A bare list and {clusters: [...]} are both accepted; errors are reported against the form used.
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    const asObject = !Array.isArray(document);
    const issues = (asObject ? objectSchema : listSchema).safeParse(document);
    const issue = (issues.success ? parsed.error : issues.error).issues[0];
    const field = fieldOf(issue.path);
    const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
    throw new SlurmClusterListError(`${source}: ${field ? `${field}: ` : ''}${message}`);
  }
  const entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.clusters;
  const seen = new Map<string, number>();
  return entries.map((entry, i) => {
    const prefix = Array.isArray(parsed.data) ? `[${i}]` : `clusters[${i}]`;
    const earlier = seen.get(entry.name);
    if (earlier !== undefined) throw new SlurmClusterListError(`${source}: ${prefix}.name: "${entry.name}" is also the name of entry ${earlier}`);
    seen.set(entry.name, i);
    const slurm: SlurmConfig = {};
    if (entry.slurmConf) slurm.slurmConf = entry.slurmConf;
    if (entry.sshHost) slurm.sshHost = entry.sshHost;
    if (entry.restUrl) slurm.restUrl = entry.restUrl;
    if (entry.partition) slurm.partition = entry.partition;
    return { name: entry.name, ...(entry.labels ? { labels: entry.labels } : {}), spec: { manager: 'SLURM', slurm } };
  });
}

/** Reads and parses the Slurm cluster list at `path`. */
export async function readSlurmClusterList(path: string): Promise<DiscoveredSlurmCluster[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SlurmClusterListError(`cannot read the Slurm cluster list ${path}: ${(error as Error).message}`);
  }
  return parseSlurmClusterList(text, path);
}
