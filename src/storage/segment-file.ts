/**
 * Reads one write-ahead log segment into its records, without judging it: where the intact
 * records stop and why. Whether that is a torn tail or lost data depends on the segment's place
 * in the chain, which src/storage/data-dir-recovery.ts decides.
 *
 * Format 2 segments start with a header (src/storage/segment-header.ts) and every record is a
 * checksummed line; format 1 segments (written before checksums) are bare JSON lines.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KINDS } from '../domain/kinds.js';
import type { StoreEvent } from './store.js';
import { hasChecksum, readChecksummedLine } from './checksummed-line.js';
import { decodeSegmentHeader, SEGMENT_HEADER_BYTES, type SegmentHeader } from './segment-header.js';

const EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED']);

export interface SegmentRecord {
  event: StoreEvent;
  version: number;
  /** 1-based line number in the file. */
  line: number;
}

export interface SegmentDamage {
  line: number;
  /** Byte offset of the damaged line. */
  offset: number;
  reason: string;
  /** It is the file's last line: what a crash during its write leaves. */
  final: boolean;
}

export interface SegmentFile {
  number: number;
  path: string;
  /** 'empty': no bytes at all (format 1 created segments empty). */
  format: 1 | 2 | 'empty';
  header?: SegmentHeader;
  /** Why a format-2 segment's header could not be read. */
  headerProblem?: string;
  /** The intact records before the first damaged line. */
  records: SegmentRecord[];
  damage?: SegmentDamage;
  /** Intact records after the damaged line: data a repair drops, listed so that it can say so. */
  afterDamage: SegmentRecord[];
  /** Bytes up to the first damaged line: the whole file when there is none. */
  validBytes: number;
  bytes: number;
}

export function segmentPath(dir: string, number: number): string {
  return join(dir, `wal.${number}.jsonl`);
}

export async function readSegmentFile(dir: string, number: number): Promise<SegmentFile> {
  const path = segmentPath(dir, number);
  return parseSegment(number, path, await readFile(path));
}

export function parseSegment(number: number, path: string, data: Buffer): SegmentFile {
  const segment: SegmentFile = { number, path, format: 'empty', records: [], afterDamage: [], validBytes: data.length, bytes: data.length };
  if (data.length === 0) return segment;
  const firstEnd = data.indexOf(0x0a);
  segment.format = hasChecksum(data, 0, firstEnd === -1 ? data.length : firstEnd) ? 2 : 1;
  let start = 0;
  let line = 1;
  if (segment.format === 2) {
    const decoded = decodeSegmentHeader(data);
    if ('header' in decoded) {
      segment.header = decoded.header;
      start = SEGMENT_HEADER_BYTES;
      line = 2;
    } else if ('event' in readChecksummedRecord(data, 0, firstEnd === -1 ? data.length : firstEnd)) {
      segment.headerProblem = 'its header line is missing';
    } else {
      // The records after a damaged header still carry their own checksums.
      segment.headerProblem = decoded.problem;
      start = firstEnd === -1 ? data.length : firstEnd + 1;
      line = 2;
    }
  }
  const readRecord = segment.format === 2 ? readChecksummedRecord : readBareRecord;
  for (; start < data.length; line++) {
    const newline = data.indexOf(0x0a, start);
    const end = newline === -1 ? data.length : newline;
    const read = newline === -1 ? { reason: 'the record is incomplete (no end of line)' } : readRecord(data, start, end);
    if ('event' in read) {
      const record = { event: read.event, version: Number(read.event.resourceVersion), line };
      (segment.damage ? segment.afterDamage : segment.records).push(record);
    } else if (!segment.damage) {
      segment.damage = { line, offset: start, reason: read.reason, final: end >= data.length - 1 };
      segment.validBytes = start;
    }
    start = end + 1;
  }
  return segment;
}

type RecordRead = { event: StoreEvent } | { reason: string };

function readChecksummedRecord(data: Buffer, start: number, end: number): RecordRead {
  const line = readChecksummedLine(data, start, end);
  if (!line.ok) return { reason: line.reason };
  return checkEvent(line.value.event);
}

function readBareRecord(data: Buffer, start: number, end: number): RecordRead {
  try {
    return checkEvent(JSON.parse(data.toString('utf8', start, end)));
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

function checkEvent(value: unknown): RecordRead {
  const event = value as Partial<StoreEvent> | undefined;
  const object = event?.object;
  if (
    !EVENT_TYPES.has(event?.type as string) ||
    typeof event?.resourceVersion !== 'string' ||
    !/^\d+$/.test(event.resourceVersion) ||
    !(KINDS as readonly string[]).includes(object?.kind as string) ||
    typeof object?.metadata?.name !== 'string'
  ) {
    return { reason: 'not a store event' };
  }
  return { event: event as StoreEvent };
}
