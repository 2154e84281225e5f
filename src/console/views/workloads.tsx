/**
 * Jobs or Deployments: one table over every namespace the user may see, filtered by namespace,
 * label selector and phase. Only the rows in view are in the page (virtualized), so 10,000 jobs
 * scroll and update as smoothly as ten.
 */
import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SkyClient } from '../../client/connection.js';
import { JOB_PHASES, type JobPhase, type Workload } from '../../domain/types.js';
import { ErrorNote, Phase, Section, age } from '../components/bits.js';
import { useLiveList } from '../hooks.js';
import { filterWorkloads, headline, NO_FILTER, replicaSummary, selectorOf, type WorkloadFilter } from '../model/workload-rows.js';
import { hrefOf } from '../route.js';

const ROW_HEIGHT = 34;

function Row({ workload, kind, top }: { workload: Workload; kind: 'Job' | 'Deployment'; top: number }) {
  const { name, namespace } = workload.metadata;
  const why = headline(workload);
  return (
    <div role="row" className="vrow" style={{ transform: `translateY(${top}px)` }} data-workload={`${namespace}/${name}`} data-phase={workload.status.phase}>
      <span role="cell">{namespace}</span>
      <span role="cell">
        <a href={hrefOf({ view: 'workload', kind, namespace: namespace!, name })}>{name}</a>
      </span>
      <span role="cell">
        <Phase phase={workload.status.phase} />
      </span>
      <span role="cell" className="num">
        {workload.spec.replicas}
      </span>
      <span role="cell" className="replicas" data-field="replicas">
        {replicaSummary(workload)}
      </span>
      <span role="cell" className="reason" title={why}>
        {why}
      </span>
      <span role="cell" title={workload.metadata.creationTimestamp}>
        {age(workload.metadata.creationTimestamp)}
      </span>
    </div>
  );
}

export function WorkloadsView({ client, kind }: { client: SkyClient; kind: 'Job' | 'Deployment' }) {
  const live = useLiveList(client, kind);
  const [filter, setFilter] = useState<WorkloadFilter>(NO_FILTER);
  const items = live.items as readonly Workload[];
  const namespaces = useMemo(() => [...new Set(items.map((w) => w.metadata.namespace!))].sort(), [items]);
  const shown = useMemo(() => filterWorkloads(items, filter), [items, filter]);
  const selectorError = selectorOf(filter.labelSelector).error;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const title = kind === 'Job' ? 'Jobs' : 'Deployments';

  return (
    <Section title={title}>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Namespace
          <select value={filter.namespace} onChange={(e) => setFilter({ ...filter, namespace: e.target.value })} name="namespace">
            <option value="">all</option>
            {namespaces.map((ns) => (
              <option key={ns}>{ns}</option>
            ))}
          </select>
        </label>
        <label>
          Labels
          <input
            name="labelSelector"
            placeholder="app=web,tier!=db"
            value={filter.labelSelector}
            onChange={(e) => setFilter({ ...filter, labelSelector: e.target.value })}
            aria-invalid={selectorError ? true : undefined}
          />
        </label>
        <label>
          Phase
          <select value={filter.phase} onChange={(e) => setFilter({ ...filter, phase: e.target.value as JobPhase | '' })} name="phase">
            <option value="">all</option>
            {JOB_PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <span className="count" data-field="count">
          {shown.length.toLocaleString('en-US')} of {items.length.toLocaleString('en-US')}
        </span>
      </form>
      <ErrorNote error={selectorError} />
      <ErrorNote error={live.error} />
      {!live.synced ? <p className="muted">Loading…</p> : null}
      <div role="table" aria-label={title} className="vtable">
        <div role="row" className="vrow vhead">
          {['Namespace', 'Name', 'Phase', 'Replicas', 'Where', 'Why', 'Age'].map((h) => (
            <span role="columnheader" key={h}>
              {h}
            </span>
          ))}
        </div>
        <div ref={scroller} className="vbody" data-rows={shown.length}>
          <div style={{ height: virtualizer.getTotalSize() }} className="vspace">
            {virtualizer.getVirtualItems().map((v) => {
              const workload = shown[v.index];
              return <Row key={`${workload.metadata.namespace}/${workload.metadata.name}`} workload={workload} kind={kind} top={v.start} />;
            })}
          </div>
        </div>
      </div>
    </Section>
  );
}
