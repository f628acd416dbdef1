// Format choice: explicit, by content (magic), by extension; --base only for raw binaries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectFormat, parseImage } from '../../src/loaders/load.js';
import { fixture, userError } from './fixtures.js';

describe('parseImage / detectFormat', () => {
  test('recognises ELF, Intel HEX and S-records by content whatever the file is called', () => {
    assert.equal(detectFormat(fixture('tiny.elf'), 'firmware'), 'elf');
    assert.equal(detectFormat(fixture('tiny.hex'), 'firmware.txt'), 'ihex');
    assert.equal(detectFormat(fixture('tiny.srec'), 'firmware.dat'), 'srec');
  });

  test('.bin is raw even when its bytes look like something else', () => {
    assert.equal(detectFormat(fixture('tiny.elf'), 'x.bin'), 'bin');
  });

  test('an explicit format wins', () => {
    assert.equal(detectFormat(fixture('tiny.hex'), 'x.hex', { format: 'bin' }), 'bin');
  });

  test('a file with a known extension but wrong content gets that format reader\'s error', () => {
    assert.throws(() => parseImage(new TextEncoder().encode('hello'), 'x.elf'), userError(/^x\.elf: offset 0x0: bad magic/));
    assert.throws(() => parseImage(new TextEncoder().encode('hello\n'), 'x.hex'), userError(/^x\.hex: line 1: bad record/));
  });

  test('unknown content without --base is refused, with --base it is raw', () => {
    assert.throws(() => parseImage(new Uint8Array([1, 2, 3]), 'blob'), userError(/^blob: offset 0x0: not an ELF, Intel HEX or S-record file/));
    assert.equal(parseImage(new Uint8Array([1, 2, 3]), 'blob', { base: 0x2000_0000 }).segments[0].address, 0x2000_0000);
  });

  test('an empty file is refused naming offset 0, whatever its name says', () => {
    for (const name of ['e.elf', 'e.hex', 'e.srec', 'e.bin', 'e']) {
      assert.throws(() => parseImage(new Uint8Array(0), name, name === 'e.bin' ? { base: 0x0800_0000 } : {}), userError(new RegExp(`^${name.replace('.', '\\.')}: offset 0x0: empty file, nothing to load$`)));
    }
  });

  test('a text image of blank lines, or of only end records, loads nothing and is refused', () => {
    assert.throws(() => parseImage(new TextEncoder().encode('\r\n\n'), 'b.hex'), userError(/^b\.hex: line 1: only blank lines, nothing to load$/));
    assert.throws(() => parseImage(new TextEncoder().encode(':00000001FF\n'), 'eof.hex'), userError(/^eof\.hex: no data records: nothing to load$/));
    assert.throws(() => parseImage(new TextEncoder().encode('S70508000000F2\n'), 'end.srec'), userError(/^end\.srec: no data records: nothing to load$/));
  });

  test('--base with a format that carries addresses is refused', () => {
    assert.throws(() => parseImage(fixture('tiny.elf'), 't.elf', { base: 0x0800_0000 }), userError(/^t\.elf: --base applies to raw binaries only; this is an ELF file/));
  });

  test('every format of the same program gives the same flash bytes', () => {
    const flat = (name: string, base?: number): number[] => {
      const image = parseImage(fixture(name), name, { base });
      const out: number[] = [];
      for (const s of image.segments) out.push(...s.data);
      return out;
    };
    const bin = flat('tiny.bin', 0x0800_0000);
    assert.deepEqual(flat('tiny.elf'), bin);
    assert.deepEqual(flat('tiny.hex'), bin);
    assert.deepEqual(flat('tiny.srec'), bin);
  });
});
