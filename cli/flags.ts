/**
 * Flags shared by several commands, defined once (plugin-org's shared/flags.ts habit), and the
 * pure parsers behind them. A command lists the ones it takes: `static flags = { namespace, … }`.
 */
import { Flags } from '@oclif/core';
import { UsageError } from './usage-error.js';
import { notAQuantity, parseQuantityText, QUANTITY_KEYS, type QuantityKey } from '../src/domain/quantities.js';

// ---------------------------------------------------------------- parsers (pure, unit-tested)

/** `key=value` → [key, value]; the value may itself contain `=` (`--env OPTS=a=b`). */
export function splitKeyValue(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} takes key=value, got "${text}"`);
  return [text.slice(0, at).trim(), text.slice(at + 1)];
}

export interface KeyValue {
  key: string;
  value: string;
}

/** Pairs into a map; a key given twice is a mistake worth naming rather than a silent override. */
export function toMap(pairs: readonly KeyValue[] | undefined, flag: string): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const { key, value } of pairs) {
    if (key in map) throw new UsageError(`${flag} ${key} is given twice`);
    map[key] = value;
  }
  return map;
}

export interface ResourceRequest {
  cpu?: number;
  memory?: number;
  gpu?: number;
  accelerator?: string;
}

type ResourceKey = keyof ResourceRequest;

function isResourceKey(key: string): key is ResourceKey {
  return key === 'accelerator' || (QUANTITY_KEYS as readonly string[]).includes(key);
}

/** One resource figure; `flag` names where it came from in the message (`--resources cpu`, `--cpu`). */
export function parseResourceValue<K extends ResourceKey>(key: K, text: string, flag: string): NonNullable<ResourceRequest[K]> {
  if (key === 'accelerator') {
    if (text.trim() === '') throw new UsageError(`${flag}: give a GPU model such as A100`);
    return text as NonNullable<ResourceRequest[K]>;
  }
  const value = parseQuantityText(key as QuantityKey, text);
  if (value === undefined) throw new UsageError(`${flag}: ${notAQuantity(key as QuantityKey, text)}`);
  return value as NonNullable<ResourceRequest[K]>;
}

/**
 * `--resources` as the original demo took it, two tokens per resource (`--resources cpu 1
 * --resources memory 512`), and in key=value form (`--resources cpu=1,memory=512`). oclif hands
 * every token after the flag over as one list (the flag is `multiple` and greedy), so pairing
 * happens here, over the whole list.
 */
export function parseResources(tokens: readonly string[] | undefined): ResourceRequest | undefined {
  if (!tokens || tokens.length === 0) return undefined;
  const pairs: [string, string][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.includes('=')) {
      for (const part of token.split(',').filter((p) => p.trim() !== '')) pairs.push(splitKeyValue(part, '--resources'));
    } else {
      if (i + 1 >= tokens.length) throw new UsageError(`--resources ${token} needs a value, as in --resources cpu 1`);
      pairs.push([token, tokens[++i]]);
    }
  }
  const request: ResourceRequest = {};
  for (const [rawKey, text] of pairs) {
    const key = rawKey.toLowerCase();
    if (!isResourceKey(key)) throw new UsageError(`--resources: unknown resource "${rawKey}"; use cpu, memory, gpu or accelerator`);
    if (request[key] !== undefined) throw new UsageError(`--resources ${key} is given twice`);
    (request as Record<string, unknown>)[key] = parseResourceValue(key, text, `--resources ${key}`);
  }
  return request;
}

// ---------------------------------------------------------------- flags

const keyValue = Flags.custom<KeyValue>({
  multiple: true,
  // One value per occurrence: `--label a=b NAME` must leave NAME to the argument.
  multipleNonGreedy: true,
  helpValue: 'KEY=VALUE',
  parse: async (input, context) => {
    const [key, value] = splitKeyValue(input, `--${context.token.flag}`);
    return { key, value };
  },
});

/** Where the API is; the strongest of the sources cli/config.ts weighs. */
export const api = Flags.string({
  description:
    'URL of the Sky Manager API; several servers of one installation separated by commas (URL,URL), tried in turn when one is down. ' +
    'Default: $SKYM_API, else `api` in ~/.skym/config.yaml, else http://127.0.0.1:50051/graphql.',
  helpValue: 'URL[,URL...]',
  helpGroup: 'GLOBAL',
});

export const namespace = Flags.string({
  char: 'n',
  description: 'Namespace of namespaced kinds (jobs, deployments, filterpolicies). Default: $SKYM_NAMESPACE, else `namespace` in the config file, else "default".',
  helpValue: 'NAMESPACE',
});

export const allNamespaces = Flags.boolean({
  char: 'A',
  description: 'List namespaced kinds across every namespace.',
  exclusive: ['namespace'],
});

export const selector = Flags.string({
  char: 'l',
  description: 'Label selector, as in Kubernetes: app=web,tier!=db,env in (prod,staging),gpu,!spot.',
  helpValue: 'SELECTOR',
});

export const OUTPUT_FORMATS = ['json', 'yaml', 'wide'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const output = Flags.option({
  char: 'o',
  options: OUTPUT_FORMATS,
  description: 'Print objects as JSON or YAML (which `skym apply -f` reads back), or the table with more columns.',
})();

export const watch = Flags.boolean({
  char: 'w',
  description: 'After printing, keep printing each change (added, modified, deleted) as it happens, until Ctrl-C.',
  // A stream has no single result to print at the end; -o json streams events as JSON lines.
  exclusive: ['json'],
});

export const label = keyValue({
  multiple: true,
  description: 'A label of the new object; repeat for more (or comma-separate: a=b,c=d).',
  delimiter: ',',
});

export const env = keyValue({
  multiple: true,
  description: 'An environment variable of the workload; repeat for more.',
  helpValue: 'NAME=VALUE',
});

export const resources = Flags.string({
  multiple: true,
  description: 'Resources per replica, as the demo wrote them (`--resources cpu 1 --resources memory 512`) or as key=value (`--resources cpu=1,memory=2Gi`). Keys: cpu (cores or 500m), memory (MiB or 2Gi), gpu, accelerator.',
  helpValue: 'KEY VALUE',
});

export const filename = Flags.string({
  char: 'f',
  multiple: true,
  multipleNonGreedy: true,
  required: true,
  description: 'A YAML or JSON file of objects (several documents, or a List); - reads standard input. Repeat for more files.',
  helpValue: 'FILE',
});

export const clusterSelector = Flags.string({
  description: 'Only clusters whose labels match this selector (Kubernetes syntax: env=prod,gpu).',
  helpValue: 'SELECTOR',
});

export const labelsSelector = keyValue({
  multiple: true,
  description: 'Which workloads the policy governs, by their labels; repeat or comma-separate. None: every workload of the namespace.',
  delimiter: ',',
});

/** `gpu=2.40,cpu=0.05,memory=0.005`: prices per GPU-, core- and GiB-hour. */
export function parsePrices(parts: readonly string[] | undefined, flag: string): { cpu?: number; gpu?: number; memory?: number } | undefined {
  if (!parts || parts.length === 0) return undefined;
  const prices: { cpu?: number; gpu?: number; memory?: number } = {};
  for (const part of parts.flatMap((p) => p.split(',')).filter((p) => p.trim() !== '')) {
    const [rawKey, text] = splitKeyValue(part, flag);
    const key = rawKey.toLowerCase();
    if (key !== 'cpu' && key !== 'memory' && key !== 'gpu') throw new UsageError(`${flag}: unknown resource "${rawKey}"; use cpu (per core-hour), gpu (per GPU-hour) or memory (per GiB-hour)`);
    if (prices[key] !== undefined) throw new UsageError(`${flag} ${key} is given twice`);
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} ${key}: "${text}" is not a price such as 2.40`);
    prices[key] = value;
  }
  return prices;
}
