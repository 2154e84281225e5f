import { describe, expect, it } from 'vitest';
import { podLogLines, splitLines, type LogTarget, type PodLogSource } from '../../../src/cluster-managers/kubernetes/logs.js';
import type { LogLine } from '../../../src/cluster-managers/types.js';

const FAST = { pollIntervalMs: 10, drainTimeoutMs: 200 };

/** A workload whose pods and logs the test changes as it goes. */
class FakePods implements PodLogSource {
  targetsNow: LogTarget[] = [];
  finished = false;
  logs = new Map<string, string>();
  reads: { pod: string; tail?: number }[] = [];
  follows: { pod: string; tail?: number }[] = [];
  private live = new Map<string, { push: (line: string) => void; end: () => void; fail: (error: Error) => void }>();

  async targets() {
    return this.targetsNow;
  }
  async done() {
    return this.finished;
  }
  async read(pod: string, tail: number | undefined) {
    this.reads.push({ pod, tail });
    return this.logs.get(pod) ?? '';
  }
  follow(pod: string, tail: number | undefined, onLine: (line: string) => void, signal: AbortSignal) {
    this.follows.push({ pod, tail });
    return new Promise<void>((resolve, reject) => {
      const end = () => {
        this.live.delete(pod);
        resolve();
      };
      const fail = (error: Error) => {
        this.live.delete(pod);
        reject(error);
      };
      this.live.set(pod, { push: onLine, end, fail });
      signal.addEventListener('abort', end, { once: true });
    });
  }
  isTransient(error: unknown) {
    return (error as { code?: number }).code === 400;
  }
  fail(pod: string, code: number) {
    this.live.get(pod)!.fail(Object.assign(new Error(`${code}: nope`), { code }));
  }
  write(pod: string, line: string) {
    this.live.get(pod)!.push(line);
  }
  end(pod: string) {
    this.live.get(pod)?.end();
  }
  following(pod: string) {
    return this.live.has(pod);
  }
}

const target = (replica: number, pod: string, started = true, restarts = 0): LogTarget => ({ replica, pod, key: `${pod}/${restarts}`, started });

async function collect(lines: AsyncIterable<LogLine>, out: LogLine[] = []): Promise<LogLine[]> {
  for await (const line of lines) out.push(line);
  return out;
}

async function until(what: string, probe: () => boolean) {
  for (let i = 0; i < 500 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!probe()) throw new Error(`timed out waiting for ${what}`);
}

describe('splitLines', () => {
  it('drops only the empty string after a final newline', () => {
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
    expect(splitLines('')).toEqual([]);
  });
});

describe('podLogLines without follow', () => {
  it('reads each started pod once, tagged with its replica, with the tail', async () => {
    const pods = new FakePods();
    pods.targetsNow = [target(0, 'p0'), target(1, 'p1', false), target(2, 'p2')];
    pods.logs.set('p0', 'zero\n').set('p2', 'two a\ntwo b\n');
    const lines = await collect(podLogLines(pods, { ...FAST, tail: 5 }));
    expect(lines).toEqual([
      { replica: 0, line: 'zero' },
      { replica: 2, line: 'two a' },
      { replica: 2, line: 'two b' },
    ]);
    expect(pods.reads).toEqual([
      { pod: 'p0', tail: 5 },
      { pod: 'p2', tail: 5 },
    ]);
  });
});

describe('podLogLines with follow', () => {
  it('follows pods as they start and ends once the workload is done and the streams have ended', async () => {
    const pods = new FakePods();
    pods.targetsNow = [target(0, 'p0'), target(1, 'p1', false)];
    const result = collect(podLogLines(pods, { ...FAST, follow: true, tail: 3 }));
    await until('p0 followed', () => pods.following('p0'));
    pods.write('p0', 'hello from 0');
    pods.targetsNow = [target(0, 'p0'), target(1, 'p1')];
    await until('p1 followed', () => pods.following('p1'));
    pods.write('p1', 'hello from 1');
    pods.end('p0');
    pods.end('p1');
    pods.finished = true;
    expect(await result).toEqual([
      { replica: 0, line: 'hello from 0' },
      { replica: 1, line: 'hello from 1' },
    ]);
    expect(pods.follows).toEqual([
      { pod: 'p0', tail: 3 },
      { pod: 'p1', tail: 3 },
    ]);
  });

  it('follows a restarted container again from its start', async () => {
    const pods = new FakePods();
    pods.targetsNow = [target(0, 'p0', true, 0)];
    const controller = new AbortController();
    const seen: LogLine[] = [];
    const result = collect(podLogLines(pods, { ...FAST, follow: true, tail: 1, signal: controller.signal }), seen);
    await until('p0 followed', () => pods.following('p0'));
    pods.end('p0');
    pods.targetsNow = [target(0, 'p0', true, 1)];
    await until('p0 followed again', () => pods.follows.length === 2);
    pods.write('p0', 'second life');
    await until('the line passed on', () => seen.length === 1);
    controller.abort();
    expect(await result).toEqual([{ replica: 0, line: 'second life' }]);
    expect(pods.follows).toEqual([
      { pod: 'p0', tail: 1 },
      { pod: 'p0', tail: undefined },
    ]);
  });

  it('ends when the signal aborts, cutting the streams', async () => {
    const pods = new FakePods();
    pods.targetsNow = [target(0, 'p0')];
    const controller = new AbortController();
    const result = collect(podLogLines(pods, { ...FAST, follow: true, signal: controller.signal }));
    await until('p0 followed', () => pods.following('p0'));
    controller.abort();
    expect(await result).toEqual([]);
    await until('the stream cut', () => !pods.following('p0'));
  });

  it('cuts streams that do not end by themselves once the workload is done', async () => {
    const pods = new FakePods();
    pods.targetsNow = [target(0, 'p0')];
    const result = collect(podLogLines(pods, { ...FAST, follow: true }));
    await until('p0 followed', () => pods.following('p0'));
    pods.write('p0', 'last words');
    pods.finished = true;
    expect(await result).toEqual([{ replica: 0, line: 'last words' }]);
    expect(pods.following('p0')).toBe(false);
  });

  it('tries a container that had not started again, and ends with the error of any other failure', async () => {
    const pods = new FakePods();
    pods.targetsNow = [target(0, 'p0')];
    const result = collect(podLogLines(pods, { ...FAST, follow: true }));
    await until('p0 followed', () => pods.following('p0'));
    pods.fail('p0', 400);
    await until('p0 followed again', () => pods.follows.length === 2 && pods.following('p0'));
    pods.fail('p0', 500);
    await expect(result).rejects.toThrow('500: nope');
  });
});
