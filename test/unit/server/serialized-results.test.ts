import { describe, expect, it } from 'vitest';
import { payloadReplacer, serializedPayload, spliceSerialized } from '../../../src/server/serialized-results.js';

/** A `next` message as graphql-ws builds it: payload from onNext (or the result), then encoded. */
function nextMessage(id: string, result: object): string {
  const payload = serializedPayload(result) ?? result;
  return spliceSerialized(JSON.stringify({ id, type: 'next', payload }, payloadReplacer));
}

describe('serialized results', () => {
  it('sends a shared (frozen) result as the same JSON graphql-ws would have written', () => {
    const result = Object.freeze({ data: { watchJobs: { type: 'MODIFIED', object: { metadata: { name: 'a "quoted" \\ name', labels: { x: '\u2028' } } } } } });
    const message = nextMessage('7', result);
    expect(JSON.parse(message)).toEqual({ id: '7', type: 'next', payload: result });
    expect(message).toBe(JSON.stringify({ id: '7', type: 'next', payload: result }));
  });

  it('encodes a shared result once for all of its subscribers', () => {
    let encodings = 0;
    const counted = Object.freeze({ data: { get n() { encodings++; return 1; } } });
    for (let i = 0; i < 3; i++) expect(JSON.parse(nextMessage(String(i), counted))).toEqual({ id: String(i), type: 'next', payload: { data: { n: 1 } } });
    expect(encodings).toBe(1);
  });

  it('gives each message its own payload even when messages are sent in another order than encoded', () => {
    const [a, b] = [Object.freeze({ data: { n: 'a' } }), Object.freeze({ data: { n: 'b' } })];
    const encodedA = JSON.stringify({ id: '1', type: 'next', payload: serializedPayload(a) }, payloadReplacer);
    const encodedB = JSON.stringify({ id: '2', type: 'next', payload: serializedPayload(b) }, payloadReplacer);
    expect(JSON.parse(spliceSerialized(encodedB))).toEqual({ id: '2', type: 'next', payload: b });
    expect(JSON.parse(spliceSerialized(encodedA))).toEqual({ id: '1', type: 'next', payload: a });
  });

  it('leaves a subscriber\'s own result and other messages to graphql-ws', () => {
    const own = { data: { n: 1 }, extensions: { warnings: [{ message: '__skym_serialized_payload__' }] } };
    expect(serializedPayload(own)).toBeUndefined();
    expect(JSON.parse(nextMessage('1', own))).toEqual({ id: '1', type: 'next', payload: own });
    const complete = JSON.stringify({ id: '1', type: 'complete' }, payloadReplacer);
    expect(spliceSerialized(complete)).toBe('{"id":"1","type":"complete"}');
  });
});
