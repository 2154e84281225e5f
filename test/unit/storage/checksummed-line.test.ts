import { describe, expect, it } from 'vitest';
import { checksummedLine, readChecksummedLine } from '../../../src/storage/checksummed-line.js';

const read = (line: string, closing?: string) => {
  const data = Buffer.from(line);
  return readChecksummedLine(data, 0, data.length, closing);
};

describe('checksummed lines', () => {
  it('round-trips a JSON object and its array separator', () => {
    const line = checksummedLine('"event":{"a":"ü"}}');
    expect(line).toMatch(/^\{"crc":"[0-9a-f]{8}","event":\{"a":"ü"\}\}$/);
    expect(read(line)).toEqual({ ok: true, value: { crc: line.slice(8, 16), event: { a: 'ü' } } });
    expect(read(line + ',')).toMatchObject({ ok: true });
  });

  it('completes a line that opens a document', () => {
    expect(read(checksummedLine('"format":2,"objects":['), ']}')).toMatchObject({ ok: true, value: { format: 2, objects: [] } });
  });

  it('notices one changed character, a missing checksum and a line that is not JSON', () => {
    const line = checksummedLine('"event":{"replicas":1}}');
    expect(read(line.replace('1}', '2}'))).toEqual({ ok: false, reason: expect.stringMatching(/^its checksum [0-9a-f]{8} does not match its content/) });
    expect(read('{"type":"ADDED"}')).toEqual({ ok: false, reason: 'it does not start with its checksum' });
    expect(read(checksummedLine('"event":{'))).toEqual({ ok: false, reason: expect.stringMatching(/^it is not JSON/) });
  });
});
