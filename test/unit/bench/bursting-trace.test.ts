import { describe, expect, it } from 'vitest';
import { generateTrace, traceStatistics } from '../../../bench/bursting/generator.js';
import { formatTrace, parseTrace, TraceError } from '../../../bench/bursting/trace.js';

const HEADER = 'arrival,replicas,cpu,memory,gpu,runtime';

describe('parseTrace', () => {
  it('reads the columns in any order and returns the jobs by arrival', () => {
    const jobs = parseTrace(`runtime,gpu,memory,cpu,replicas,arrival\n60,1,1024,8,1,30\n3600,8,65536,64,2,0\n`);
    expect(jobs).toEqual([
      { arrival: 0, replicas: 2, cpu: 64, memory: 65536, gpu: 8, runtime: 3600 },
      { arrival: 30, replicas: 1, cpu: 8, memory: 1024, gpu: 1, runtime: 60 },
    ]);
  });

  it('round-trips what formatTrace writes', () => {
    const jobs = generateTrace({ kind: 'helios', jobs: 200, seed: 3, onPremGpus: 64, load: 1, cv: 2, diurnal: 0.5 });
    const back = parseTrace(formatTrace(jobs));
    expect(back).toHaveLength(200);
    back.forEach((j, i) => {
      expect(j.gpu).toBe(jobs[i].gpu);
      expect(j.replicas).toBe(jobs[i].replicas);
      expect(j.runtime).toBe(jobs[i].runtime);
      expect(j.arrival).toBeCloseTo(jobs[i].arrival, 2);
    });
  });

  it('names the line and the column of a bad value', () => {
    const text = `${HEADER}\n0,1,8,1024,1,60\n5,0,8,1024,1,60\n`;
    expect(() => parseTrace(text, 'jobs.csv')).toThrow(TraceError);
    expect(() => parseTrace(text, 'jobs.csv')).toThrow('jobs.csv: line 3, column 2 (replicas): "0" is not a whole number from 1 to 10000');
    expect(() => parseTrace(`${HEADER}\n0,1,8,1024,1,soon\n`)).toThrow('line 2, column 6 (runtime): "soon" is not a number of seconds > 0');
    expect(() => parseTrace(`${HEADER}\n0,1,8,1024,1.5,60\n`)).toThrow('line 2, column 5 (gpu)');
  });

  it('refuses a short row, an unknown or missing column, and an empty file', () => {
    expect(() => parseTrace(`${HEADER}\n0,1,8\n`)).toThrow('line 2: 3 column(s), the header has 6');
    expect(() => parseTrace(`${HEADER},user\n0,1,8,1024,1,60,a\n`)).toThrow('line 1, column 7: unknown column "user"');
    expect(() => parseTrace('arrival,replicas,cpu,memory,gpu\n')).toThrow('the header lacks runtime');
    expect(() => parseTrace('')).toThrow('empty');
    expect(() => parseTrace(`${HEADER}\n0,1,8,1024,1,"60\n`)).toThrow(/line \d+.*not comma-separated values/);
  });
});

describe('generateTrace', () => {
  it('draws the same trace from the same seed, and another from another', () => {
    const options = { kind: 'philly' as const, jobs: 100, seed: 7, onPremGpus: 512, load: 1, cv: 1, diurnal: 0.5 };
    expect(generateTrace(options)).toEqual(generateTrace(options));
    expect(generateTrace({ ...options, seed: 8 })).not.toEqual(generateTrace(options));
  });

  it('gives Philly-like jobs the cited GPU shares and runtime range', () => {
    const jobs = generateTrace({ kind: 'philly', jobs: 20_000, seed: 1, onPremGpus: 512, load: 1, cv: 1, diurnal: 0 });
    const s = traceStatistics(jobs);
    // Gavel's Philly distribution: 70% 1 GPU, 10% 2, 15% 4, 5% 8.
    for (const [gpus, share] of [[1, 0.7], [2, 0.1], [4, 0.15], [8, 0.05]]) expect(Math.abs((s.gpuShares.get(gpus) ?? 0) - share)).toBeLessThan(0.02);
    // 80% of jobs within 10^1.5..10^3 minutes: the median is 10^(1.5 + 0.625 x 1.5) minutes, about 274.
    expect(s.medianRuntime / 60).toBeGreaterThan(240);
    expect(s.medianRuntime / 60).toBeLessThan(310);
    expect(Math.min(...jobs.map((j) => j.runtime))).toBeGreaterThanOrEqual(60 * 10 ** 1.5 - 1);
    expect(Math.max(...jobs.map((j) => j.runtime))).toBeLessThanOrEqual(60 * 10 ** 4 + 1);
  });

  // helios_cluster_summary.csv, "total": median 206 s, mean 6,651.681 s, mean 3.716 GPUs, median 1.
  const HELIOS_MEDIAN_RUNTIME_S = 206;
  const HELIOS_MEAN_RUNTIME_S = 6_651.681;
  it('gives Helios-like jobs the cited median runtime and mean GPUs', () => {
    const jobs = generateTrace({ kind: 'helios', jobs: 40_000, seed: 1, onPremGpus: 512, load: 1, cv: 1, diurnal: 0 });
    const s = traceStatistics(jobs);
    expect(s.medianRuntime).toBeGreaterThan(HELIOS_MEDIAN_RUNTIME_S * 0.9);
    expect(s.medianRuntime).toBeLessThan(HELIOS_MEDIAN_RUNTIME_S * 1.1);
    // The heavy tail makes the sample mean noisy: within a factor of two of the cited one.
    expect(s.meanRuntime).toBeGreaterThan(HELIOS_MEAN_RUNTIME_S / 2);
    expect(s.meanRuntime).toBeLessThan(HELIOS_MEAN_RUNTIME_S * 2);
    expect(Math.abs(s.meanGpus - 3.716)).toBeLessThan(0.2);
    expect(s.gpuShares.get(1)!).toBeGreaterThan(0.5);
    // Past a node's 8 GPUs a job is whole-node replicas.
    for (const j of jobs) if (j.gpu * j.replicas > 8) expect(j.gpu).toBe(8);
  });

  it('offers the load asked for over the span, with inter-arrival times of the CV asked for', () => {
    const onPremGpus = 512;
    for (const cv of [1, 3]) {
      const jobs = generateTrace({ kind: 'helios', jobs: 20_000, seed: 2, onPremGpus, load: 0.8, cv, diurnal: 0 });
      const span = jobs[jobs.length - 1].arrival;
      const offered = jobs.reduce((s, j) => s + j.gpu * j.replicas * j.runtime, 0) / (onPremGpus * span);
      expect(offered).toBeGreaterThan(0.8 * 0.9);
      expect(offered).toBeLessThan(0.8 * 1.1);
      const gaps = jobs.slice(1).map((j, i) => j.arrival - jobs[i].arrival);
      const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
      const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
      expect(sd / mean).toBeGreaterThan(cv * 0.85);
      expect(sd / mean).toBeLessThan(cv * 1.15);
    }
  });
});
