/**
 * Output for commands, JSON-aware the way sf-plugins-core's Ux is: every method is a no-op under
 * `--json`, where oclif prints the value `run()` returns instead. Commands therefore never branch on
 * `--json`; they print for people through `Output` and return the same data typed.
 *
 * The renderers (tables, JSON, YAML) are plain functions so tests can check them without a process.
 */
import { ux } from '@oclif/core';
import Table from 'cli-table3';
import { stringify as toYamlText } from 'yaml';

export interface Column<R> {
  header: string;
  value: (row: R) => string;
  /** Numbers read better right-aligned, as the demo's Replicas column. */
  align?: 'left' | 'right';
  /** Room for values yet to come (a watch's MODIFIED after its first ADDED rows). */
  minWidth?: number;
  /**
   * The widest this row's cell may become as its object changes (a phase, a cluster it is placed
   * on, free figures), for a watch to leave room for up front so later rows line up.
   */
  reserve?: (row: R, hints: WidthHints) => number;
}

/** What a watch knows of values to come, for columns to reserve room by. */
export interface WidthHints {
  /** The clusters there are: workloads' rows may name any of them later. */
  clusterNames: readonly string[];
}

export interface TableOptions {
  /** Print the header row (a watch prints it once, then rows as events come). */
  header?: boolean;
  /**
   * Minimum column widths; a watch passes the widths of what it printed before so later rows line
   * up with earlier ones. Columns still grow to fit their content.
   */
  minWidths?: readonly number[];
  /** Make each column as wide as its `reserve` says its rows may become (a watch). */
  reserve?: WidthHints;
}

export interface RenderedTable {
  text: string;
  /** The width each column got, to pass as `minWidths` next time. */
  widths: number[];
}

// kubectl's look, as in the original demo: no borders, columns apart by two spaces.
const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

const widthOf = (cell: string) => Math.max(0, ...cell.split('\n').map((line) => line.length));

export function renderTable<R>(columns: readonly Column<R>[], rows: readonly R[], options: TableOptions = {}): RenderedTable {
  const header = options.header ?? true;
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const { reserve } = options;
  const reserved = columns.map((column) => (reserve && column.reserve ? Math.max(0, ...rows.map((row) => column.reserve!(row, reserve))) : 0));
  const widths = columns.map((column, i) =>
    Math.max(column.minWidth ?? 0, options.minWidths?.[i] ?? 0, reserved[i], header ? column.header.length : 0, ...cells.map((row) => widthOf(row[i]))),
  );
  const table = new Table({
    head: header ? columns.map((column) => column.header) : [],
    chars: BORDERLESS,
    // Widths are computed above (never narrower than the content), so cli-table3 never truncates.
    colWidths: widths,
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...cells);
  // cli-table3 pads the last column too; trailing blanks only get in the way of grep and diff.
  const text = table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
  return { text, widths };
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function toYamlDocument(value: unknown): string {
  return toYamlText(value, { lineWidth: 0 }).trimEnd();
}

export interface OutputTarget {
  /** True under `--json`: everything below stays quiet. */
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colours only on a terminal; pipes and files get plain text. */
  color?: boolean;
}

export class Output {
  constructor(private readonly target: OutputTarget) {}

  /** A line for people on stdout. */
  log(text = ''): void {
    if (!this.target.json) this.target.stdout(text);
  }

  /** Notes that are not the command's result ("No jobs found."), on stderr. */
  info(text: string): void {
    if (!this.target.json) this.target.stderr(text);
  }

  table<R>(columns: readonly Column<R>[], rows: readonly R[], options?: TableOptions): RenderedTable | undefined {
    if (this.target.json) return undefined;
    const rendered = renderTable(columns, rows, options);
    if (rendered.text !== '') this.target.stdout(rendered.text);
    return rendered;
  }

  styledJSON(value: unknown): void {
    if (this.target.json) return;
    this.target.stdout(this.target.color ? ux.colorizeJson(value, { pretty: true }) : toJsonText(value));
  }

  /** One JSON document per line (a watch's stream of events). */
  jsonLine(value: unknown): void {
    if (!this.target.json) this.target.stdout(JSON.stringify(value));
  }

  /** A YAML document; `separate` puts `---` before it (the second and later documents of a stream). */
  styledYAML(value: unknown, separate = false): void {
    if (!this.target.json) this.target.stdout(`${separate ? '---\n' : ''}${toYamlDocument(value)}`);
  }
}
