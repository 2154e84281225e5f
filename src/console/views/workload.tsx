/**
 * One job or deployment: what it asked for, its conditions with their reasons (why it waits,
 * who preempted it), where its replicas run across clusters, its live logs, and its YAML.
 */
import { useState } from 'react';
import { stringify } from 'yaml';
import { ResourceAPI } from '../../client/api.js';
import type { SkyClient } from '../../client/connection.js';
import { KIND_INFO } from '../../domain/kinds.js';
import type { Workload } from '../../domain/types.js';
import { Conditions, ErrorNote, Phase, Section, age } from '../components/bits.js';
import { Logs } from '../components/logs.js';
import { ReplicaMap } from '../components/replica-map.js';
import { useAccess, useLiveObject } from '../hooks.js';
import { hrefOf } from '../route.js';
import { saveDraft } from './apply.js';

function resourcesText(w: Workload): string {
  const r = w.spec.resources;
  return [`${r.cpu} cpu`, `${r.memory} MiB`, r.gpu ? `${r.gpu} gpu${r.accelerator ? ` (${r.accelerator})` : ''}` : ''].filter(Boolean).join(', ');
}

function Facts({ workload }: { workload: Workload }) {
  const { spec, status } = workload;
  const rows: [string, string | undefined | null][] = [
    ['Image', spec.image],
    ['Run', spec.run],
    ['Replicas', String(spec.replicas)],
    ['Per replica', resourcesText(workload)],
    ['Queue', status.queue ? `${status.queue.name}: ${status.queue.message}${status.queue.position ? ` (position ${status.queue.position})` : ''}` : (spec.queue ?? undefined)],
    ['Admitted', status.admission ? `by ${status.admission.queue} ${age(status.admission.admittedAt)} ago, priority ${status.admission.priority}` : undefined],
    ['Started', status.startTime ? `${age(status.startTime)} ago` : undefined],
    ['Finished', status.completionTime ? `${age(status.completionTime)} ago` : undefined],
  ];
  return (
    <dl className="facts">
      {rows
        .filter(([, v]) => v)
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

function History({ workload }: { workload: Workload }) {
  const { preemptions = [], evictions = [] } = workload.status;
  if (preemptions.length === 0 && evictions.length === 0) return null;
  return (
    <Section title="Preemptions and evictions">
      <ul className="history">
        {preemptions.map((p) => (
          <li key={`p-${p.at}`}>
            {age(p.at)} ago: preempted by {p.by} (queue {p.queue}, priority {p.priority})
          </li>
        ))}
        {evictions.map((e) => (
          <li key={`e-${e.cluster}-${e.at}`}>
            {age(e.at)} ago: {e.replicas} evicted from {e.cluster} ({e.reason}): {e.message}
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function WorkloadView({ client, kind, namespace, name }: { client: SkyClient; kind: 'Job' | 'Deployment'; namespace: string; name: string }) {
  const { object, deleted, error } = useLiveObject(client, kind, namespace, name);
  const mayDelete = useAccess(client, { verb: 'delete', resource: KIND_INFO[kind].plural, namespace, name });
  const [deleteError, setDeleteError] = useState<string>();
  const [tab, setTab] = useState<'logs' | 'yaml'>('logs');
  const workload = object as Workload | undefined;

  const remove = async () => {
    if (!confirm(`Delete ${kind.toLowerCase()} ${namespace}/${name}?`)) return;
    setDeleteError(undefined);
    try {
      await new ResourceAPI(kind, { client, namespace }).delete(name);
    } catch (e) {
      setDeleteError((e as Error).message);
    }
  };

  const header = (
    <div className="actions">
      <button
        className="danger"
        onClick={remove}
        disabled={deleted || !mayDelete?.allowed}
        title={mayDelete && !mayDelete.allowed ? mayDelete.reason : undefined}
        data-action="delete"
      >
        Delete
      </button>
    </div>
  );

  return (
    <>
      <nav className="crumbs">
        <a href={hrefOf({ view: 'workloads', kind })}>{kind === 'Job' ? 'Jobs' : 'Deployments'}</a> / {namespace} / <strong>{name}</strong>
      </nav>
      <Section title={`${kind} ${name}`} actions={header}>
        <ErrorNote error={error} />
        <ErrorNote error={deleteError} />
        {mayDelete && !mayDelete.allowed ? (
          <p className="muted" data-field="delete-denied">
            You may not delete this {kind.toLowerCase()}: {mayDelete.reason}.
          </p>
        ) : null}
        {deleted ? <p className="warning">This {kind.toLowerCase()} has been deleted.</p> : null}
        {!workload ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            <p>
              <Phase phase={workload.status.phase} /> <span className="muted">in namespace {namespace}, created {age(workload.metadata.creationTimestamp)} ago</span>
            </p>
            <Facts workload={workload} />
          </>
        )}
      </Section>
      {workload ? (
        <>
          <Section title="Where its replicas run">
            <ReplicaMap workload={workload} />
          </Section>
          <Section title="Conditions">
            <Conditions conditions={workload.status.conditions} />
          </Section>
          <History workload={workload} />
          <Section
            title={tab === 'logs' ? 'Logs' : 'YAML'}
            actions={
              <div className="tabs" role="tablist">
                <button role="tab" aria-selected={tab === 'logs'} onClick={() => setTab('logs')}>
                  Logs
                </button>
                <button role="tab" aria-selected={tab === 'yaml'} onClick={() => setTab('yaml')}>
                  YAML
                </button>
              </div>
            }
          >
            {tab === 'logs' ? (
              <Logs client={client} kind={kind} namespace={namespace} name={name} />
            ) : (
              <>
                <pre className="yaml" aria-label="YAML">
                  {stringify(workload)}
                </pre>
                <button
                  onClick={() => {
                    saveDraft(stringify({ kind: workload.kind, metadata: workload.metadata, spec: workload.spec }));
                    location.hash = hrefOf({ view: 'apply' });
                  }}
                >
                  Edit and apply
                </button>
              </>
            )}
          </Section>
        </>
      ) : null}
    </>
  );
}
