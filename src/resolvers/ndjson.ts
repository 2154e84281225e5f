/**
 * Newline-delimited JSON from a byte stream, one value per line, decoded as lines complete (a
 * follow delivers each line as soon as its newline arrives, and a character split across chunks
 * is decoded whole). Lines are capped: the peer is whatever URL a Cluster's status names, and a
 * "line" that never ends must not grow in memory without bound.
 */
const NEWLINE = 0x0a;

/** Large enough for any log line worth reading. */
export const MAX_LINE_BYTES = 1024 * 1024;

export class NdjsonError extends Error {}

function parseLine(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    // The content is not echoed: it may be anything the URL serves.
    throw new NdjsonError('a line of the answer is not JSON');
  }
}

export async function* parseNdjson(chunks: AsyncIterable<Uint8Array>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<unknown> {
  let rest: Buffer = Buffer.alloc(0);
  const tooLong = () => new NdjsonError(`a line of the answer is longer than ${maxLineBytes} bytes`);
  for await (const chunk of chunks) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : Buffer.from(chunk);
    let start = 0;
    for (let end = data.indexOf(NEWLINE, start); end >= 0; end = data.indexOf(NEWLINE, start)) {
      const line = data.subarray(start, end);
      start = end + 1;
      if (line.length > maxLineBytes) throw tooLong();
      if (line.toString('utf8').trim() !== '') yield parseLine(line);
    }
    rest = data.subarray(start);
    if (rest.length > maxLineBytes) throw tooLong();
  }
  // A last line without its newline still counts; if it was cut short, it is not JSON.
  if (rest.toString('utf8').trim() !== '') yield parseLine(rest);
}
