import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientErrors } from '../../../src/server/client-errors.js';
import { createLogger } from '../../../src/server/logger.js';
import { resultStream } from '../../../src/server/subscription-result-stream.js';
import { Warnings } from '../../../src/server/use-warnings.js';
import { GoneError } from '../../../src/domain/errors.js';

/** A source the test feeds by hand: `push` an event, `fail` it, or leave next() waiting. */
function manualSource() {
  const waiting: Array<{ resolve: (step: IteratorResult<unknown>) => void; reject: (error: unknown) => void }> = [];
  let returned = 0;
  const source: AsyncIterator<unknown> = {
    next: () => new Promise((resolve, reject) => waiting.push({ resolve, reject })),
    return: async () => {
      returned++;
      waiting.splice(0).forEach((w) => w.resolve({ done: true, value: undefined }));
      return { done: true, value: undefined };
    },
  };
  return {
    source,
    push: (value: unknown) => waiting.shift()!.resolve({ done: false, value }),
    end: () => waiting.shift()!.resolve({ done: true, value: undefined }),
    fail: (error: unknown) => waiting.shift()!.reject(error),
    returned: () => returned,
  };
}

const errors = clientErrors(createLogger('silent'));
const toResult = (event: unknown): ExecutionResult => ({ data: { event } as Record<string, unknown> });

describe('subscription result stream', () => {
  it('tells each delivered event, and its end once however it ends (the metrics)', async () => {
    for (const finish of ['end', 'return', 'fail'] as const) {
      const s = manualSource();
      const delivered: unknown[] = [];
      let ends = 0;
      const stream = resultStream(s.source, { toResult, errors, onDelivered: (event) => delivered.push(event), onEnd: () => ends++ });
      const first = stream.next();
      s.push('a');
      await first;
      const last = stream.next();
      if (finish === 'end') s.end();
      if (finish === 'fail') s.fail(new GoneError('1', '5'));
      if (finish === 'return') await stream.return!();
      await last.catch(() => undefined);
      await stream.return!();
      expect(delivered).toEqual(['a']);
      expect(ends).toBe(1);
    }
  });

  it('turns each source event into its result, then ends with the source', async () => {
    const s = manualSource();
    const stream = resultStream(s.source, { toResult, errors });
    const first = stream.next();
    s.push('a');
    expect(await first).toEqual({ done: false, value: { data: { event: 'a' } } });
    const second = stream.next();
    s.end();
    expect(await second).toEqual({ done: true, value: undefined });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('sends a warning at once on a message of its own while no event is ready, and keeps the event for the next call', async () => {
    const s = manualSource();
    const warnings = new Warnings();
    const stream = resultStream(s.source, { toResult, errors, warnings });
    const first = stream.next();
    warnings.add({ cluster: 'c1', message: 'unreachable' });
    expect(await first).toEqual({ done: false, value: { extensions: { warnings: [{ cluster: 'c1', message: 'unreachable' }] } } });
    const second = stream.next();
    s.push('a');
    expect(await second).toEqual({ done: false, value: { data: { event: 'a' } } });
  });

  it('carries warnings reported between events on the next event', async () => {
    const s = manualSource();
    const warnings = new Warnings();
    const stream = resultStream(s.source, { toResult, errors, warnings });
    const first = stream.next();
    s.push('a');
    await first;
    warnings.add({ message: 'late' });
    const second = stream.next();
    // The warning is ready before any event: it goes at once, on its own.
    expect(await second).toEqual({ done: false, value: { extensions: { warnings: [{ message: 'late' }] } } });
    const third = stream.next();
    s.push('b');
    expect(await third).toEqual({ done: false, value: { data: { event: 'b' } } });
  });

  it('puts warnings reported while an event executes on that event, and ends after the source', async () => {
    const s = manualSource();
    const warnings = new Warnings();
    const warnWhileExecuting = (event: unknown) => (warnings.add({ message: `while ${String(event)}` }), toResult(event));
    const stream = resultStream(s.source, { toResult: warnWhileExecuting, errors, warnings });
    const first = stream.next();
    s.push('a');
    expect(await first).toEqual({ done: false, value: { data: { event: 'a' }, extensions: { warnings: [{ message: 'while a' }] } } });
    const second = stream.next();
    s.end();
    expect(await second).toEqual({ done: true, value: undefined });
  });

  it('ends with a coded error when the source fails with a DomainError', async () => {
    const s = manualSource();
    const stream = resultStream(s.source, { toResult, errors });
    const first = stream.next();
    s.fail(new GoneError('3', '10'));
    const error = await first.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('GONE');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('masks an unexpected failure of the source', async () => {
    const s = manualSource();
    const stream = resultStream(s.source, { toResult, errors, warnings: new Warnings() });
    const first = stream.next();
    s.fail(new Error('disk on fire at /secret/path'));
    const error = (await first.then(() => undefined, (e: unknown) => e)) as GraphQLError;
    expect(error.message).toBe('Unexpected error.');
    expect(JSON.stringify(error)).not.toMatch(/fire|secret/);
  });

  it('passes return() to the source at once, even while next() waits', async () => {
    const s = manualSource();
    const stream = resultStream(s.source, { toResult, errors, warnings: new Warnings() });
    const waiting = stream.next();
    await stream.return!();
    expect(s.returned()).toBe(1);
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
