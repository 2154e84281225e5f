/**
 * `skym describe` output for any kind, as kubectl lays it out: metadata as aligned `Key: value`
 * lines, spec and status as indented YAML, then the kind's tables (conditions — where the
 * scheduler says why a job is pending — and, for workloads, replicas per cluster).
 */
import type { SkyObject } from '../src/domain/types.js';
import { renderTable, toYamlDocument } from './format.js';
import { formatAge, formatMap, viewOf } from './kinds.js';

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : by + line))
    .join('\n');

/** `Key:   value` lines, values in one column; a multi-line value continues in that column. */
function fieldLines(fields: [string, string][]): string {
  const width = Math.max(...fields.map(([key]) => key.length)) + 2;
  return fields.map(([key, value]) => `${`${key}:`.padEnd(width)}${value.split('\n').join(`\n${' '.repeat(width)}`)}`).join('\n');
}

function yamlSection(title: string, value: Record<string, unknown>): string {
  return Object.keys(value).length === 0 ? `${title}: <none>` : `${title}:\n${indent(toYamlDocument(value), '  ')}`;
}

export function renderDescription(object: SkyObject, now: Date = new Date()): string {
  const view = viewOf(object.kind);
  const meta = object.metadata;
  const fields: [string, string][] = [['Name', meta.name]];
  if (view.namespaced) fields.push(['Namespace', meta.namespace ?? '']);
  fields.push(
    ['Kind', object.kind],
    ['Labels', formatMap(meta.labels, '\n') || '<none>'],
    ['Annotations', formatMap(meta.annotations, '\n') || '<none>'],
    ['Created', `${meta.creationTimestamp} (${formatAge(meta.creationTimestamp, now)} ago)`],
    ['UID', meta.uid],
    ['Resource Version', meta.resourceVersion],
    ['Generation', String(meta.generation)],
  );
  const status = Object.fromEntries(Object.entries(object.status).filter(([key]) => !view.describeOmits.includes(key)));
  const sections = [fieldLines(fields), yamlSection('Spec', object.spec as Record<string, unknown>), yamlSection('Status', status)];
  for (const table of view.describeTables(object as never)) {
    sections.push(table.rows.length === 0 ? `${table.title}: <none>` : `${table.title}:\n${indent(renderTable(table.columns, table.rows).text, '  ')}`);
  }
  return sections.join('\n');
}
