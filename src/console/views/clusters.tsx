/**
 * Clusters: every cluster of the federation at once, whatever manages it: phase and why, how full
 * it is, its nodes on demand, and whether its Skylet is alive (its lease, when the user may read
 * leases).
 */
import { Fragment, useState } from 'react';
import type { SkyClient } from '../../client/connection.js';
import type { Cluster, Lease } from '../../domain/types.js';
import { Bar, ErrorNote, Phase, Section, age } from '../components/bits.js';
import { useLiveList } from '../hooks.js';
import { usageOf } from '../model/capacity.js';

/** The Skylet of cluster C holds lease skylet-C while it runs (src/controllers/skylet-shards.ts). */
function skyletHealth(cluster: Cluster, leases: readonly Lease[], now: number): { text: string; tone: 'good' | 'bad' | 'wait' } {
  const lease = leases.find((l) => l.metadata.name === `skylet-${cluster.metadata.name}`);
  const ready = cluster.status.conditions.find((c) => c.type === 'Ready');
  if (lease?.spec.renewTime && lease.spec.holderIdentity) {
    const ageMs = now - Date.parse(lease.spec.renewTime);
    const fresh = ageMs <= (lease.spec.leaseDurationSeconds ?? 15) * 1000;
    return { text: `${lease.spec.holderIdentity}, renewed ${age(lease.spec.renewTime, now)} ago`, tone: fresh ? 'good' : 'bad' };
  }
  if (ready) return { text: `${ready.reason ?? ready.status} ${age(ready.lastTransitionTime, now)} ago`, tone: ready.status === 'True' ? 'good' : 'bad' };
  return { text: 'no report yet', tone: 'wait' };
}

function NodeRows({ cluster }: { cluster: Cluster }) {
  if (cluster.status.nodes.length === 0) return <p className="muted">This cluster reports no nodes.</p>;
  return (
    <table className="grid nodes">
      <thead>
        <tr>
          <th>Node</th>
          <th>Ready</th>
          <th>Resources (used / total)</th>
        </tr>
      </thead>
      <tbody>
        {cluster.status.nodes.map((node) => (
          <tr key={node.name} data-node={node.name}>
            <td>{node.name}</td>
            <td>{node.ready ? 'yes' : 'no'}</td>
            <td className="bars">
              {usageOf(node.capacity, node.allocatable).map((u) => (
                <Bar key={u.resource} usage={u} />
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ClustersView({ client }: { client: SkyClient }) {
  const clusters = useLiveList(client, 'Cluster');
  const leases = useLiveList(client, 'Lease');
  const [open, setOpen] = useState<string>();
  const now = Date.now();
  return (
    <Section title="Clusters">
      <ErrorNote error={clusters.error} />
      {!clusters.synced ? <p className="muted">Loading…</p> : clusters.items.length === 0 ? <p className="muted">No clusters yet: `skym create cluster`.</p> : null}
      <table className="grid clusters">
        <thead>
          <tr>
            <th>Name</th>
            <th>Manager</th>
            <th>Phase</th>
            <th>Resources (used / total)</th>
            <th>Skylet</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {clusters.items.map((cluster) => {
            const { name } = cluster.metadata;
            const ready = cluster.status.conditions.find((c) => c.type === 'Ready');
            const why = cluster.status.message ?? (ready?.status !== 'True' ? ready?.message : undefined);
            const skylet = skyletHealth(cluster, leases.items, now);
            return (
              <Fragment key={name}>
                <tr data-cluster={name} data-phase={cluster.status.phase} className={cluster.status.phase === 'ERROR' ? 'row-bad' : undefined}>
                  <td>
                    <button className="link" aria-expanded={open === name} onClick={() => setOpen(open === name ? undefined : name)}>
                      {open === name ? '▾' : '▸'} {name}
                    </button>
                  </td>
                  <td>{cluster.spec.manager}</td>
                  <td>
                    <Phase phase={cluster.status.phase} />
                    {why ? <div className="reason">{why}</div> : null}
                  </td>
                  <td className="bars">
                    {usageOf(cluster.status.capacity, cluster.status.allocatable).map((u) => (
                      <Bar key={u.resource} usage={u} />
                    ))}
                  </td>
                  <td className={`skylet ${skylet.tone}`}>{skylet.text}</td>
                  <td title={cluster.metadata.creationTimestamp}>{age(cluster.metadata.creationTimestamp, now)}</td>
                </tr>
                {open === name ? (
                  <tr className="details">
                    <td colSpan={6}>
                      <NodeRows cluster={cluster} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}
