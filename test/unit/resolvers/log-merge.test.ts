import { describe, expect, it } from 'vitest';
import { groupByReplica, interleave } from '../../../src/resolvers/log-merge.js';
import { parseNdjson } from '../../../src/resolvers/ndjson.js';

/** An async iterable whose items the test releases one at a time. */
class Gate<T> implements AsyncIterable<T> {
  private readonly queue: (IteratorResult<T> | Error)[] = [];
  private wake?: () => void;
  returned = false;
  push(value: T) {
    this.settle({ done: false, value });
  }
  end() {
    this.settle({ done: true, value: undefined });
  }
  fail(error: Error) {
    this.settle(error);
  }
  private settle(item: IteratorResult<T> | Error) {
    this.queue.push(item);
    this.wake?.();
  }
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async () => {
        while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        const item = this.queue.shift()!;
        if (item instanceof Error) throw item;
        return item;
      },
      return: async () => {
        this.returned = true;
        return { done: true, value: undefined };
      },
    };
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function* chunks(...parts: (string | Uint8Array)[]) {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('groupByReplica', () => {
  it('puts each replica’s lines together in replica order, keeping the order read within each', () => {
    const lines = [
      { replica: 1, line: 'b1' },
      { replica: 0, line: 'a1' },
      { replica: 1, line: 'b2' },
      { replica: 0, line: 'a2' },
    ];
    expect(groupByReplica(lines).map((l) => l.line)).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(lines[0].line).toBe('b1'); // the input is left alone
  });
});

describe('interleave', () => {
  it('passes items on in the order they arrive from any source, and ends when all have ended', async () => {
    const a = new Gate<string>();
    const b = new Gate<string>();
    const seen: string[] = [];
    const done = (async () => {
      for await (const item of interleave([a, b])) seen.push(item);
    })();
    b.push('b1');
    await tick();
    a.push('a1');
    await tick();
    b.push('b2');
    b.end();
    await tick();
    expect(seen).toEqual(['b1', 'a1', 'b2']);
    a.push('a2');
    a.end();
    await done;
    expect(seen).toEqual(['b1', 'a1', 'b2', 'a2']);
  });

  it('ends at once without sources', async () => {
    expect(await all(interleave([]))).toEqual([]);
  });

  it('fails when a source fails', async () => {
    const a = new Gate<string>();
    a.push('a1');
    a.fail(new Error('boom'));
    await expect(all(interleave([a]))).rejects.toThrow('boom');
  });

  it('asks unfinished sources to return when the consumer leaves early', async () => {
    const a = new Gate<string>();
    const b = new Gate<string>();
    a.push('a1');
    for await (const item of interleave([a, b])) {
      expect(item).toBe('a1');
      break;
    }
    expect(a.returned).toBe(true);
    expect(b.returned).toBe(true);
  });
});

describe('parseNdjson', () => {
  it('yields one value per line, across chunk boundaries and split characters', async () => {
    const euro = new TextEncoder().encode('{"line":"€"}\n'); // € is three bytes
    const values = await all(parseNdjson(chunks('{"a":1}\n{"a"', ':2}\n\n', euro.subarray(0, 10), euro.subarray(10), '{"a":3}')));
    expect(values).toEqual([{ a: 1 }, { a: 2 }, { line: '€' }, { a: 3 }]);
  });

  it('yields a line as soon as its newline arrives', async () => {
    const gate = new Gate<Uint8Array>();
    const iterator = parseNdjson(gate)[Symbol.asyncIterator]();
    gate.push(new TextEncoder().encode('{"n":1}\n{"n":'));
    expect(await iterator.next()).toEqual({ done: false, value: { n: 1 } });
    gate.push(new TextEncoder().encode('2}\n'));
    gate.end();
    expect(await iterator.next()).toEqual({ done: false, value: { n: 2 } });
    expect((await iterator.next()).done).toBe(true);
  });

  it('refuses what is not JSON without repeating it', async () => {
    await expect(all(parseNdjson(chunks('<html>secret</html>\n')))).rejects.toThrow(/^a line of the answer is not JSON$/);
  });

  it('refuses a line longer than the cap, even before it ends', async () => {
    await expect(all(parseNdjson(chunks('{"a":"0123456789"}\n'), 10))).rejects.toThrow('longer than 10 bytes');
    await expect(all(parseNdjson(chunks('"01234', '56789', '012345'), 10))).rejects.toThrow('longer than 10 bytes');
  });
});
