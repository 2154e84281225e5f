import { buildSchema, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientErrors } from '../../../src/server/client-errors.js';
import { createLogger } from '../../../src/server/logger.js';
import { sharedSubscribe } from '../../../src/server/use-shared-subscription-results.js';

/** A tiny schema whose `events` subscription hands every subscriber the same event objects. */
function setup(events: object[]) {
  const schema = buildSchema(`
    type Query { ok: Boolean }
    type Event { name(upper: Boolean): String }
    type Subscription { events(topic: String): Event }
  `);
  let resolved = 0;
  let returned = 0;
  // The same payload object per event for every subscriber, as the watch resolvers hand out.
  const payloads = events.map((event) => ({ events: event }));
  const rootValue = {
    events: () => {
      let i = 0;
      return {
        next: async () => (i < payloads.length ? { done: false, value: payloads[i++] } : { done: true, value: undefined }),
        return: async () => (returned++, { done: true, value: undefined }),
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
  const Event = schema.getType('Event') as any;
  Event.getFields().name.resolve = (event: { name: string }, args: { upper?: boolean }) => {
    resolved++;
    return args.upper ? event.name.toUpperCase() : event.name;
  };
  const subscribe = (query: string, variableValues: Record<string, unknown>) =>
    sharedSubscribe({ schema, document: parse(query), rootValue, variableValues }, clientErrors(createLogger('silent'))) as Promise<AsyncIterableIterator<ExecutionResult>>;
  return { subscribe, resolved: () => resolved, returned: () => returned };
}

const QUERY = 'subscription($topic: String, $upper: Boolean) { events(topic: $topic) { name(upper: $upper) } }';

async function drain(stream: AsyncIterableIterator<ExecutionResult>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const result of stream) out.push(result.data);
  return out;
}

describe('shared subscription results', () => {
  it('executes each event once for subscribers of the same document, whatever their root arguments', async () => {
    const events = [{ name: 'a' }, { name: 'b' }];
    const t = setup(events);
    const one = await t.subscribe(QUERY, { topic: 'x' });
    const two = await t.subscribe(QUERY, { topic: 'y' });
    expect(await drain(one)).toEqual([{ events: { name: 'a' } }, { events: { name: 'b' } }]);
    expect(await drain(two)).toEqual([{ events: { name: 'a' } }, { events: { name: 'b' } }]);
    expect(t.resolved()).toBe(2);
  });

  it('executes separately when a variable used below the root field differs', async () => {
    const t = setup([{ name: 'a' }]);
    const lower = await t.subscribe(QUERY, { upper: false });
    const upper = await t.subscribe(QUERY, { upper: true });
    expect(await drain(lower)).toEqual([{ events: { name: 'a' } }]);
    expect(await drain(upper)).toEqual([{ events: { name: 'A' } }]);
    expect(t.resolved()).toBe(2);
  });

  it('hands every subscriber the same frozen result, so one cannot change what another gets', async () => {
    const t = setup([{ name: 'a' }]);
    const [one, two] = [await t.subscribe(QUERY, {}), await t.subscribe(QUERY, {})];
    const [r1, r2] = [(await one.next()).value, (await two.next()).value];
    expect(r1).toBe(r2);
    expect(Object.isFrozen(r1)).toBe(true);
    expect(() => Object.assign(r1, { extensions: { mine: true } })).toThrow(TypeError);
  });

  it('passes return() through to the source stream', async () => {
    const t = setup([{ name: 'a' }, { name: 'b' }]);
    const stream = await t.subscribe(QUERY, {});
    await stream.next();
    await stream.return?.();
    expect(t.returned()).toBe(1);
  });
});

describe('shared subscription results, memory', () => {
  it('keeps results for recent events only: subscribers in step share, one far behind executes its own', async () => {
    const events = Array.from({ length: 300 }, (_, i) => ({ name: `e${i}` }));
    const t = setup(events);
    const [one, two] = [await t.subscribe(QUERY, {}), await t.subscribe(QUERY, {})];
    for (let i = 0; i < 300; i++) {
      const [a, b] = [await one.next(), await two.next()];
      expect(a.value).toBe(b.value);
    }
    expect(t.resolved()).toBe(300);
    // 300 events later, the first ones are no longer cached.
    const behind = await t.subscribe(QUERY, {});
    expect(await drain(behind)).toHaveLength(300);
    expect(t.resolved()).toBe(600);
  });
});
