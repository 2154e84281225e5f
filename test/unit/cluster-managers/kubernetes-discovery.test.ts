import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterNameForContext, clusterNamesForContexts, discoverKubeContexts } from '../../../src/cluster-managers/kubernetes/discovery.js';
import { connect, kubeconfigFiles, loadKubeConfig } from '../../../src/cluster-managers/kubernetes/kubeconfig.js';
import { isValidName } from '../../../src/domain/kinds.js';

function kubeconfig(contexts: string[], current?: string, server = 'https://127.0.0.1:6443'): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: "${current ?? ''}"`, 'clusters:'];
  for (const c of contexts) lines.push(`- name: "c-${c}"`, '  cluster:', `    server: ${server}`);
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: "u-${c}"`, '  user:', '    token: secret');
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: "${c}"`, '  context:', `    cluster: "c-${c}"`, `    user: "u-${c}"`);
  return lines.join('\n') + '\n';
}

describe('clusterNameForContext', () => {
  it.each([
    ['gke_proj_us-east1_prod', 'gke-proj-us-east1-prod'],
    ['kind-kind', 'kind-kind'],
    ['Docker-Desktop', 'docker-desktop'],
    ['arn:aws:eks:us-west-2:123456789012:cluster/prod', 'arn-aws-eks-us-west-2-123456789012-cluster-prod'],
    ['admin@prod.example.com', 'admin-prod-example-com'],
    ['--edge--', 'edge'],
  ])('%s → %s', (context, name) => {
    expect(clusterNameForContext(context)).toBe(name);
  });

  it('keeps long and empty names valid and distinct with a hash of the context', () => {
    const long = clusterNameForContext(`gke_${'very-long-project-name_'.repeat(4)}us-east1_prod`);
    expect(long).toHaveLength(63);
    expect(isValidName(long)).toBe(true);
    expect(clusterNameForContext('@@@')).toMatch(/^kube-[0-9a-f]{8}$/);
    expect(clusterNameForContext('@@@')).not.toBe(clusterNameForContext('###'));
  });

  it('is deterministic', () => {
    expect(clusterNameForContext('GKE_x')).toBe(clusterNameForContext('GKE_x'));
  });
});

describe('clusterNamesForContexts', () => {
  it('keeps names unique: a context already named validly keeps its name, colliding ones get their hash', () => {
    const names = clusterNamesForContexts(['prod', 'Prod', 'PROD', 'dev']);
    expect(names.get('prod')).toBe('prod');
    expect(names.get('dev')).toBe('dev');
    expect(names.get('Prod')).toMatch(/^prod-[0-9a-f]{8}$/);
    expect(names.get('PROD')).toMatch(/^prod-[0-9a-f]{8}$/);
    expect(new Set(names.values()).size).toBe(4);
  });

  it('does not depend on the order of the contexts', () => {
    const a = clusterNamesForContexts(['a_b', 'a-b', 'A_B']);
    const b = clusterNamesForContexts(['A_B', 'a-b', 'a_b']);
    expect([...a].sort()).toEqual([...b].sort());
  });
});

describe('kubeconfig files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sky-kubeconfig-'));
    await writeFile(path.join(dir, 'one'), kubeconfig(['gke_proj_us-east1_prod', 'kind-kind'], 'kind-kind'));
    await writeFile(path.join(dir, 'two'), kubeconfig(['kind-kind', 'other'], 'other', 'https://10.0.0.1:6443'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are the explicit path, else KUBECONFIG, else ~/.kube/config', () => {
    expect(kubeconfigFiles('/x/config', { KUBECONFIG: '/a:/b' }, '/home/u')).toEqual(['/x/config']);
    expect(kubeconfigFiles(undefined, { KUBECONFIG: `/a${path.delimiter}${path.delimiter}/b` }, '/home/u')).toEqual(['/a', '/b']);
    expect(kubeconfigFiles(undefined, {}, '/home/u')).toEqual(['/home/u/.kube/config']);
  });

  it('merge as kubectl does: the first file to name a context wins, and its current context', () => {
    const merged = loadKubeConfig([path.join(dir, 'missing'), path.join(dir, 'one'), path.join(dir, 'two')]);
    expect(merged.getContexts().map((c) => c.name)).toEqual(['gke_proj_us-east1_prod', 'kind-kind', 'other']);
    expect(merged.getCurrentContext()).toBe('kind-kind');
    expect(merged.getCluster('c-kind-kind')!.server).toBe('https://127.0.0.1:6443');
  });

  it('name what is missing', () => {
    expect(() => loadKubeConfig([path.join(dir, 'nope')])).toThrow(`kubeconfig ${path.join(dir, 'nope')} does not exist`);
    expect(() => connect('east', { kubeconfigPath: path.join(dir, 'nope') })).toThrow(`Cluster 'east': kubeconfig ${path.join(dir, 'nope')} does not exist`);
    expect(() => connect('east', { kubeconfigPath: path.join(dir, 'one'), context: 'prod' })).toThrow(
      `Cluster 'east': context 'prod' is not in kubeconfig ${path.join(dir, 'one')} (it has: gke_proj_us-east1_prod, kind-kind)`,
    );
  });

  it('connect to the named context, or the current one', () => {
    expect(connect('east', { kubeconfigPath: path.join(dir, 'two') })).toMatchObject({ context: 'other', server: 'https://10.0.0.1:6443' });
    expect(connect('east', { kubeconfigPath: path.join(dir, 'one'), context: 'gke_proj_us-east1_prod' })).toMatchObject({
      context: 'gke_proj_us-east1_prod',
      server: 'https://127.0.0.1:6443',
    });
  });

  it('are discovered as one KUBERNETES Cluster per context, the context verbatim and no credentials', () => {
    const file = path.join(dir, 'one');
    const clusters = discoverKubeContexts(file);
    expect(clusters).toEqual([
      {
        name: 'gke-proj-us-east1-prod',
        spec: { manager: 'KUBERNETES', kubernetes: { context: 'gke_proj_us-east1_prod', kubeconfigPath: file } },
      },
      {
        name: 'kind-kind',
        spec: { manager: 'KUBERNETES', kubernetes: { context: 'kind-kind', kubeconfigPath: file } },
      },
    ]);
    expect(JSON.stringify(clusters)).not.toContain('secret');
  });
});
