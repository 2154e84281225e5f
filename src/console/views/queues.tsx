/** Queues: quota and usage per resource, what is borrowed from the cohort, pending and admitted work, fair share. */
import type { SkyClient } from '../../client/connection.js';
import { Bar, ErrorNote, Phase, Section } from '../components/bits.js';
import { useLiveList } from '../hooks.js';
import { quotaUsage } from '../model/capacity.js';

const mib = (value: number) => (value >= 1024 ? `${Math.round((value / 1024) * 100) / 100} GiB` : `${Math.round(value)} MiB`);

export function QueuesView({ client }: { client: SkyClient }) {
  const queues = useLiveList(client, 'Queue');
  return (
    <Section title="Queues">
      <ErrorNote error={queues.error} />
      {!queues.synced ? <p className="muted">Loading…</p> : queues.items.length === 0 ? <p className="muted">No queues: work runs as it comes (`skym create queue`).</p> : null}
      <table className="grid queues">
        <thead>
          <tr>
            <th>Name</th>
            <th>Cohort</th>
            <th>Phase</th>
            <th>Usage (used / quota)</th>
            <th>Borrowed</th>
            <th>Pending</th>
            <th>Admitted</th>
            <th>Share</th>
          </tr>
        </thead>
        <tbody>
          {queues.items.map((queue) => {
            const { quota } = queue.spec;
            const { usage, borrowed } = queue.status;
            const lent = [borrowed.cpu > 0 && `${borrowed.cpu} cpu`, borrowed.memory > 0 && mib(borrowed.memory), borrowed.gpu > 0 && `${borrowed.gpu} gpu`].filter(Boolean);
            return (
              <tr key={queue.metadata.name} data-queue={queue.metadata.name}>
                <td>{queue.metadata.name}</td>
                <td>{queue.spec.cohort ?? '—'}</td>
                <td>
                  <Phase phase={queue.status.phase} />
                </td>
                <td className="bars">
                  <Bar usage={quotaUsage('cpu', usage.cpu, quota.cpu)} />
                  <Bar usage={quotaUsage('memory', usage.memory, quota.memory)} />
                  <Bar usage={quotaUsage('gpu', usage.gpu, quota.gpu)} />
                </td>
                <td>{lent.length > 0 ? lent.join(', ') : '—'}</td>
                <td data-field="pending">{queue.status.pending}</td>
                <td data-field="admitted">{queue.status.admitted}</td>
                <td>{queue.status.share.toFixed(2)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Section>
  );
}
