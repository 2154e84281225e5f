/**
 * The controller machine's kubeconfig, found and merged the way kubectl does: an explicit path,
 * else the files of KUBECONFIG (missing ones skipped, the first file to name a cluster, user or
 * context wins, and the first current-context set), else ~/.kube/config. Credentials are read
 * here, on the controller's machine, and never leave it: Sky's API only ever holds the path and
 * the context name.
 *
 * client-node's loadFromDefault is not used: with no file it silently falls back to an in-cluster
 * or localhost:8080 configuration, where a clear error is what a user needs.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** The kubeconfig files to read, in precedence order. */
export function kubeconfigFiles(explicitPath?: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  if (explicitPath) return [explicitPath];
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  return fromEnv.length > 0 ? fromEnv : [path.join(home, '.kube', 'config')];
}

/** The merged kubeconfig of `files`; throws naming the files when none of them exists. */
export function loadKubeConfig(files: readonly string[]): KubeConfig {
  const present = files.filter((file) => existsSync(file));
  if (present.length === 0) {
    throw new Error(files.length === 1 ? `kubeconfig ${files[0]} does not exist` : `none of the kubeconfig files exists: ${files.join(', ')}`);
  }
  const merged = new KubeConfig();
  merged.loadFromFile(present[0]);
  for (const file of present.slice(1)) {
    const next = new KubeConfig();
    next.loadFromFile(file);
    const has = (list: { name: string }[], name: string) => list.some((item) => item.name === name);
    for (const cluster of next.clusters) if (!has(merged.clusters, cluster.name)) merged.addCluster(cluster);
    for (const user of next.users) if (!has(merged.users, user.name)) merged.addUser(user);
    for (const context of next.contexts) if (!has(merged.contexts, context.name)) merged.addContext(context);
    if (!merged.currentContext && next.currentContext) merged.setCurrentContext(next.currentContext);
  }
  return merged;
}

export interface Connection {
  kubeConfig: KubeConfig;
  /** The context in use: the one asked for, else the kubeconfig's current one. */
  context: string;
  /** The API server's address, for messages. */
  server: string;
}

/**
 * The kubeconfig set to `context` (default: its current context), checked far enough that a
 * missing file, context or cluster entry fails here, naming the Sky cluster and what is missing.
 */
export function connect(clusterName: string, config: { context?: string; kubeconfigPath?: string } = {}): Connection {
  const files = kubeconfigFiles(config.kubeconfigPath);
  const fail = (problem: string) => new Error(`Cluster '${clusterName}': ${problem}`);
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(files);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const where = files.join(path.delimiter);
  const context = config.context ?? kubeConfig.getCurrentContext();
  if (!context) throw fail(`kubeconfig ${where} has no current context; name one in spec.kubernetes.context`);
  const entry = kubeConfig.getContextObject(context);
  if (!entry) {
    const known = kubeConfig.getContexts().map((c) => c.name);
    throw fail(`context '${context}' is not in kubeconfig ${where}` + (known.length ? ` (it has: ${known.join(', ')})` : ' (it has no contexts)'));
  }
  kubeConfig.setCurrentContext(context);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw fail(`context '${context}' names cluster '${entry.cluster}', which is not in kubeconfig ${where}`);
  return { kubeConfig, context, server: cluster.server };
}
