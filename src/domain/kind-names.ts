/**
 * The names users type for each kind, as kubectl accepts them, and reading one back to its kind.
 * The CLI's kind table (cli/kinds.ts) and manifest reading (src/client/manifests.ts, which a
 * browser runs too) share them, so `skym get fp` and `kind: fp` in a file mean the same.
 */
import { closest } from './closest-word.js';
import { KINDS, type Kind } from './kinds.js';

/** Singular first (the noun of messages: `job "x" not found`), plural second, then short names. */
export type KindWords = readonly [string, string, ...string[]];

export const KIND_WORDS: Record<Kind, KindWords> = {
  Cluster: ['cluster', 'clusters'],
  Namespace: ['namespace', 'namespaces', 'ns'],
  Job: ['job', 'jobs'],
  Deployment: ['deployment', 'deployments', 'deploy'],
  FilterPolicy: ['filterpolicy', 'filterpolicies', 'fp'],
  Queue: ['queue', 'queues', 'q'],
  PriorityClass: ['priorityclass', 'priorityclasses', 'pc'],
  Lease: ['lease', 'leases'],
  Role: ['role', 'roles'],
  ClusterRole: ['clusterrole', 'clusterroles'],
  RoleBinding: ['rolebinding', 'rolebindings'],
  ClusterRoleBinding: ['clusterrolebinding', 'clusterrolebindings'],
};

/** Every name a user may type for a kind, lower-case, to the kind. */
const BY_NAME = new Map<string, Kind>(KINDS.flatMap((kind) => [kind.toLowerCase(), ...KIND_WORDS[kind]].map((n) => [n, kind] as const)));

/** The kinds by plural, for help text and error messages. */
export const KIND_NAMES = KINDS.map((kind) => KIND_WORDS[kind][1]);

export class UnknownKindError extends Error {
  constructor(readonly text: string) {
    const near = closest(text.trim(), [...BY_NAME.keys()]);
    super(`unknown kind "${text}"; use one of ${KIND_NAMES.join(', ')} (or their singular or short names)${near ? `. Did you mean ${near}?` : ''}`);
    this.name = 'UnknownKindError';
  }
}

/** `jobs`, `job`, `Job`, `deploy`, `fp` → the kind; anything else throws UnknownKindError. */
export function resolveKind(text: string): Kind {
  const kind = BY_NAME.get(text.trim().toLowerCase());
  if (!kind) throw new UnknownKindError(text);
  return kind;
}
