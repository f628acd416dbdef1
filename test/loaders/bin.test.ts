// Raw binary: placed at the base the user gives, refused without one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBinary } from '../../src/loaders/bin.js';
import { fixture, userError } from './fixtures.js';

describe('parseBinary', () => {
  test('places the whole file at the base address, with no entry or symbols', () => {
    const bytes = fixture('tiny.bin');
    const image = parseBinary(bytes, 'tiny.bin', 0x0800_4000);
    assert.equal(image.segments.length, 1);
    assert.equal(image.segments[0].address, 0x0800_4000);
    assert.deepEqual(image.segments[0].data, bytes);
    assert.equal(image.entry, undefined);
    assert.deepEqual(image.symbols, []);
    assert.equal(image.format, 'bin');
  });

  test('without a base address: one line asking for --base', () => {
    assert.throws(() => parseBinary(fixture('tiny.bin'), 'tiny.bin', undefined), userError(/^tiny\.bin: a raw binary holds no addresses: give its load address with --base/));
  });

  test('an empty file', () => {
    assert.throws(() => parseBinary(new Uint8Array(0), 'e.bin', 0x0800_0000), userError(/^e\.bin: offset 0x0: empty file/));
  });

  test('bytes running past 0xFFFF_FFFF', () => {
    assert.throws(() => parseBinary(new Uint8Array(8), 'x.bin', 0xffff_fffc), userError(/run past the end of the 32-bit address space/));
  });
});
