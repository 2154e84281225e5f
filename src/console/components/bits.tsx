/** Small pieces every view uses: capacity bars, phase badges, conditions, ages. */
import type { ReactNode } from 'react';
import type { Condition } from '../../domain/types.js';
import type { Usage } from '../model/capacity.js';

export function Bar({ usage }: { usage: Usage }) {
  const level = usage.fraction >= 0.9 ? 'full' : usage.fraction >= 0.7 ? 'high' : 'ok';
  return (
    <div className="bar" title={`${usage.resource}: ${usage.label}`} data-resource={usage.resource}>
      <span className="bar-name">{usage.resource}</span>
      <span className="bar-track">
        <span className={`bar-fill ${level}`} style={{ width: `${(usage.fraction * 100).toFixed(1)}%` }} />
      </span>
      <span className="bar-label">{usage.label}</span>
    </div>
  );
}

const PHASE_TONE: Record<string, string> = {
  READY: 'good',
  RUNNING: 'good',
  COMPLETED: 'done',
  SUCCEEDED: 'done',
  ADMITTED: 'good',
  ACTIVE: 'good',
  SCHEDULED: 'wait',
  PENDING: 'wait',
  INIT: 'wait',
  DELETING: 'wait',
  ERROR: 'bad',
  FAILED: 'bad',
};

export function Phase({ phase }: { phase: string }) {
  return (
    <span className={`phase ${PHASE_TONE[phase] ?? 'wait'}`} data-phase={phase}>
      {phase}
    </span>
  );
}

/** `3m`, `2h`, `5d`: how long ago, as kubectl prints ages. */
export function age(since: string | null | undefined, now = Date.now()): string {
  if (!since) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

export function Conditions({ conditions }: { conditions: readonly Condition[] }) {
  if (conditions.length === 0) return <p className="muted">No conditions yet.</p>;
  return (
    <table className="grid conditions">
      <thead>
        <tr>
          <th>Type</th>
          <th>Status</th>
          <th>Reason</th>
          <th>Message</th>
          <th>Since</th>
        </tr>
      </thead>
      <tbody>
        {conditions.map((c) => (
          <tr key={c.type} data-condition={c.type}>
            <td>{c.type}</td>
            <td>{c.status}</td>
            <td>{c.reason}</td>
            <td className="message">{c.message}</td>
            <td title={c.lastTransitionTime}>{age(c.lastTransitionTime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="section" aria-label={title}>
      <header>
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function ErrorNote({ error }: { error?: string }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
