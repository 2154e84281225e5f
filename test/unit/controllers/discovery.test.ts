/**
 * Cluster discovery without processes: the kubeconfig source reads a temp kubeconfig, and the
 * registrar's creates go to a recording stand-in for the ClusterAPI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterAPI, Manifest } from '../../../src/client/api.js';
import { discoverKubeContexts } from '../../../src/cluster-managers/kubernetes/discovery.js';
import { DISCOVERED_FROM_LABEL, registerDiscoveredClusters, type DiscoverySource } from '../../../src/controllers/discovery.js';
import { AlreadyExistsError } from '../../../src/domain/errors.js';
import { writeUnreachableKubeconfig } from '../../helpers/unreachable-kubeconfig.js';

const logger = pino({ level: 'silent' });
const SECRET = 'unit-discovery-token';

let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sky-unit-discovery-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeUnreachableKubeconfig(kubeconfig, SECRET);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Records creates; names in `existing` are refused as the API refuses a duplicate. */
function fakeClusterApi(existing: string[] = []) {
  const created: Manifest<'Cluster'>[] = [];
  const api: Pick<ClusterAPI, 'create'> = {
    create: async (object: Manifest<'Cluster'>) => {
      if (existing.includes(object.metadata.name)) throw new AlreadyExistsError(`clusters/${object.metadata.name}`);
      created.push(object);
      return object as never;
    },
  };
  return { api, created };
}

const kubeconfigSource = (): DiscoverySource => ({ name: 'kubeconfig', discover: async () => discoverKubeContexts(kubeconfig) });

describe('registerDiscoveredClusters', () => {
  it('registers each kubeconfig context as a KUBERNETES cluster, labelled with its source, without credentials', async () => {
    const { api, created } = fakeClusterApi();

    await expect(registerDiscoveredClusters(api, [kubeconfigSource()], logger)).resolves.toEqual(['prod-us-east1', 'staging']);

    expect(created).toEqual([
      {
        kind: 'Cluster',
        metadata: { name: 'prod-us-east1', labels: { [DISCOVERED_FROM_LABEL]: 'kubeconfig' } },
        spec: { manager: 'KUBERNETES', kubernetes: { context: 'prod_us-east1', kubeconfigPath: kubeconfig } },
      },
      {
        kind: 'Cluster',
        metadata: { name: 'staging', labels: { [DISCOVERED_FROM_LABEL]: 'kubeconfig' } },
        spec: { manager: 'KUBERNETES', kubernetes: { context: 'Staging', kubeconfigPath: kubeconfig } },
      },
    ]);
    expect(JSON.stringify(created)).not.toContain(SECRET);
  });

  it('leaves clusters that exist alone, and skips a source that fails', async () => {
    const { api, created } = fakeClusterApi(['staging']);
    const broken: DiscoverySource = { name: 'slurm-cluster-list', discover: async () => Promise.reject(new Error('ENOENT: clusters.yaml')) };
    const labelled: DiscoverySource = {
      name: 'slurm-cluster-list',
      discover: async () => [{ name: 'hpc', labels: { site: 'campus' }, spec: { manager: 'SLURM' } as Manifest<'Cluster'>['spec'] }],
    };

    await expect(registerDiscoveredClusters(api, [broken, kubeconfigSource(), labelled], logger)).resolves.toEqual(['prod-us-east1', 'hpc']);
    expect(created.map((c) => c.metadata.name)).toEqual(['prod-us-east1', 'hpc']);
    expect(created[1].metadata.labels).toEqual({ site: 'campus', [DISCOVERED_FROM_LABEL]: 'slurm-cluster-list' });
  });

  it('passes on any other error of the API', async () => {
    const api: Pick<ClusterAPI, 'create'> = { create: async () => Promise.reject(new Error('connection reset')) };
    await expect(registerDiscoveredClusters(api, [kubeconfigSource()], logger)).rejects.toThrow('connection reset');
  });
});
