/**
 * Kubernetes resource quantities ("500m", "4", "16Gi", "1e3") to and from Sky's figures: cpu in
 * cores, memory in MiB, GPUs as whole devices. Pure arithmetic, shared by the capacity math and
 * the manifests.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// A number, then either an exponent ("1e3") or a suffix; "1E" is one exa, "1E3" a thousand.
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity in base units (cores, bytes, devices); throws on anything Kubernetes would reject. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = QUANTITY.exec(quantity.trim());
  if (!match) throw new Error(`"${quantity}" is not a Kubernetes quantity`);
  const [, number, exponent, suffix = ''] = match;
  if (exponent) return Number(number + exponent);
  return Number(number) * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** 0 for an absent quantity: an unset request asks for nothing. */
function orZero(quantity: string | number | undefined): number {
  return quantity === undefined ? 0 : parseQuantity(quantity);
}

export const cpuCores = (quantity: string | number | undefined): number => orZero(quantity);
export const memoryMiB = (quantity: string | number | undefined): number => orZero(quantity) / 2 ** 20;
export const deviceCount = (quantity: string | number | undefined): number => orZero(quantity);

/**
 * Rounds away float noise (6 - 0.21 is 5.790000000000001) to a thousandth, the precision of a
 * millicore; figures are for people and for fitting replicas, not for accounting.
 */
export function roundFigure(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Cores as a quantity: whole cores plainly ("2"), fractions in millicores ("500m"). */
export function cpuQuantity(cores: number): string {
  const milli = Math.ceil(cores * 1000 - 1e-6);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** MiB as a quantity: "512Mi", or in KiB when the figure is fractional ("1536Ki" for 1.5). */
export function memoryQuantity(mib: number): string {
  return Number.isInteger(mib) ? `${mib}Mi` : `${Math.ceil(mib * 1024 - 1e-6)}Ki`;
}
