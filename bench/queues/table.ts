/** Figures printed as Markdown tables, so they paste into bench/README.md as they are. */

export type Row = Record<string, string | number>;

export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}\n`);
  if (rows.length === 0) {
    console.log('(no rows)');
    return;
  }
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined) => (v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : v);
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || typeof r[c] === 'number'));
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`);
  for (const r of rows) console.log(`| ${columns.map((c) => cell(r[c])).join(' | ')} |`);
}

/** 12,345 / 12.3 / 0.123: thousands separated, about three significant figures below 100. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
