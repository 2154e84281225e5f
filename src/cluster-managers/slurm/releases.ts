/**
 * When the work of a Slurm cluster's other users gives its resources back: each running job that
 * is not Sky's, at its end time (its start plus its time limit, as Slurm plans backfill with), for
 * the cores, memory and GPUs it holds. Sky's own replicas are left out: the federation knows them
 * and their expected runtimes better than their time limits. At most MAX_CLUSTER_RELEASES, the
 * latest ones merged into the last kept.
 */
import { MAX_CLUSTER_RELEASES } from '../../domain/limits.js';
import type { ResourceRelease } from '../../domain/types.js';
import type { SlurmJob } from './parse.js';

export function foreignReleases(foreign: readonly SlurmJob[], nowSeconds: number, max = MAX_CLUSTER_RELEASES): ResourceRelease[] {
  const running = foreign.filter((job) => job.state === 'RUNNING' && job.endTime > nowSeconds).sort((a, b) => a.endTime - b.endTime);
  const releases: ResourceRelease[] = [];
  for (const job of running) {
    const at = new Date(job.endTime * 1000).toISOString();
    const last = releases.at(-1);
    if (last && (last.at === at || releases.length === max)) {
      // Same instant, or past the limit: counted with the last one kept (later than they say: the estimate errs late).
      last.at = at;
      last.cpu += job.request.cpu;
      last.memory += job.request.memory;
      last.gpu += job.request.gpu;
    } else releases.push({ at, cpu: job.request.cpu, memory: job.request.memory, gpu: job.request.gpu });
  }
  return releases;
}
