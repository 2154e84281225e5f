/**
 * A workload's log lines from the pod log API, one stream per pod, each line tagged with the
 * replica its pod stands for. Without `follow`: each started pod's log (or its last `tail`
 * lines), one after the other. With `follow`: the pods are listed every `pollIntervalMs`; each
 * container that has started is followed (a restarted container again, from its start), and the
 * whole ends once the source says no replica will log again and the streams have delivered their
 * last lines, or when the signal aborts.
 *
 * The source is an interface so that this merging is tested without a cluster.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine, LogOptions } from '../types.js';

/** One container instance to read: a pod's main container at one restart count. */
export interface LogTarget {
  replica: number;
  pod: string;
  /** Names the container instance: a new one (restarted) is followed again. */
  key: string;
  /** The container has started (running or terminated): the log API has something to read. */
  started: boolean;
}

export interface PodLogSource {
  /** The workload's pods now, by replica; empty when the workload is gone. */
  targets(): Promise<LogTarget[]>;
  /** True once no replica will write again (a finished Job, or the workload is gone). */
  done(): Promise<boolean>;
  read(pod: string, tail: number | undefined): Promise<string>;
  /** Streams the pod's log into `onLine` until the container ends or `signal` aborts. */
  follow(pod: string, tail: number | undefined, onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
  /**
   * A follow that failed this way is tried again at the next poll (the container had not started
   * after all, the pod went away); any other failure ends the whole follow with that error.
   */
  isTransient(error: unknown): boolean;
}

export interface PodLogOptions extends LogOptions {
  pollIntervalMs: number;
  /** After `done`, how long streams still have to deliver their last lines before they are cut. */
  drainTimeoutMs: number;
}

/** Lines of a log text; the empty string after a final newline is not a line. */
export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines pushed by the streams, and a way to wait for the next ones. */
class LineQueue {
  private lines: LogLine[] = [];
  private wake?: () => void;

  /** Adds a line; `undefined` only wakes the reader (a stream failed). */
  push(line: LogLine | undefined): void {
    if (line) this.lines.push(line);
    this.wake?.();
  }

  take(): LogLine[] {
    const lines = this.lines;
    this.lines = [];
    return lines;
  }

  /** Until a line arrives, `ms` pass, or the signal aborts. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.lines.length > 0 || signal.aborted) return;
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race([woken, sleep(ms, undefined, { signal }).catch(() => undefined)]);
    this.wake = undefined;
  }
}

export async function* podLogLines(source: PodLogSource, options: PodLogOptions): AsyncGenerator<LogLine> {
  const signal = options.signal ?? new AbortController().signal;
  if (!options.follow) {
    for (const target of await source.targets()) {
      if (signal.aborted) return;
      if (!target.started) continue;
      for (const line of splitLines(await source.read(target.pod, options.tail))) yield { replica: target.replica, line };
    }
    return;
  }

  const queue = new LineQueue();
  const followed = new Set<string>();
  const streams = new Set<Promise<void>>();
  const cut = new AbortController();
  const streamSignal = AbortSignal.any([signal, cut.signal]);
  let nextPoll = 0;
  /** The first stream failure that is not transient; set from the streams' callbacks. */
  const failed: { error?: unknown } = {};
  try {
    while (!signal.aborted) {
      if ('error' in failed) throw failed.error;
      if (Date.now() >= nextPoll) {
        // Asked before listing, so a container that ends just now is still followed to its end.
        const done = await source.done();
        for (const target of await source.targets()) {
          if (!target.started || followed.has(target.key)) continue;
          // The first instance of each pod starts at the tail; a restarted container's log is all new.
          const restarted = [...followed].some((key) => key.startsWith(`${target.pod}/`));
          followed.add(target.key);
          const stream: Promise<void> = source
            .follow(target.pod, restarted ? undefined : options.tail, (line) => queue.push({ replica: target.replica, line }), streamSignal)
            .catch((error: unknown) => {
              if (source.isTransient(error)) followed.delete(target.key);
              else if (!('error' in failed)) failed.error = error;
              queue.push(undefined);
            })
            .finally(() => streams.delete(stream));
          streams.add(stream);
        }
        if (done) {
          if ('error' in failed) throw failed.error;
          await Promise.race([Promise.all(streams), sleep(options.drainTimeoutMs, undefined, { signal }).catch(() => undefined)]);
          cut.abort();
          yield* queue.take();
          return;
        }
        nextPoll = Date.now() + options.pollIntervalMs;
      }
      yield* queue.take();
      // Lines are passed on as they come; the pods are looked at again only every poll interval.
      await queue.wait(Math.max(0, nextPoll - Date.now()), signal);
    }
  } finally {
    cut.abort();
  }
}
