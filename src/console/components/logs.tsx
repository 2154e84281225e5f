/**
 * Live logs of every replica on every cluster (followJobLogs / followDeploymentLogs): the last
 * lines so far, then each line as it is written. Clusters whose logs cannot be read are named.
 */
import { useEffect, useRef, useState } from 'react';
import { WorkloadAPI } from '../../client/api.js';
import type { SkyClient } from '../../client/connection.js';
import type { LogLine } from '../../domain/types.js';

const KEEP = 5_000;
const TAIL = 500;

export function Logs({ client, kind, namespace, name }: { client: SkyClient; kind: 'Job' | 'Deployment'; namespace: string; name: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [state, setState] = useState<'following' | 'ended' | 'failed'>('following');
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const pane = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const stop = new AbortController();
    const api = new WorkloadAPI(kind, { client, namespace });
    let buffer: LogLine[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      const taken = buffer;
      buffer = [];
      setLines((old) => [...old, ...taken].slice(-KEEP));
    };
    setLines([]);
    setWarnings([]);
    setState('following');
    setError(undefined);
    (async () => {
      try {
        for await (const line of api.followLogs(name, {
          tail: TAIL,
          signal: stop.signal,
          onWarning: (w) => setWarnings((old) => [...new Set([...old, w.cluster ? `cluster "${w.cluster}": ${w.message}` : w.message])]),
        })) {
          buffer.push(line);
          if (!scheduled) {
            scheduled = true;
            requestAnimationFrame(flush);
          }
        }
        if (!stop.signal.aborted) setState('ended');
      } catch (e) {
        if (stop.signal.aborted) return;
        setState('failed');
        setError((e as Error).message);
      }
    })();
    return () => stop.abort();
  }, [client, kind, namespace, name, attempt]);

  useEffect(() => {
    const el = pane.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <div className="logs">
      <p className="muted" data-field="log-state">
        {state === 'following' ? 'Following…' : state === 'ended' ? 'Every replica has finished.' : `Stopped: ${error}`}{' '}
        {state !== 'following' ? (
          <button className="link" onClick={() => setAttempt(attempt + 1)}>
            Follow again
          </button>
        ) : null}
      </p>
      {warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      <pre ref={pane} className="log-lines" aria-label="Log lines">
        {lines.map((l, i) => (
          <div key={i} className="log-line">
            <span className="log-source">
              {l.cluster}/{l.replica}
            </span>{' '}
            {l.line}
          </div>
        ))}
      </pre>
    </div>
  );
}
