/** The scheduler's words for people: the PENDING reason and the original demo's log line. */
import type { ClusterPlacement, Workload } from '../domain/types.js';

/** "cloud: excluded by FilterPolicy remove-cloud; onprem: needs 4 cpu, 1.5 free", by cluster name. */
export function describeRejections(reasons: Record<string, string>): string {
  const names = Object.keys(reasons).sort();
  if (names.length === 0) return 'no clusters are registered';
  return names.map((name) => `${name}: ${reasons[name]}`).join('; ');
}

/** `Sending job X to clusters {'a': 3, 'b': 1}.` — the original demo's line, in Python dict syntax. */
export function sendingLogLine(workload: Workload, placements: readonly ClusterPlacement[]): string {
  const clusters = placements.map(({ cluster, replicas }) => `'${cluster}': ${replicas}`).join(', ');
  return `Sending ${workload.kind.toLowerCase()} ${workload.metadata.name} to clusters {${clusters}}.`;
}
