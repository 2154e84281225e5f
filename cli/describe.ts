/**
 * `skym describe` output for any kind, as kubectl lays it out: metadata as aligned `Key: value`
 * lines, spec and status as indented YAML, then the kind's tables (conditions — where the
 * scheduler says why a job is pending — and, for workloads, replicas per cluster).
 */
import type { Queue, SkyObject, Workload } from '../src/domain/types.js';
import { renderTable, toYamlDocument } from './format.js';
import { formatAge, formatMap, viewOf } from './kinds.js';
import { positionPhrase, preemptionLine } from './queue-cells.js';
import { formatAmount, sumCostOf, workloadCostPhrase } from './cost-cells.js';

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

/**
 * A workload's place in its queue: which queue, its position (`3rd of 12 in queue team-a`, 12
 * being the queue's pending count when `queue` could be read), why it waits, its admission and
 * the preemptions it suffered.
 */
function queueSection(workload: Workload, queue: Queue | undefined): string {
  const { status, spec } = workload;
  const name = status.queue?.name ?? status.admission?.queue ?? spec.queue;
  if (name === undefined && !status.preemptions?.length) return 'Queue: <none>';
  const fields: [string, string][] = [['Name', name ?? '<none>']];
  if (spec.priorityClassName !== undefined) fields.push(['Priority Class', spec.priorityClassName]);
  if (status.queue?.position !== undefined) fields.push(['Position', positionPhrase(status.queue.position, status.queue.name, queue?.status.pending)]);
  if (status.queue) fields.push(['Reason', status.queue.reason], ['Message', status.queue.message || '<none>']);
  fields.push(['Admitted', status.admission ? `priority ${status.admission.priority} at ${status.admission.admittedAt}` : 'no']);
  const lines = [`Queue:\n${indent(fieldLines(fields), '  ')}`];
  if (status.preemptions?.length) lines.push(`Preemptions:\n${indent(status.preemptions.map(preemptionLine).join('\n'), '  ')}`);
  return lines.join('\n');
}

/**
 * Where its waiting policy stands while it waits for the cheapest clusters: the scheduler's word
 * (placement) or its queue's (admission), "waiting for on-prem until 14:05 UTC (COMPUTE, budget
 * 0.25), then it may burst to cloud at 2.40/h".
 */
function burstingLine(workload: Workload): string | undefined {
  const { status } = workload;
  if (status.queue?.reason === 'WaitingForCheaperClusters') return status.queue.message;
  const scheduled = status.conditions.find((c) => c.type === 'Scheduled');
  if (scheduled?.reason === 'WaitingForCheaperClusters') return scheduled.message;
  return undefined;
}

export interface DescribeContext {
  /** The queue of a workload that stands in one (for its pending count). */
  queue?: Queue;
}

export function renderDescription(object: SkyObject, now: Date = new Date(), context: DescribeContext = {}): string {
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
  if (object.kind === 'Job' || object.kind === 'Deployment') {
    sections.push(queueSection(object, context.queue));
    const bursting = burstingLine(object);
    if (bursting) sections.push(`Bursting: ${bursting}`);
    sections.push(`Cost: ${workloadCostPhrase(object, now)}`);
  }
  if (object.kind === 'Queue' || object.kind === 'Namespace') sections.push(`Cost: ${formatAmount(sumCostOf(object))}`);
  for (const table of view.describeTables(object as never)) {
    sections.push(table.rows.length === 0 ? `${table.title}: <none>` : `${table.title}:\n${indent(renderTable(table.columns, table.rows).text, '  ')}`);
  }
  return sections.join('\n');
}
