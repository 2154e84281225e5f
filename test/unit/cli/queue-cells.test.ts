/** The cells of `skym get queues`, the Queue section's phrases, and the quota and duration flags. */
import { describe, expect, it } from 'vitest';
import { parseDuration, parseDurationMs } from '../../../cli/durations.js';
import { parseQuota } from '../../../cli/queue-flags.js';
import { borrowed, ordinal, positionPhrase, preemptionLine, shortMemory, usedOverQuota } from '../../../cli/queue-cells.js';
import { UsageError } from '../../../cli/usage-error.js';
import type { Queue, QuotaUsage } from '../../../src/domain/types.js';

const usage = (u: Partial<QuotaUsage> = {}): QuotaUsage => ({ cpu: 0, memory: 0, gpu: 0, accelerators: [], ...u });

function queue(quota: Queue['spec']['quota'], used: QuotaUsage, lent: QuotaUsage = usage()): Queue {
  return {
    kind: 'Queue',
    metadata: { name: 'team-a', uid: 'u', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: {
      namespaces: [],
      quota,
      weight: 1,
      queueingStrategy: 'BEST_EFFORT_FIFO',
      starvationTimeout: 300,
      paused: false,
      preemption: { withinQueue: 'LOWER_PRIORITY', reclaimWithinCohort: 'ANY', maxPerMinute: 10 },
    },
    status: { phase: 'ACTIVE', conditions: [], usage: used, borrowed: lent, pending: 0, admitted: 0, share: 0 },
  };
}

describe('queue cells', () => {
  it('shows used/quota compactly, limited figures always and unlimited ones only when used', () => {
    expect(usedOverQuota(queue({ cpu: 8, memory: 16_384, gpu: 2, accelerators: [] }, usage({ cpu: 3, memory: 2048 })))).toBe('cpu 3/8, mem 2Gi/16Gi, gpu 0/2');
    expect(usedOverQuota(queue({ cpu: 4, accelerators: [{ name: 'A100', gpu: 1 }] }, usage({ cpu: 0.5, memory: 512, gpu: 1, accelerators: [{ name: 'A100', gpu: 1 }] })))).toBe(
      'cpu 0.5/4, mem 512Mi, gpu 1, gpu.A100 1/1',
    );
    expect(usedOverQuota(queue({ accelerators: [] }, usage()))).toBe('-');
    expect(borrowed(queue({ accelerators: [] }, usage(), usage({ cpu: 2, memory: 1536 })))).toBe('cpu 2, mem 1.5Gi');
    expect(borrowed(queue({ accelerators: [] }, usage()))).toBe('-');
  });

  it('writes memory as Kubernetes quantities', () => {
    expect([0, 1, 512, 1024, 1536, 1000, 1024 * 1024].map(shortMemory)).toEqual(['0', '1Mi', '512Mi', '1Gi', '1.5Gi', '1000Mi', '1Ti']);
  });

  it('says positions as ordinals and preemptions in words', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
    expect(positionPhrase(3, 'team-a', 12)).toBe('3rd of 12 in queue team-a');
    expect(positionPhrase(3, 'team-a', undefined)).toBe('3rd in queue team-a');
    expect(preemptionLine({ by: 'Job/default/urgent-job', queue: 'team-b', priority: 1000, at: 'T' })).toBe('Preempted to admit default/urgent-job (priority 1000) at T');
    expect(preemptionLine({ by: 'Deployment/ops/web', queue: 'ops', priority: 5, at: 'T' })).toBe('Preempted to admit deployment ops/web (priority 5) at T');
  });
});

describe('quota and duration flags', () => {
  it('parse quotas with the quantities --resources takes, per accelerator model too', () => {
    expect(parseQuota(['cpu=8,memory=16Gi,gpu=2,gpu.A100=1'], '--quota')).toEqual({ cpu: 8, memory: 16_384, gpu: 2, accelerators: [{ name: 'A100', gpu: 1 }] });
    expect(parseQuota(['cpu=500m', 'memory=512'], '--quota')).toEqual({ cpu: 0.5, memory: 512 });
    expect(parseQuota(undefined, '--quota')).toBeUndefined();
  });

  it('refuse unknown resources, repeats and bad quantities, naming the flag', () => {
    expect(() => parseQuota(['disk=1'], '--quota')).toThrow(UsageError);
    expect(() => parseQuota(['disk=1'], '--quota')).toThrow(/--quota: unknown resource "disk"/);
    expect(() => parseQuota(['cpu=1,cpu=2'], '--borrowing-limit')).toThrow(/--borrowing-limit cpu is given twice/);
    expect(() => parseQuota(['memory=2Gx'], '--quota')).toThrow(/--quota memory: "2Gx" is not/);
    expect(() => parseQuota(['gpu.=1'], '--quota')).toThrow(/accelerator model/);
    expect(() => parseQuota(['gpu.A100=0.5'], '--quota')).toThrow(/--quota gpu.A100/);
  });

  it('parse durations in seconds, s, m, h and d', () => {
    expect(['300', '90s', '5m', '1h30m', '2d'].map((t) => parseDuration(t, '--starvation-timeout'))).toEqual([300, 90, 300, 5400, 172_800]);
    for (const bad of ['', '5 m', '5x', 'm5', '1.5h']) expect(() => parseDuration(bad, '--starvation-timeout')).toThrow(/--starvation-timeout: .* is not a duration/);
    expect(() => parseDuration('1500ms', '--starvation-timeout')).toThrow(/--starvation-timeout: "1500ms" is not a whole number of seconds/);
  });

  it('parse durations in milliseconds for the leader election timings', () => {
    expect(['15s', '500ms', '1m30s', '2', '1s250ms'].map((t) => parseDurationMs(t, '--retry-period'))).toEqual([15_000, 500, 90_000, 2_000, 1_250]);
    for (const bad of ['', '1.5s', 'ms', '10 s', '5sec']) expect(() => parseDurationMs(bad, '--retry-period')).toThrow(/--retry-period: .* is not a duration/);
  });
});
