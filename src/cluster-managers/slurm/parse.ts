/**
 * What the Slurm commands print, as plain data. Pure functions over the text, so the unit tests
 * feed them output captured from a real 22.05 cluster.
 *
 * Slurm 22.05's `squeue --json` and `sinfo --json` (openapi/v0.0.38, the same documents
 * slurmrestd's /slurm/v0.0.38/jobs and /nodes answer with) answer with the whole job or
 * node table and ignore every filter (--name, --states, --partition, --jobs): filtering is done
 * here. They also exit 0 when slurmctld cannot be reached, with the failure only in `errors`, so
 * a non-empty `errors` is an error here.
 */

import type { Resources } from '../../domain/types.js';

export class SlurmOutputError extends Error {}

/** One row of squeue: a job, an array element, or the still-pending rest of an array. */
export interface SlurmJob {
  jobId: string;
  /** The array's id (the first element's job id); equals jobId for a plain job. */
  arrayJobId: string;
  /** The element's index; undefined for the record of an array's pending rest (see `pendingTasks`). */
  arrayTaskId?: number;
  /** For the pending rest of an array: the indices it still holds ("2-5,7" → [2,3,4,5,7]). */
  pendingTasks: number[];
  name: string;
  comment: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, ... */
  state: string;
  /** Why it is pending or ended ("Resources", "NonZeroExitCode"); "None" when there is nothing to say. */
  reason: string;
  /** The wait status as Slurm reports it: exit code << 8, or the signal number. */
  rawExitStatus: number;
  restarts: number;
  /** Seconds since the epoch; 0 when not started. */
  startTime: number;
  endTime: number;
  nodes: string;
  /** What one element asks for: cpus, memory (MiB) and GPUs of its one node. */
  request: Resources;
}

/** One node of sinfo. */
export interface SlurmNode {
  name: string;
  /** Base state in lower case: idle, mixed, allocated, down, future, unknown, ... */
  state: string;
  /** DRAIN, NOT_RESPONDING, COMPLETING, POWERED_DOWN, ... */
  flags: string[];
  cpus: number;
  allocCpus: number;
  /** MiB. */
  memory: number;
  allocMemory: number;
  gpus: number;
  gpusUsed: number;
  /** GPU types from the node's GRES ("a100"), if typed. */
  gpuTypes: string[];
  partitions: string[];
  reason: string;
}

type Json = Record<string, unknown>;

export function parseJson(text: string, command: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SlurmOutputError(`${command} did not print JSON: ${text.slice(0, 200)}`);
  }
  if (typeof value !== 'object' || value === null) throw new SlurmOutputError(`${command} printed ${text.slice(0, 200)}`);
  const errors = (value as Json).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const described = errors
      .map((e: Json) => [e.source, e.description, e.error].filter((part) => part !== undefined && part !== '').join(': '))
      .join('; ');
    throw new SlurmOutputError(`${command}: ${described}`);
  }
  return value as Json;
}

const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** "0-3,7,10-14:2%4" → [0,1,2,3,7,10,12,14]: Slurm's array index expressions, throttle ignored. */
export function parseArrayIndices(text: string): number[] {
  const indices: number[] = [];
  const body = text.replace(/%\d+$/, '').replace(/^\[|\]$/g, '');
  if (body.trim() === '') return indices;
  for (const part of body.split(',')) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!match) throw new SlurmOutputError(`cannot read the array indices "${text}"`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    for (let i = from; i <= to; i += step) indices.push(i);
  }
  return indices;
}

function jobRequest(job: Json): Resources {
  const cpus = num(job.cpus);
  const memory = num(job.memory_per_node) || num(job.memory_per_cpu) * cpus;
  // "gres:gpu:a100:2" or "gres:gpu:1" (older: "gpu:1").
  const gpus = parseGpuGres(str(job.tres_per_node).replace(/(^|,)gres:/g, '$1'));
  return { cpu: cpus, memory, gpu: gpus.count, ...(gpus.types.length > 0 ? { accelerator: gpus.types[0] } : {}) };
}

/** `squeue --json`: every job slurmctld still remembers, finished ones included (for MinJobAge). */
export function parseSqueueJson(text: string, source = 'squeue --json'): SlurmJob[] {
  const jobs = parseJson(text, source).jobs;
  if (!Array.isArray(jobs)) throw new SlurmOutputError(`${source} printed no "jobs" list`);
  return jobs.map((job: Json): SlurmJob => {
    const jobId = str(job.job_id);
    const taskId = job.array_task_id;
    const arrayJobId = num(job.array_job_id) > 0 ? str(job.array_job_id) : jobId;
    return {
      jobId,
      arrayJobId,
      arrayTaskId: typeof taskId === 'number' ? taskId : undefined,
      pendingTasks: typeof taskId === 'number' ? [] : parseArrayIndices(str(job.array_task_string)),
      name: str(job.name),
      comment: str(job.comment),
      state: str(job.job_state).toUpperCase(),
      reason: str(job.state_reason),
      rawExitStatus: num(job.exit_code),
      restarts: num(job.restart_cnt),
      startTime: num(job.start_time),
      endTime: num(job.end_time),
      nodes: str(job.nodes),
      request: jobRequest(job),
    };
  });
}

/** GRES strings such as "gpu:a100:2(S:0-1),gpu:1,nic:1" or used "gpu:a100:1(IDX:0)": GPU count and types. */
export function parseGpuGres(text: string): { count: number; types: string[] } {
  let count = 0;
  const types = new Set<string>();
  for (const item of text.split(/,(?![^(]*\))/)) {
    const parts = item.replace(/\(.*\)$/, '').split(':');
    if (parts[0] !== 'gpu') continue;
    const last = parts[parts.length - 1];
    const counted = parts.length >= 2 && /^\d+$/.test(last);
    // "gpu:a100:2" and "gpu:a100" are typed; "gpu:2" is not.
    if (parts.length >= 3 || (parts.length === 2 && !counted)) types.add(parts[1]);
    // "gpu" or "gpu:a100" without a count means one; "gpu:0" means none.
    count += counted ? Number(last) : 1;
  }
  return { count, types: [...types] };
}

/** `sinfo --json`: every node once, with the partitions it is in. */
export function parseSinfoJson(text: string, source = 'sinfo --json'): SlurmNode[] {
  const nodes = parseJson(text, source).nodes;
  if (!Array.isArray(nodes)) throw new SlurmOutputError(`${source} printed no "nodes" list`);
  return nodes.map((node: Json): SlurmNode => {
    const gres = parseGpuGres(str(node.gres));
    const used = parseGpuGres(str(node.gres_used));
    return {
      name: str(node.name),
      state: str(node.state).toLowerCase(),
      flags: Array.isArray(node.state_flags) ? node.state_flags.map((f) => str(f).toUpperCase()) : [],
      cpus: num(node.cpus),
      allocCpus: num(node.alloc_cpus),
      memory: num(node.real_memory),
      allocMemory: num(node.alloc_memory),
      gpus: gres.count,
      gpusUsed: used.count,
      gpuTypes: gres.types,
      partitions: Array.isArray(node.partitions) ? node.partitions.map(str) : [],
      reason: str(node.reason),
    };
  });
}

/** `sbatch --parsable`: "1234" or "1234;cluster". */
export function parseSbatchParsable(text: string): string {
  const id = text.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new SlurmOutputError(`sbatch did not print a job id: ${text.trim().slice(0, 200)}`);
  return id;
}

/** Exit code and signal from Slurm's wait status (as in waitpid: code << 8, or the signal). */
export function decodeExitStatus(raw: number): { exitCode?: number; signal?: number } {
  const signal = raw & 0x7f;
  if (signal !== 0) return { signal };
  return { exitCode: (raw >> 8) & 0xff };
}
