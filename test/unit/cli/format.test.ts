import { describe, expect, it } from 'vitest';
import { Output, renderTable, type Column } from '../../../cli/format.js';

interface Job {
  name: string;
  replicas: number;
  resources: string;
}

const columns: Column<Job>[] = [
  { header: 'Name', value: (j) => j.name },
  { header: 'Replicas', value: (j) => String(j.replicas), align: 'right' },
  { header: 'Resources', value: (j) => j.resources },
];

describe('renderTable', () => {
  it('prints borderless columns two spaces apart, numbers right-aligned, no trailing blanks', () => {
    const { text } = renderTable(columns, [
      { name: 'hello', replicas: 0, resources: 'cpu: 1' },
      { name: 'sky-165c0f23', replicas: 12, resources: 'cpu: 1' },
    ]);
    expect(text).toBe(['Name          Replicas  Resources', 'hello                0  cpu: 1', 'sky-165c0f23        12  cpu: 1'].join('\n'));
  });

  it('continues a multi-line cell on the next lines, in its column', () => {
    const { text } = renderTable(columns, [
      { name: 'job-1', replicas: 0, resources: 'cpu: 1\ngpu: 1' },
      { name: 'job-2', replicas: 1, resources: 'cpu: 2' },
    ]);
    expect(text).toBe(['Name   Replicas  Resources', 'job-1         0  cpu: 1', '                 gpu: 1', 'job-2         1  cpu: 2'].join('\n'));
  });

  it('keeps later rows in the columns of earlier ones (watch), growing without truncating', () => {
    const first = renderTable(columns, [{ name: 'a', replicas: 1, resources: 'cpu: 1' }]);
    const next = renderTable(columns, [{ name: 'bb', replicas: 2, resources: 'cpu: 100' }], { header: false, minWidths: first.widths });
    expect(first.text.split('\n')[1]).toBe('a            1  cpu: 1');
    expect(next.text).toBe('bb           2  cpu: 100');
    const wider = renderTable(columns, [{ name: 'a-much-longer-name', replicas: 3, resources: 'x' }], { header: false, minWidths: first.widths });
    expect(wider.text).toBe('a-much-longer-name         3  x');
  });

  it('under `reserve`, makes a column as wide as its rows may become (a watch), and only then', () => {
    const reserving: Column<Job>[] = [{ ...columns[0], reserve: (j, hints) => Math.max(j.name.length + 4, ...hints.clusterNames.map((c) => c.length)) }, columns[1]];
    const row = { name: 'a', replicas: 1, resources: '' };
    expect(renderTable(reserving, [row]).widths).toEqual([4, 8]);
    expect(renderTable(reserving, [row], { reserve: { clusterNames: [] } }).widths).toEqual([5, 8]);
    expect(renderTable(reserving, [row], { reserve: { clusterNames: ['a-long-cluster'] } }).widths).toEqual([14, 8]);
  });

  it('honours a column\'s minimum width', () => {
    const { text } = renderTable([{ header: 'Event', value: (e: string) => e, minWidth: 8 }, { header: 'X', value: () => 'x' }], ['ADDED']);
    expect(text).toBe('Event     X\nADDED     x');
  });
});

describe('Output', () => {
  const capture = (json: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, output: new Output({ json, stdout: (t) => out.push(t), stderr: (t) => err.push(t) }) };
  };

  it('prints tables, JSON, YAML and notes for people', () => {
    const { out, err, output } = capture(false);
    output.table(columns, [{ name: 'a', replicas: 1, resources: 'cpu: 1' }]);
    output.styledJSON({ kind: 'Job' });
    output.styledYAML({ kind: 'Job' });
    output.styledYAML({ kind: 'Job' }, true);
    output.jsonLine({ type: 'ADDED' });
    output.info('No jobs found.');
    expect(out).toEqual(['Name  Replicas  Resources\na            1  cpu: 1', '{\n  "kind": "Job"\n}', 'kind: Job', '---\nkind: Job', '{"type":"ADDED"}']);
    expect(err).toEqual(['No jobs found.']);
  });

  it('is quiet under --json, where oclif prints the returned result instead', () => {
    const { out, err, output } = capture(true);
    expect(output.table(columns, [{ name: 'a', replicas: 1, resources: '' }])).toBeUndefined();
    output.log('Created job a.');
    output.styledJSON({});
    output.styledYAML({});
    output.jsonLine({});
    output.info('note');
    expect(out).toEqual([]);
    expect(err).toEqual([]);
  });
});
