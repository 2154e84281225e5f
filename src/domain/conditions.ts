/**
 * Kubernetes-style conditions: one entry per type, whose lastTransitionTime moves only when its
 * status flips, so "since when has this been false" stays true across repeated reconciles.
 */
import type { Condition } from '../domain/types.js';

export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** The conditions with `update` set; the same array when nothing changed (callers skip the write). */
export function setCondition(conditions: readonly Condition[], update: ConditionUpdate, now = new Date()): Condition[] {
  const current = conditions.find((c) => c.type === update.type);
  if (current && current.status === update.status && current.reason === update.reason && current.message === update.message) {
    return conditions as Condition[];
  }
  const lastTransitionTime =
    current && current.status === update.status ? current.lastTransitionTime : now.toISOString();
  const next: Condition = { ...update, lastTransitionTime };
  return current ? conditions.map((c) => (c === current ? next : c)) : [...conditions, next];
}

export function findCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}
