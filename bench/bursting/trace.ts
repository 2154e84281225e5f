/**
 * A job trace as CSV, one job a row after a header row:
 *
 *   arrival,replicas,cpu,memory,gpu,runtime
 *   0,1,8,65536,1,5400
 *
 * arrival and runtime in seconds (arrival since the trace's start), cpu in cores, memory in MiB
 * and gpu in GPUs per replica (the units of a Job's spec.resources). Parsed by csv-parse; a bad
 * row stops the parse with its line and column named.
 */
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { MAX_EXPECTED_RUNTIME_SECONDS } from '../../src/domain/limits.js';

export interface TraceJob {
  /** Seconds since the trace's start. */
  arrival: number;
  replicas: number;
  /** Per replica: cores, MiB, GPUs. */
  cpu: number;
  memory: number;
  gpu: number;
  /** Seconds its replicas run once started. */
  runtime: number;
}

export const TRACE_COLUMNS = ['arrival', 'replicas', 'cpu', 'memory', 'gpu', 'runtime'] as const;
type Column = (typeof TRACE_COLUMNS)[number];

export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

/** What each column takes: the check and the words for its limit. */
const RULES: Record<Column, { ok: (v: number) => boolean; limit: string }> = {
  arrival: { ok: (v) => v >= 0, limit: 'a number of seconds >= 0' },
  replicas: { ok: (v) => Number.isInteger(v) && v >= 1 && v <= 10_000, limit: 'a whole number from 1 to 10000' },
  cpu: { ok: (v) => v >= 0, limit: 'a number of cores >= 0' },
  memory: { ok: (v) => v >= 0, limit: 'a number of MiB >= 0' },
  gpu: { ok: (v) => Number.isInteger(v) && v >= 0, limit: 'a whole number of GPUs >= 0' },
  // spec.expectedRuntime's own limit, since the simulator hands the runtime on as one.
  runtime: { ok: (v) => v > 0 && v <= MAX_EXPECTED_RUNTIME_SECONDS, limit: `a number of seconds > 0 and <= ${MAX_EXPECTED_RUNTIME_SECONDS}` },
};

/** The trace's jobs, in arrival order (ties keep the file's order). `source` names the file in errors. */
export function parseTrace(text: string, source = 'trace'): TraceJob[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { trim: true, skip_empty_lines: true, info: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const column = typeof error.column === 'number' ? `, column ${error.column + 1}` : '';
    throw new TraceError(`${source}: line ${error.lines ?? '?'}${column}: not comma-separated values (${error.code})`);
  }
  if (rows.length === 0) throw new TraceError(`${source}: empty; the first line must be the header ${TRACE_COLUMNS.join(',')}`);
  const header = rows[0].record.map((h) => h.toLowerCase());
  const at = new Map<Column, number>();
  header.forEach((name, i) => {
    if (!(TRACE_COLUMNS as readonly string[]).includes(name)) throw new TraceError(`${source}: line ${rows[0].info.lines}, column ${i + 1}: unknown column ${JSON.stringify(name)} (the columns are ${TRACE_COLUMNS.join(',')})`);
    if (at.has(name as Column)) throw new TraceError(`${source}: line ${rows[0].info.lines}, column ${i + 1}: column ${name} appears twice`);
    at.set(name as Column, i);
  });
  const missing = TRACE_COLUMNS.filter((c) => !at.has(c));
  if (missing.length > 0) throw new TraceError(`${source}: line ${rows[0].info.lines}: the header lacks ${missing.join(', ')} (the columns are ${TRACE_COLUMNS.join(',')})`);

  const jobs: TraceJob[] = [];
  for (const { record, info } of rows.slice(1)) {
    if (record.length !== header.length) throw new TraceError(`${source}: line ${info.lines}: ${record.length} column(s), the header has ${header.length}`);
    const job = {} as TraceJob;
    for (const column of TRACE_COLUMNS) {
      const i = at.get(column)!;
      const text = record[i];
      const value = text === '' ? NaN : Number(text);
      if (!Number.isFinite(value) || !RULES[column].ok(value)) {
        throw new TraceError(`${source}: line ${info.lines}, column ${i + 1} (${column}): ${JSON.stringify(text)} is not ${RULES[column].limit}`);
      }
      job[column] = value;
    }
    jobs.push(job);
  }
  // A stable sort: equal arrivals keep the file's order.
  return jobs.map((job, i) => ({ job, i })).sort((a, b) => a.job.arrival - b.job.arrival || a.i - b.i).map(({ job }) => job);
}

/** The jobs as trace CSV (header first), figures rounded to what the columns need. */
export function formatTrace(jobs: readonly TraceJob[]): string {
  const lines = [TRACE_COLUMNS.join(',')];
  const round = (v: number, digits: number) => String(Number(v.toFixed(digits)));
  for (const j of jobs) lines.push([round(j.arrival, 3), j.replicas, round(j.cpu, 3), round(j.memory, 0), j.gpu, Math.max(1, Math.round(j.runtime))].join(','));
  return `${lines.join('\n')}\n`;
}
