// Intel HEX reader: objcopy's output of the fixture, hand-written records of every type, and bad files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isIntelHex, parseIntelHex } from '../../src/loaders/ihex.js';
import { fixture, fixtureText, userError } from './fixtures.js';

/** Builds a record with its checksum: type, 16-bit offset, data bytes. */
function record(type: number, offset: number, data: number[]): string {
  const bytes = [data.length, offset >> 8, offset & 0xff, type, ...data];
  const sum = bytes.reduce((a, b) => a + b, 0);
  return ':' + [...bytes, -sum & 0xff].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}
const EOF_RECORD = ':00000001FF';

describe('parseIntelHex: good files', () => {
  test('objcopy output: one segment equal to the raw binary, entry from the start linear address record (05)', () => {
    const image = parseIntelHex(fixtureText('tiny.hex'), 'tiny.hex');
    assert.equal(image.segments.length, 1);
    assert.equal(image.segments[0].address, 0x0800_0000);
    assert.deepEqual(image.segments[0].data, fixture('tiny.bin'));
    assert.equal(image.entry, 0x0800_0043);
    assert.equal(image.format, 'ihex');
  });

  test('extended linear address (04) sets the upper 16 bits', () => {
    const image = parseIntelHex([record(4, 0, [0x20, 0x00]), record(0, 0x0100, [1, 2, 3]), EOF_RECORD].join('\n'), 'a.hex');
    assert.equal(image.segments[0].address, 0x2000_0100);
    assert.deepEqual([...image.segments[0].data], [1, 2, 3]);
  });

  test('extended segment address (02) adds segment × 16, and data wraps inside the 64 KB segment', () => {
    const image = parseIntelHex([record(2, 0, [0x10, 0x00]), record(0, 0xfffe, [1, 2, 3, 4]), EOF_RECORD].join('\r\n'), 'a.hex');
    assert.deepEqual(
      image.segments.map((s) => [s.address, [...s.data]]),
      [[0x1_0000, [3, 4]], [0x1_fffe, [1, 2]]],
    );
  });

  test('start segment address (03) gives the entry CS × 16 + IP', () => {
    const image = parseIntelHex([record(0, 0, [0]), record(3, 0, [0x12, 0x34, 0x00, 0x10]), EOF_RECORD].join('\n'), 'a.hex');
    assert.equal(image.entry, 0x12340 + 0x10);
  });

  test('contiguous records join into one segment, gaps start a new one', () => {
    const image = parseIntelHex([record(0, 0, [1, 2]), record(0, 2, [3]), record(0, 0x10, [4]), EOF_RECORD].join('\n'), 'a.hex');
    assert.deepEqual(image.segments.map((s) => [s.address, s.data.length]), [[0, 3], [0x10, 1]]);
  });

  test('blank lines and lower-case digits are accepted', () => {
    const text = '\n' + record(0, 0, [0xab]).toLowerCase() + '\n\n' + EOF_RECORD + '\n';
    assert.equal(parseIntelHex(text, 'a.hex').segments[0].data[0], 0xab);
  });

  test('isIntelHex looks at the first non-blank character', () => {
    assert.equal(isIntelHex(new TextEncoder().encode('  \n:00000001FF')), true);
    assert.equal(isIntelHex(new TextEncoder().encode('S00600004844521B')), false);
  });
});

describe('parseIntelHex: bad files give one line naming the file and the line', () => {
  const lines = fixtureText('tiny.hex').split('\n');

  test('checksum mismatch names the line and both values', () => {
    const bad = [...lines];
    bad[2] = bad[2].trimEnd().slice(0, -2) + '00';
    assert.throws(() => parseIntelHex(bad.join('\n'), 't.hex'), userError(/^t\.hex: line 3: checksum mismatch: the record says 0x00, its bytes give 0x05$/));
  });

  test('a record not starting with a colon', () => {
    assert.throws(() => parseIntelHex(['garbage', EOF_RECORD].join('\n'), 't.hex'), userError(/^t\.hex: line 1: bad record: does not start with ':'/));
  });

  test('a byte count that disagrees with the record length', () => {
    assert.throws(() => parseIntelHex([':0500000001FA', EOF_RECORD].join('\n'), 't.hex'), userError(/^t\.hex: line 1: bad record: byte count says 5 data bytes, the record has 1/));
  });

  test('non-hex characters and odd digit counts', () => {
    assert.throws(() => parseIntelHex([':01000000ZZ00', EOF_RECORD].join('\n'), 't.hex'), userError(/line 1: bad record: not a hex digit: 'Z'/));
    assert.throws(() => parseIntelHex([':0100000000F', EOF_RECORD].join('\n'), 't.hex'), userError(/line 1: bad record: odd number of hex digits/));
  });

  test('an unknown record type', () => {
    assert.throws(() => parseIntelHex([record(6, 0, []), EOF_RECORD].join('\n'), 't.hex'), userError(/^t\.hex: line 1: unknown record type 0x06/));
  });

  test('an extended address record with the wrong length', () => {
    assert.throws(() => parseIntelHex([record(4, 0, [0x08]), EOF_RECORD].join('\n'), 't.hex'), userError(/line 1: bad record: type 0x04 needs 2 data bytes, has 1/));
  });

  test('a missing end-of-file record (truncated file)', () => {
    assert.throws(() => parseIntelHex(lines.slice(0, 5).join('\n'), 't.hex'), userError(/^t\.hex: line 5: no end-of-file record/));
  });

  test('data past the end of the 32-bit address space (linear addressing)', () => {
    const text = [record(0x04, 0, [0xff, 0xff]), record(0x00, 0xfff8, new Array(16).fill(0)), EOF_RECORD].join('\n');
    assert.throws(() => parseIntelHex(text, 'top.hex'), userError(/^top\.hex: line 2: data runs past the end of the 32-bit address space$/));
  });

  test('records after the end-of-file record', () => {
    assert.throws(() => parseIntelHex([EOF_RECORD, record(0, 0, [1])].join('\n'), 't.hex'), userError(/line 2: record after the end-of-file record/));
  });

  test('two records giving the same bytes name both lines and addresses', () => {
    const text = [record(4, 0, [0x08, 0x00]), record(0, 0x10, [1, 2, 3, 4]), record(0, 0x12, [5]), EOF_RECORD].join('\n');
    assert.throws(() => parseIntelHex(text, 't.hex'), userError(/^t\.hex: line 3: data at 0x08000012-0x08000012 overlaps line 2 at 0x08000010-0x08000013$/));
  });
});
