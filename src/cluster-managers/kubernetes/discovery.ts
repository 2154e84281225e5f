/**
 * Discovery: every context of the controller machine's kubeconfig as the Cluster that would
 * manage it. The controller manager registers those that do not exist yet at start-up.
 *
 * A context name is free text ("gke_proj_us-east1_prod", "admin@prod.example.com"); a Sky name
 * is a DNS-1123 label. The Cluster's name is the context name cleaned up (lower case, [a-z0-9-],
 * at most 63), the same on every run; the context itself is kept verbatim in the spec, so
 * nothing is lost. Contexts whose names clean up alike each get a hash of their own name, so
 * they stay apart whatever order the kubeconfig lists them in.
 */
import type { ClusterSpec } from '../../domain/types.js';
import { isValidName } from '../../domain/kinds.js';
import { kubeconfigFiles, loadKubeConfig } from './kubeconfig.js';
import { shortHash } from './labels.js';

/** The Cluster for one context; the registrar (src/controllers/discovery.ts) adds the discovered-from label. */
export interface DiscoveredCluster {
  name: string;
  spec: ClusterSpec & { manager: 'KUBERNETES'; kubernetes: { context: string; kubeconfigPath?: string } };
}

const MAX_NAME = 63;

function cleaned(context: string): string {
  return context
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `base` with `-hash`, cut so the whole stays a DNS-1123 label. */
function withHash(base: string, context: string): string {
  const suffix = `-${shortHash(context)}`;
  const head = base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, '');
  return (head || 'kube') + suffix;
}

/** The Sky cluster name for one context on its own: "gke_proj_us-east1_prod" → "gke-proj-us-east1-prod". */
export function clusterNameForContext(context: string): string {
  const base = cleaned(context);
  if (base && base.length <= MAX_NAME && isValidName(base)) return base;
  return withHash(base, context);
}

/**
 * Names for all contexts of one kubeconfig, unique among them: a context whose name is already a
 * valid Sky name keeps it; others that would collide (with it or each other) get their hash.
 */
export function clusterNamesForContexts(contexts: readonly string[]): Map<string, string> {
  const plain = new Map(contexts.map((c) => [c, clusterNameForContext(c)]));
  const claimants = new Map<string, string[]>();
  for (const [context, name] of plain) claimants.set(name, [...(claimants.get(name) ?? []), context]);
  const names = new Map<string, string>();
  for (const [context, name] of plain) {
    const rivals = claimants.get(name)!;
    const keeps = rivals.length === 1 || context === name;
    names.set(context, keeps ? name : withHash(name, context));
  }
  return names;
}

/** The Clusters for the contexts of the kubeconfig at `kubeconfigPath` (else KUBECONFIG, else ~/.kube/config). */
export function discoverKubeContexts(kubeconfigPath?: string): DiscoveredCluster[] {
  const kubeConfig = loadKubeConfig(kubeconfigFiles(kubeconfigPath));
  const contexts = kubeConfig.getContexts().map((c) => c.name);
  const names = clusterNamesForContexts(contexts);
  return contexts.map((context) => ({
    name: names.get(context)!,
    spec: {
      manager: 'KUBERNETES',
      // The path only when one was given: otherwise the controller resolves KUBECONFIG or
      // ~/.kube/config again when it connects, as kubectl would.
      kubernetes: { context, ...(kubeconfigPath ? { kubeconfigPath } : {}) },
    },
  }));
}
