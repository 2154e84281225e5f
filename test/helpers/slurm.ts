/**
 * Real Slurm clusters for integration tests (fixtures/slurm/clusters.ts): start them in
 * beforeAll, stop them in afterAll, which cancels their jobs and stops every daemon by pid. Each
 * test file gets its own directory, ports and cluster names, so files run in parallel. Nothing is
 * skipped: CI installs Debian's slurmctld, slurmd and slurm-client (.ci/run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClusterSpecs, startSlurmClusters, type SlurmClusters, type SlurmClusterSpec } from '../../fixtures/slurm/clusters.js';

export type { SlurmClusters, SlurmClusterSpec };
export { demoClusterSpecs };

export interface TestSlurm extends SlurmClusters {
  /** The fixture's directory: slurm.conf files, state, logs. */
  baseDir: string;
  /** Stops the clusters and removes their directory. */
  stopAndClean(): Promise<void>;
}

/** Starts `specs` (default: the two demo clusters, named `<prefix>-a` and `<prefix>-b`). */
export async function startTestSlurm(prefix: string, specs: SlurmClusterSpec[] = demoClusterSpecs(prefix)): Promise<TestSlurm> {
  const baseDir = await mkdtemp(join(tmpdir(), `sky-slurm-${prefix}-`));
  let clusters: SlurmClusters;
  try {
    clusters = await startSlurmClusters(specs, { baseDir });
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    get clusters() {
      return clusters.clusters;
    },
    get: (name) => clusters.get(name),
    command: (cluster, command, args) => clusters.command(cluster, command, args),
    stopController: (cluster) => clusters.stopController(cluster),
    startController: (cluster) => clusters.startController(cluster),
    setNodeState: (cluster, node, state) => clusters.setNodeState(cluster, node, state),
    stop: () => clusters.stop(),
    baseDir,
    async stopAndClean() {
      await clusters.stop();
      await rm(baseDir, { recursive: true, force: true });
    },
  };
}

/** squeue rows (`%i %T`, all states Slurm remembers) whose job name is `name`. */
export async function squeueByName(slurm: SlurmClusters, cluster: string, name: string): Promise<{ id: string; state: string }[]> {
  const out = await slurm.command(cluster, 'squeue', ['--noheader', '--states=all', `--name=${name}`, '--format=%i %T']);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, state] = line.trim().split(/\s+/);
      return { id, state };
    });
}
