// Motorola S-record reader: objcopy's output of the fixture, every record type, and bad files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSrec, parseSrec } from '../../src/loaders/srec.js';
import { fixture, fixtureText, userError } from './fixtures.js';

/** Builds an S-record with its count and checksum. */
function record(type: number, address: number, addressBytes: number, data: number[] = []): string {
  const addr = Array.from({ length: addressBytes }, (_, i) => (address >>> (8 * (addressBytes - 1 - i))) & 0xff);
  const body = [addr.length + data.length + 1, ...addr, ...data];
  const sum = body.reduce((a, b) => a + b, 0);
  return `S${type}` + [...body, ~sum & 0xff].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

describe('parseSrec: good files', () => {
  test('objcopy output (S0, S3, S7): one segment equal to the raw binary, entry from S7', () => {
    const image = parseSrec(fixtureText('tiny.srec'), 'tiny.srec');
    assert.equal(image.segments.length, 1);
    assert.equal(image.segments[0].address, 0x0800_0000);
    assert.deepEqual(image.segments[0].data, fixture('tiny.bin'));
    assert.equal(image.entry, 0x0800_0043);
    assert.equal(image.format, 'srec');
  });

  test('S1 (16-bit) and S2 (24-bit) addresses, S5 count, S9 entry', () => {
    const text = [record(0, 0, 2, [0x48, 0x44, 0x52]), record(1, 0x1234, 2, [1, 2]), record(2, 0x12_3456, 3, [3]), record(5, 2, 2), record(9, 0x0100, 2)].join('\n');
    const image = parseSrec(text, 'a.s19');
    assert.deepEqual(image.segments.map((s) => [s.address, [...s.data]]), [[0x1234, [1, 2]], [0x12_3456, [3]]]);
    assert.equal(image.entry, 0x0100);
  });

  test('S6 (24-bit count) and S8 (24-bit entry)', () => {
    const image = parseSrec([record(3, 0x2000_0000, 4, [9]), record(6, 1, 3), record(8, 0x08_0001, 3)].join('\n'), 'a.s28');
    assert.equal(image.entry, 0x08_0001);
    assert.equal(image.segments[0].address, 0x2000_0000);
  });

  test('isSrec looks for S and a digit first', () => {
    assert.equal(isSrec(new TextEncoder().encode('\nS0030000FC')), true);
    assert.equal(isSrec(new TextEncoder().encode('Sx')), false);
  });
});

describe('parseSrec: bad files give one line naming the file and the line', () => {
  const lines = fixtureText('tiny.srec').split('\n');

  test('checksum mismatch', () => {
    const bad = [...lines];
    bad[1] = bad[1].trimEnd().slice(0, -2) + '00';
    assert.throws(() => parseSrec(bad.join('\n'), 't.srec'), userError(/^t\.srec: line 2: checksum mismatch: the record says 0x00, its bytes give 0xE3$/));
  });

  test('a byte count that disagrees with the record length', () => {
    const bad = [...lines];
    bad[1] = 'S316' + bad[1].slice(4);
    assert.throws(() => parseSrec(bad.join('\n'), 't.srec'), userError(/^t\.srec: line 2: bad record: byte count says 22, the record has 21 bytes after it/));
  });

  test('the reserved S4 type and unknown types', () => {
    assert.throws(() => parseSrec('S4030000FC\n', 't.srec'), userError(/line 1: unknown record type 'S4'/));
    assert.throws(() => parseSrec('SA030000FC\n', 't.srec'), userError(/line 1: unknown record type 'SA'/));
  });

  test('a line not starting with S', () => {
    assert.throws(() => parseSrec('X0030000FC\n', 't.srec'), userError(/line 1: bad record: does not start with 'S'/));
  });

  test('a record count that does not match the data records', () => {
    assert.throws(() => parseSrec([record(1, 0, 2, [1]), record(5, 3, 2), record(9, 0, 2)].join('\n'), 't.srec'), userError(/line 2: record count says 3 data records, the file has 1 before it/));
  });

  test('a missing termination record (truncated file)', () => {
    assert.throws(() => parseSrec(lines.slice(0, 4).join('\n'), 't.srec'), userError(/^t\.srec: line 4: no termination record/));
  });

  test('records after the termination record', () => {
    assert.throws(() => parseSrec([record(9, 0, 2), record(1, 0, 2, [1])].join('\n'), 't.srec'), userError(/line 2: record after the termination record/));
  });

  test('overlapping data records name both lines', () => {
    const text = [record(3, 0x0800_0000, 4, [1, 2, 3, 4]), record(3, 0x0800_0003, 4, [5]), record(7, 0, 4)].join('\n');
    assert.throws(() => parseSrec(text, 't.srec'), userError(/^t\.srec: line 2: data at 0x08000003-0x08000003 overlaps line 1 at 0x08000000-0x08000003$/));
  });
});
