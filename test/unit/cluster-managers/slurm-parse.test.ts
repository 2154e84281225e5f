/**
 * The Slurm output parsers, on output captured from Debian's Slurm 22.05.8 (slurm-captured/):
 * squeue-mixed.json and sinfo-mixed.json come from one cluster with completed, failed, running
 * (GPU), pending array and non-array jobs, and drained and down nodes; squeue-b-2.json has a
 * cancelled element, an array's pending rest and a pending element split off it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeExitStatus,
  parseArrayIndices,
  parseGpuGres,
  parseSbatchParsable,
  parseSinfoJson,
  parseSqueueJson,
  SlurmOutputError,
} from '../../../src/cluster-managers/slurm/parse.js';

const captured = (file: string) => readFileSync(new URL(`./slurm-captured/${file}`, import.meta.url), 'utf8');

describe('parseSqueueJson', () => {
  const jobs = parseSqueueJson(captured('squeue-mixed.json'));

  it('reads every job, array elements and an array’s pending rest', () => {
    expect(jobs.map((j) => [j.jobId, j.arrayJobId, j.arrayTaskId, j.name, j.state])).toEqual([
      ['6', '1', 0, 'sky.default.ok', 'COMPLETED'],
      ['7', '2', 0, 'sky.default.fail', 'FAILED'],
      ['8', '3', 0, 'sky.default.gpu', 'RUNNING'],
      ['4', '4', undefined, 'sky.default.wait', 'PENDING'],
      ['5', '5', undefined, 'other', 'FAILED'],
      ['1', '1', 1, 'sky.default.ok', 'COMPLETED'],
      ['2', '2', 1, 'sky.default.fail', 'FAILED'],
      ['3', '3', 1, 'sky.default.gpu', 'RUNNING'],
    ]);
    const waiting = jobs.find((j) => j.name === 'sky.default.wait')!;
    expect(waiting).toMatchObject({ pendingTasks: [0, 1, 2, 3, 4, 5], reason: 'Resources', request: { cpu: 4, memory: 10, gpu: 0 } });
  });

  it('keeps the comment, the raw exit status and what an element asks for', () => {
    const failed = jobs.find((j) => j.jobId === '7')!;
    expect(failed.comment).toBe('sky-manager cluster=cap uid=uid-fail replicas=0-1 first=0');
    expect(failed.rawExitStatus).toBe(768);
    expect(failed.reason).toBe('NonZeroExitCode');
    const gpu = jobs.find((j) => j.jobId === '8')!;
    expect(gpu.request).toEqual({ cpu: 1, memory: 100, gpu: 1, accelerator: 'a100' });
    expect(gpu.startTime).toBeGreaterThan(0);
    // A plain job has no array: it is its own array id.
    expect(jobs.find((j) => j.name === 'other')).toMatchObject({ arrayJobId: '5', pendingTasks: [] });
  });

  it('reads a cancelled element, and a pending element split off its array', () => {
    const b = parseSqueueJson(captured('squeue-b-2.json'));
    expect(b.find((j) => j.jobId === '7')).toMatchObject({ arrayJobId: '2', arrayTaskId: 1, state: 'CANCELLED', rawExitStatus: 15 });
    expect(b.find((j) => j.jobId === '2')).toMatchObject({ arrayJobId: '2', arrayTaskId: 3, state: 'PENDING', pendingTasks: [] });
    expect(b.find((j) => j.jobId === '5')).toMatchObject({ state: 'CANCELLED', pendingTasks: [0, 1], reason: 'PartitionConfig' });
  });

  it('fails on the errors 22.05 reports with exit status 0 when slurmctld is down', () => {
    const down = JSON.stringify({
      meta: {},
      errors: [{ description: 'Failed while looking for jobs', error_number: -1, error: 'Unspecified error', source: 'slurm_load_jobs' }],
      jobs: [],
    });
    expect(() => parseSqueueJson(down)).toThrow(new SlurmOutputError('squeue --json: slurm_load_jobs: Failed while looking for jobs: Unspecified error'));
    expect(() => parseSqueueJson('slurm_load_jobs error: Unable to contact slurm controller')).toThrow(/did not print JSON/);
    expect(() => parseSqueueJson('{"errors": []}')).toThrow(/no "jobs" list/);
  });
});

describe('parseSinfoJson', () => {
  it('reads nodes with their state, flags, allocation and GPUs', () => {
    expect(parseSinfoJson(captured('sinfo-mixed.json'))).toEqual([
      {
        name: 'cap1', state: 'mixed', flags: [], cpus: 4, allocCpus: 2, memory: 8192, allocMemory: 200,
        gpus: 2, gpusUsed: 2, gpuTypes: ['a100'], partitions: ['main'], reason: '',
      },
      { name: 'cap2', state: 'idle', flags: [], cpus: 2, allocCpus: 0, memory: 4096, allocMemory: 0, gpus: 0, gpusUsed: 0, gpuTypes: [], partitions: ['main'], reason: '' },
      {
        name: 'cap3', state: 'idle', flags: ['DRAIN'], cpus: 2, allocCpus: 0, memory: 4096, allocMemory: 0,
        gpus: 0, gpusUsed: 0, gpuTypes: [], partitions: ['main'], reason: 'set drain by the test fixture',
      },
      {
        name: 'cap4', state: 'down', flags: [], cpus: 1, allocCpus: 0, memory: 1024, allocMemory: 0,
        gpus: 0, gpusUsed: 0, gpuTypes: [], partitions: ['main'], reason: 'set down by the test fixture',
      },
    ]);
  });
});

describe('small formats', () => {
  it('parseArrayIndices reads ranges, lists, steps and throttles', () => {
    expect(parseArrayIndices('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseArrayIndices('2-3,7')).toEqual([2, 3, 7]);
    expect(parseArrayIndices('0-6:2%4')).toEqual([0, 2, 4, 6]);
    expect(parseArrayIndices('[5]')).toEqual([5]);
    expect(parseArrayIndices('')).toEqual([]);
    expect(() => parseArrayIndices('a-b')).toThrow(/array indices "a-b"/);
  });

  it('parseGpuGres counts typed, untyped and used GPUs and ignores other GRES', () => {
    expect(parseGpuGres('gpu:a100:2(S:0-1)')).toEqual({ count: 2, types: ['a100'] });
    expect(parseGpuGres('gpu:a100:1(IDX:0),gpu:v100:2(IDX:1-2)')).toEqual({ count: 3, types: ['a100', 'v100'] });
    expect(parseGpuGres('gpu:4,nic:1')).toEqual({ count: 4, types: [] });
    expect(parseGpuGres('gpu:0')).toEqual({ count: 0, types: [] });
    expect(parseGpuGres('gpu:fake')).toEqual({ count: 1, types: ['fake'] });
    expect(parseGpuGres('')).toEqual({ count: 0, types: [] });
  });

  it('parseSbatchParsable takes the id, with or without a cluster', () => {
    expect(parseSbatchParsable('1234\n')).toBe('1234');
    expect(parseSbatchParsable('1234;hpc\n')).toBe('1234');
    expect(() => parseSbatchParsable('sbatch: error: Batch job submission failed')).toThrow(/did not print a job id/);
  });

  it('decodeExitStatus splits the wait status into exit code and signal', () => {
    expect(decodeExitStatus(0)).toEqual({ exitCode: 0 });
    expect(decodeExitStatus(768)).toEqual({ exitCode: 3 });
    expect(decodeExitStatus(15)).toEqual({ signal: 15 });
    expect(decodeExitStatus(9)).toEqual({ signal: 9 });
  });
});
