/** Where a workload's replicas are: one box per cluster, one square per replica, coloured by state. */
import type { Workload } from '../../domain/types.js';
import { replicasByCluster } from '../model/workload-rows.js';

const STATES = ['running', 'pending', 'succeeded', 'failed'] as const;

export function ReplicaMap({ workload }: { workload: Workload }) {
  const clusters = replicasByCluster(workload);
  if (clusters.length === 0) return <p className="muted">Not placed on any cluster yet.</p>;
  return (
    <div className="replica-map">
      {clusters.map((c) => {
        const reported = STATES.reduce((n, s) => n + c[s], 0);
        const squares = [...STATES.flatMap((s) => Array.from({ length: c[s] }, () => s)), ...Array.from({ length: Math.max(0, c.placed - reported) }, () => 'placed')];
        return (
          <figure key={c.cluster} className="cluster-box" data-cluster={c.cluster}>
            <figcaption>
              <strong>{c.cluster}</strong> <span className="muted">{c.placed} placed</span>
            </figcaption>
            <div className="squares">
              {squares.slice(0, 400).map((state, i) => (
                <span key={i} className={`square ${state}`} title={state} />
              ))}
              {squares.length > 400 ? <span className="muted">+{squares.length - 400}</span> : null}
            </div>
            <p className="counts" data-field="counts">
              {STATES.filter((s) => c[s] > 0)
                .map((s) => `${c[s]} ${s}`)
                .join(', ') || 'no report yet'}
            </p>
            {c.message ? <p className="reason">{c.message}</p> : null}
          </figure>
        );
      })}
    </div>
  );
}
