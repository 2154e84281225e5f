/**
 * Resource quantities as people write them, on the command line (`--resources memory 2Gi`,
 * `--cpu 500m`) and in files (`memory: 2Gi`, `cpu: 500m`), turned into the API's figures: cpu in
 * cores, memory in MiB, GPUs whole. One grammar for flags and manifests, so what `skym create`
 * accepts `skym apply -f` accepts too.
 *
 * Memory takes Kubernetes' suffixes, binary (Ki, Mi, Gi, Ti, Pi) and decimal (k, M, G, T, P); a
 * bare number is MiB, the API's unit (where Kubernetes would read bytes).
 */

export type QuantityKey = 'cpu' | 'memory' | 'gpu';

export const QUANTITY_KEYS: readonly QuantityKey[] = ['cpu', 'memory', 'gpu'];

const MIB = 2 ** 20;
/** Bytes per suffix; the lower-case binary forms (`2gi`) are accepted as skym always has. */
const MEMORY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: MIB,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const CPU = new RegExp(`^${NUMBER}(m?)$`);
const MEMORY = new RegExp(`^${NUMBER}([a-zA-Z]*)$`);
const WHOLE = /^\d+$/;

function memorySuffix(suffix: string): number | undefined {
  if (suffix === '') return MIB;
  const exact = MEMORY_SUFFIXES[suffix];
  if (exact !== undefined) return exact;
  // `gi`, `GI`: the binary suffixes in any case (never `m`, which Kubernetes reads as milli).
  const binary = /^[kmgtp]i$/i.test(suffix) ? `${suffix[0].toUpperCase()}i` : undefined;
  return binary === undefined ? undefined : MEMORY_SUFFIXES[binary];
}

const PARSERS: Record<QuantityKey, (text: string) => number | undefined> = {
  cpu: (text) => {
    const match = CPU.exec(text);
    if (!match) return undefined;
    return match[2] === 'm' ? Number(match[1]) / 1000 : Number(match[1]);
  },
  memory: (text) => {
    const match = MEMORY.exec(text);
    const bytes = match ? memorySuffix(match[2]) : undefined;
    return match && bytes !== undefined ? (Number(match[1]) * bytes) / MIB : undefined;
  },
  gpu: (text) => (WHOLE.test(text) ? Number(text) : undefined),
};

/** What a quantity of each key looks like, for the sentence that refuses one. */
const EXPECTED: Record<QuantityKey, string> = {
  cpu: 'a quantity of cores such as 1, 0.5 or 500m',
  memory: 'a quantity such as 512Mi, 2Gi or 1024 (MiB)',
  gpu: 'a whole number of GPUs such as 1',
};

/** `"2Gx" is not a quantity such as 512Mi, 2Gi or 1024 (MiB)`: the reason, for any place to prefix. */
export function notAQuantity(key: QuantityKey, value: unknown): string {
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
  return `${shown} is not ${EXPECTED[key]}`;
}

/** The figure of a quantity written as text, or undefined when it is not one. */
export function parseQuantityText(key: QuantityKey, text: string): number | undefined {
  return PARSERS[key](text.trim());
}

/**
 * A quantity from a file, where YAML may already have made it a number (`cpu: 2`). Numbers pass as
 * they are (the server checks their range); text is parsed; anything else is not a quantity.
 */
export function parseQuantityValue(key: QuantityKey, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseQuantityText(key, value);
  return undefined;
}
