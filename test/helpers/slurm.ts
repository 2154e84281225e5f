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
import type { SlurmConfig } from '../../src/domain/spec/cluster-spec.js';
import type { Cluster, EnvVar, Workload } from '../../src/domain/types.js';

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

/** A SLURM Cluster object, as the controllers hand one to createSlurmManager. */
export function slurmClusterObject(name: string, slurm: SlurmConfig): Cluster {
  return {
    kind: 'Cluster',
    metadata: { name, uid: `uid-${name}`, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: { manager: 'SLURM', slurm },
    status: { phase: 'READY', conditions: [], capacity: { cpu: 0, memory: 0, gpu: 0 }, allocatable: { cpu: 0, memory: 0, gpu: 0 }, nodes: [], acceleratorTypes: [] },
  };
}

/** A Job of `replicas` replicas of 1 cpu and 100 MiB running `run`, as a Skylet hands one to submit. */
export function slurmJobObject(name: string, run: string, replicas: number, envs: EnvVar[] = []): Workload {
  return {
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: { image: '', run, envs, resources: { cpu: 1, memory: 100, gpu: 0 }, replicas, restartPolicy: 'NEVER', placement: { preferences: [], strategy: 'SPREAD' } },
    status: { phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] },
  } as Workload;
}
