/**
 * Cluster discovery at the controller manager's start, with real processes: every context of the
 * kubeconfig and every cluster of a --slurm-clusters file becomes a Cluster unless one of that
 * name exists; clusters that cannot be reached are registered all the same and show ERROR with
 * the reason; credentials stay in the kubeconfig. (Discovery of reachable Kubernetes clusters,
 * READY with their capacity, is in kubernetes-manager.test.ts.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, SkyClient } from '../../src/client/index.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { writeUnreachableKubeconfig } from '../helpers/unreachable-kubeconfig.js';

const SECRET = 'discovery-test-token-never-in-the-api';

let dir: string;
let server: ServerProcess;
let client: SkyClient;
let clusters: ClusterAPI;
const running: ControllersProcess[] = [];

async function controllers(args: string[], discover = true): Promise<ControllersProcess> {
  const process = await startControllers(server.url, { discover, env: { KUBECONFIG: join(dir, 'kubeconfig') }, extraArgs: args });
  running.push(process);
  return process;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sky-discovery-'));
  await writeUnreachableKubeconfig(join(dir, 'kubeconfig'), SECRET);
  await writeFile(join(dir, 'slurm.yaml'), `clusters:\n  - name: hpc\n    labels: {site: campus}\n    slurmConf: ${join(dir, 'missing-slurm.conf')}\n`);
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  clusters = new ClusterAPI({ client });
});

afterAll(async () => {
  for (const process of running) await process.stop();
  await client?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('discovery', () => {
  it('registers nothing with --no-discover', async () => {
    const off = await controllers(['--slurm-clusters', join(dir, 'slurm.yaml')], false);
    expect((await clusters.list()).items).toEqual([]);
    await off.stop();
  });

  it('registers each kubeconfig context and each listed Slurm cluster; unreachable ones show ERROR with the reason', async () => {
    const first = await controllers(['--slurm-clusters', join(dir, 'slurm.yaml')]);
    const names = (await clusters.list()).items.map((c) => c.metadata.name).sort();
    expect(names).toEqual(['hpc', 'prod-us-east1', 'staging']);

    const prod = await clusters.get('prod-us-east1');
    expect(prod.spec).toMatchObject({ manager: 'KUBERNETES', kubernetes: { context: 'prod_us-east1' } });
    expect(prod.metadata.labels).toMatchObject({ 'sky.dev/discovered-from': 'kubeconfig' });
    const hpc = await clusters.get('hpc');
    expect(hpc.spec).toMatchObject({ manager: 'SLURM', slurm: { slurmConf: join(dir, 'missing-slurm.conf') } });
    expect(hpc.metadata.labels).toMatchObject({ site: 'campus', 'sky.dev/discovered-from': 'slurm-cluster-list' });

    const context = () => first.logs().slice(-2000);
    for (const name of names) {
      const failed = await until(`${name} ERROR`, async () => {
        const c = await clusters.get(name);
        return c.status.phase === 'ERROR' && c;
      }, { timeoutMs: 60_000, context });
      expect(failed.status.message).toBeTruthy();
    }
    expect((await clusters.get('hpc')).status.message).toContain('missing-slurm.conf');
    // The kubeconfig's credentials never reach the API.
    expect(JSON.stringify((await clusters.list()).items)).not.toContain(SECRET);
    await first.stop();
  }, 120_000);

  it('leaves clusters that exist alone when it runs again', async () => {
    const prod = await clusters.get('prod-us-east1');
    await clusters.update({ ...prod, metadata: { ...prod.metadata, labels: { ...prod.metadata.labels, tier: 'gold' } } });
    const again = await controllers(['--slurm-clusters', join(dir, 'slurm.yaml')]);
    expect((await clusters.list()).items).toHaveLength(3);
    expect((await clusters.get('prod-us-east1')).metadata.labels.tier).toBe('gold');
    await again.stop();
  });
});
