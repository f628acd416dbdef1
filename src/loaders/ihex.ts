/**
 * Intel HEX (Intel "Hexadecimal Object File Format Specification" rev A, 1988): data records (00),
 * end of file (01), extended segment address (02), start segment address (03), extended linear address
 * (04) and start linear address (05).
 *
 * Written here rather than taken from npm: nrf-intel-hex (the maintained reader) drops the start
 * address records 03/05 that give the entry point, counts records instead of lines in its errors and
 * refuses segment-relative data that wraps at 64 KB, which the specification allows; intel-hex 0.2.0
 * needs Node's Buffer. The format is a few lines of text parsing.
 */
import { UserError } from '../errors.js';
import { segmentsFromChunks, type Chunk } from './chunks.js';
import type { Image } from './image.js';
import { byteHex, eachRecord, parseHexBytes, sumOfBytes } from './text-records.js';

const DATA = 0x00;
const EOF = 0x01;
const EXTENDED_SEGMENT = 0x02;
const START_SEGMENT = 0x03;
const EXTENDED_LINEAR = 0x04;
const START_LINEAR = 0x05;

/** Data bytes each non-data record type must carry. */
const FIXED_LENGTH: Readonly<Record<number, number>> = {
  [EOF]: 0,
  [EXTENDED_SEGMENT]: 2,
  [START_SEGMENT]: 4,
  [EXTENDED_LINEAR]: 2,
  [START_LINEAR]: 4,
};

/** True when the text looks like Intel HEX (first non-blank character is ':'). */
export function isIntelHex(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  return bytes[i] === 0x3a;
}

/** Reads an Intel HEX file. Bad input → UserError naming `file` and the line. */
export function parseIntelHex(text: string, file: string): Image {
  const chunks: Chunk[] = [];
  let base = 0; // linear base (04 << 16) or segment base (02 << 4)
  let segmentMode = false;
  let entry: number | undefined;
  let ended = false;
  const lastLine = eachRecord(text, file, (record, fail, line) => {
    if (ended) fail('record after the end-of-file record');
    if (record[0] !== ':') fail(`bad record: does not start with ':'`);
    const bytes = parseHexBytes(record.slice(1), fail);
    if (bytes.length < 5) fail(`bad record: too short (${bytes.length} bytes, a record has at least 5)`);
    const count = bytes[0];
    if (bytes.length !== count + 5) fail(`bad record: byte count says ${count} data bytes, the record has ${bytes.length - 5}`);
    const sum = sumOfBytes(bytes.subarray(0, bytes.length - 1));
    const expected = -sum & 0xff;
    const given = bytes[bytes.length - 1];
    if (expected !== given) fail(`checksum mismatch: the record says 0x${byteHex(given)}, its bytes give 0x${byteHex(expected)}`);
    const offset = (bytes[1] << 8) | bytes[2];
    const type = bytes[3];
    const data = bytes.subarray(4, 4 + count);
    if (type !== DATA) {
      const want = FIXED_LENGTH[type];
      if (want === undefined) fail(`unknown record type 0x${byteHex(type)}`);
      if (count !== want) fail(`bad record: type 0x${byteHex(type)} needs ${want} data bytes, has ${count}`);
    }
    switch (type) {
      case DATA:
        if (!segmentMode && base + offset + data.length > 0x1_0000_0000) fail('data runs past the end of the 32-bit address space');
        chunks.push(...dataChunks(base, segmentMode, offset, data, `line ${line}`));
        break;
      case EOF:
        ended = true;
        break;
      case EXTENDED_SEGMENT:
        base = ((data[0] << 8) | data[1]) << 4;
        segmentMode = true;
        break;
      case EXTENDED_LINEAR:
        base = (((data[0] << 8) | data[1]) << 16) >>> 0;
        segmentMode = false;
        break;
      case START_SEGMENT:
        entry = ((((data[0] << 8) | data[1]) << 4) + ((data[2] << 8) | data[3])) >>> 0;
        break;
      case START_LINEAR:
        entry = ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0;
        break;
    }
  });
  if (!ended) throw new UserError(`${file}: line ${lastLine}: no end-of-file record (type 01)`);
  const segments = segmentsFromChunks(file, chunks);
  return { file, format: 'ihex', segments, sections: [], symbols: [], ...(entry !== undefined ? { entry } : {}) };
}

/**
 * Addresses of a data record's bytes. With a segment base the 16-bit offset wraps inside the 64 KB
 * segment (spec: "(SBA + ([DRLO + DRI] MOD 64K))"), so one record may give two chunks.
 */
function dataChunks(base: number, segmentMode: boolean, offset: number, data: Uint8Array, origin: string): Chunk[] {
  if (!segmentMode || offset + data.length <= 0x1_0000) {
    return [{ address: (base + offset) >>> 0, data: data.slice(), origin }];
  }
  const first = 0x1_0000 - offset;
  return [
    { address: base + offset, data: data.slice(0, first), origin },
    { address: base, data: data.slice(first), origin },
  ];
}
