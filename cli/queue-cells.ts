/**
 * The cells of `skym get queues` and the Queue section of `skym describe job`: quota figures in
 * a compact form (`cpu 3/8, mem 2Gi/16Gi, gpu 0/2`), ordinals (`3rd`), and preemptions in words.
 */
import type { Preemption, Queue, QuotaUsage, ResourceQuota } from '../src/domain/types.js';
import { formatQuantity } from './resource-cells.js';

/** MiB as Kubernetes writes quantities: `512Mi`, `16Gi`, `1.5Ti`; 0 is `0`. */
export function shortMemory(mib: number): string {
  if (mib === 0) return '0';
  for (const [unit, size] of [['Ti', 1024 * 1024], ['Gi', 1024], ['Mi', 1]] as const) {
    const figure = mib / size;
    if (figure >= 1 && Math.round(figure * 100) / 100 === figure) return `${formatQuantity(figure)}${unit}`;
  }
  return `${formatQuantity(mib)}Mi`;
}

interface Figure {
  label: string;
  used: string;
  limit?: string;
}

const usedOf = (usage: QuotaUsage, name: string) => usage.accelerators.find((a) => a.name === name)?.gpu ?? 0;

/** Each figure the quota limits as used/limit, and each it leaves unlimited only when used. */
function figures(usage: QuotaUsage, quota: ResourceQuota | undefined): Figure[] {
  const limit = <T>(value: T | undefined, show: (v: T) => string) => (value === undefined ? undefined : show(value));
  const all: Figure[] = [
    { label: 'cpu', used: formatQuantity(usage.cpu), limit: limit(quota?.cpu, formatQuantity) },
    { label: 'mem', used: shortMemory(usage.memory), limit: limit(quota?.memory, shortMemory) },
    { label: 'gpu', used: String(usage.gpu), limit: limit(quota?.gpu, String) },
  ];
  const models = [...new Set([...(quota?.accelerators ?? []).map((a) => a.name), ...usage.accelerators.map((a) => a.name)])];
  for (const model of models) {
    const quotaOf = quota?.accelerators.find((a) => a.name === model);
    all.push({ label: `gpu.${model}`, used: String(usedOf(usage, model)), limit: quotaOf ? String(quotaOf.gpu) : undefined });
  }
  return all.filter((f) => f.limit !== undefined || (f.used !== '0' && f.used !== ''));
}

/** `cpu 3/8, mem 2Gi/16Gi, gpu 0/2, gpu.A100 0/1`; `-` when the queue limits nothing and uses nothing. */
export function usedOverQuota(queue: Queue): string {
  const shown = figures(queue.status.usage, queue.spec.quota).map((f) => `${f.label} ${f.used}${f.limit === undefined ? '' : `/${f.limit}`}`);
  return shown.length === 0 ? '-' : shown.join(', ');
}

/** What it borrows from its cohort: `cpu 2, mem 1Gi`; `-` when nothing. */
export function borrowed(queue: Queue): string {
  const shown = figures(queue.status.borrowed, undefined).map((f) => `${f.label} ${f.used}`);
  return shown.length === 0 ? '-' : shown.join(', ');
}

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** `3rd of 12 in queue team-a`; without the count when the queue could not be read. */
export function positionPhrase(position: number, queueName: string, pending: number | undefined): string {
  return `${ordinal(position)}${pending === undefined ? '' : ` of ${Math.max(pending, position)}`} in queue ${queueName}`;
}

/** `Job/default/urgent` → `default/urgent`; a Deployment keeps its kind in front (`deployment default/web`). */
function preemptorName(by: string): string {
  const [kind, ...rest] = by.split('/');
  return kind === 'Job' ? rest.join('/') : `${kind.toLowerCase()} ${rest.join('/')}`;
}

/** `Preempted to admit default/urgent-job (priority 1000) at 2026-12-02T17:00:00Z`. */
export function preemptionLine(p: Preemption): string {
  return `Preempted to admit ${preemptorName(p.by)} (priority ${p.priority}) at ${p.at}`;
}
