/**
 * The first line of a format-2 write-ahead log segment: a fixed-width, checksummed JSON line
 * that ties the segment into its data directory's chain.
 *
 *   dir        the data directory's id (also in the snapshot): a segment from elsewhere is refused
 *   segment    its own number, as in its file name
 *   first      the resourceVersion of its first record: one past its predecessor's last
 *   committed  the last resourceVersion it holds that was fdatasync'ed. Rewritten in place after
 *              each group commit, and made durable by the next one's fdatasync (no fsync of its
 *              own), so records up to it were acknowledged and a shorter segment was cut short.
 *   sealed     set once its successor exists: a sealed last segment means the next one is gone
 *
 * Padding to a fixed width lets it be rewritten with one pwrite, never moving the records.
 */
import { BODY_OFFSET, checksummedLine, readChecksummedLine } from './checksummed-line.js';

export const SEGMENT_HEADER_BYTES = 256;
export const SEGMENT_FORMAT = 2;

export interface SegmentHeader {
  dir: string;
  segment: number;
  first: number;
  committed: number;
  sealed: boolean;
}

export function encodeSegmentHeader(header: SegmentHeader): Buffer {
  const { dir, segment, first, committed, sealed } = header;
  // Written once per group commit: a template, not JSON.stringify of an object. The padding is
  // inside the checksummed body: JSON allows whitespace after the object.
  const members = `"wal":${SEGMENT_FORMAT},"dir":${JSON.stringify(dir)},"segment":${segment},"first":${first},"committed":${committed},"sealed":${sealed}}`;
  const body = members.padEnd(SEGMENT_HEADER_BYTES - BODY_OFFSET - 1, ' ');
  const line = checksummedLine(body) + '\n';
  if (Buffer.byteLength(line) !== SEGMENT_HEADER_BYTES) throw new Error(`A write-ahead log segment header does not fit in ${SEGMENT_HEADER_BYTES} bytes: {${members}`);
  return Buffer.from(line, 'utf8');
}

/** The header at the start of `data`, or why there is none. */
export function decodeSegmentHeader(data: Buffer): { header: SegmentHeader } | { problem: string } {
  const end = data.indexOf(0x0a);
  if (end === -1) return { problem: 'its header line is incomplete' };
  const line = readChecksummedLine(data, 0, end);
  if (!line.ok) return { problem: `its header is damaged: ${line.reason}` };
  const { wal, dir, segment, first, committed, sealed } = line.value;
  if (wal !== SEGMENT_FORMAT) return { problem: `its header names format ${JSON.stringify(wal)}, not ${SEGMENT_FORMAT}` };
  if (typeof dir !== 'string' || !isCount(segment) || !isCount(first) || !isCount(committed) || typeof sealed !== 'boolean') {
    return { problem: 'its header is not a write-ahead log segment header' };
  }
  if (end + 1 !== SEGMENT_HEADER_BYTES) return { problem: `its header is ${end + 1} bytes long, not ${SEGMENT_HEADER_BYTES}` };
  return { header: { dir, segment, first, committed, sealed } };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
