/**
 * Motorola S-record (the SREC format of the M68000 family manuals, as objcopy writes it): S0 header,
 * S1/S2/S3 data with 16/24/32-bit addresses, S5/S6 record counts, S7/S8/S9 termination with the start
 * address. S4 is reserved.
 *
 * Written here rather than taken from npm: the registry has no maintained S-record reader (none with
 * recent releases that checks checksums and counts and reports the line at fault).
 */
import { UserError } from '../errors.js';
import { segmentsFromChunks, type Chunk } from './chunks.js';
import type { Image } from './image.js';
import { byteHex, eachRecord, parseHexBytes, sumOfBytes } from './text-records.js';

/** Address bytes of each record type (undefined: the type does not exist). */
const ADDRESS_BYTES: readonly (number | undefined)[] = [2, 2, 3, 4, undefined, 2, 3, 4, 3, 2];

/** True when the text looks like S-records ('S' and a digit first). */
export function isSrec(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  return bytes[i] === 0x53 && bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39;
}

/** Reads a Motorola S-record file. Bad input → UserError naming `file` and the line. */
export function parseSrec(text: string, file: string): Image {
  const chunks: Chunk[] = [];
  let dataRecords = 0;
  let entry: number | undefined;
  let terminated = false;
  const lastLine = eachRecord(text, file, (record, fail, line) => {
    if (terminated) fail('record after the termination record');
    if (record[0] !== 'S' && record[0] !== 's') fail(`bad record: does not start with 'S'`);
    const type = record.charCodeAt(1) - 0x30;
    const addressBytes = ADDRESS_BYTES[type] ?? fail(`unknown record type '${record.slice(0, 2)}'`);
    const bytes = parseHexBytes(record.slice(2), fail);
    if (bytes.length < 1 || bytes[0] !== bytes.length - 1) {
      fail(`bad record: byte count says ${bytes[0] ?? 0}, the record has ${Math.max(0, bytes.length - 1)} bytes after it`);
    }
    if (bytes.length < addressBytes + 2) fail(`bad record: too short for an S${type} record`);
    const sum = sumOfBytes(bytes.subarray(0, bytes.length - 1));
    const expected = ~sum & 0xff;
    const given = bytes[bytes.length - 1];
    if (expected !== given) fail(`checksum mismatch: the record says 0x${byteHex(given)}, its bytes give 0x${byteHex(expected)}`);
    let address = 0;
    for (let i = 0; i < addressBytes; i++) address = address * 256 + bytes[1 + i];
    const data = bytes.subarray(1 + addressBytes, bytes.length - 1);
    switch (type) {
      case 0:
        break; // header: free text, nothing to load
      case 1:
      case 2:
      case 3:
        if (address + data.length > 0x1_0000_0000) fail('data runs past the end of the 32-bit address space');
        chunks.push({ address, data: data.slice(), origin: `line ${line}` });
        dataRecords++;
        break;
      case 5:
      case 6:
        if (data.length !== 0) fail(`bad record: S${type} carries no data`);
        if (address !== dataRecords) fail(`record count says ${address} data records, the file has ${dataRecords} before it`);
        break;
      default: // 7, 8, 9
        if (data.length !== 0) fail(`bad record: S${type} carries no data`);
        entry = address;
        terminated = true;
    }
  });
  if (!terminated) throw new UserError(`${file}: line ${lastLine}: no termination record (S7, S8 or S9)`);
  const segments = segmentsFromChunks(file, chunks);
  return { file, format: 'srec', segments, sections: [], symbols: [], ...(entry !== undefined ? { entry } : {}) };
}
