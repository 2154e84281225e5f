/**
 * Apply: YAML or JSON of any objects, as `skym apply -f` takes it and with the same rules (the
 * typed client's applyManifests): every object is checked by the server first and nothing is
 * written if one fails; then each is created, or merged onto the object that exists.
 */
import { useState } from 'react';
import { applyManifests, type ApplyReport } from '../../client/apply.js';
import { ResourceAPI } from '../../client/api.js';
import type { SkyClient } from '../../client/connection.js';
import { parseManifests } from '../../client/manifests.js';
import { DEFAULT_NAMESPACE } from '../../domain/kinds.js';
import { ErrorNote, Section } from '../components/bits.js';

const DRAFT_KEY = 'sky-console-draft';

/** Text to open the editor with (the workload page's "Edit and apply"); this tab only. */
export const saveDraft = (text: string) => sessionStorage.setItem(DRAFT_KEY, text);

const EXAMPLE = `kind: Job
metadata:
  name: hello
  namespace: default
spec:
  image: busybox
  run: echo Sky!
  replicas: 1
  resources: { cpu: 1, memory: 128 }
`;

export function ApplyView({ client }: { client: SkyClient }) {
  const [text, setText] = useState(() => sessionStorage.getItem(DRAFT_KEY) ?? EXAMPLE);
  const [report, setReport] = useState<ApplyReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const apply = async () => {
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    try {
      const manifests = parseManifests(text, 'the editor');
      setReport(await applyManifests((kind, namespace) => new ResourceAPI(kind, { client, namespace }), manifests, { defaultNamespace: DEFAULT_NAMESPACE }));
      sessionStorage.removeItem(DRAFT_KEY);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Apply YAML">
      <p className="muted">Objects of any kind, several apart by ---. Without metadata.resourceVersion the file is merged onto the object; with it, it replaces labels, annotations and spec unless someone changed the spec since.</p>
      <textarea className="editor" aria-label="YAML to apply" spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} rows={18} />
      <div className="actions">
        <button onClick={apply} disabled={busy} data-action="apply">
          {busy ? 'Applying…' : 'Apply'}
        </button>
      </div>
      <ErrorNote error={error} />
      {report?.refusedByDryRun ? <p className="error">Nothing was applied: the server's check refused {report.objects.length === 1 ? 'this object' : `${report.objects.length} objects`}.</p> : null}
      {report ? (
        <ul className="apply-report" aria-label="Applied">
          {report.objects.map((o, i) => (
            <li key={i} className={o.error ? 'error' : 'ok'}>
              {o.kind} {o.namespace ? `${o.namespace}/` : ''}
              {o.name}: {o.error ?? o.action}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}
