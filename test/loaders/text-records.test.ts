// Lines and hex digits shared by the Intel HEX and S-record readers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { byteHex, eachRecord, parseHexBytes, splitLines, sumOfBytes } from '../../src/loaders/text-records.js';
import { userError } from './fixtures.js';

describe('text records', () => {
  test('splitLines numbers non-blank lines from 1, CRLF or LF', () => {
    assert.deepEqual([...splitLines('a\r\n\r\nb\n  \nc')], [{ line: 1, text: 'a' }, { line: 3, text: 'b' }, { line: 5, text: 'c' }]);
  });

  test('eachRecord fails with the file and the line of the record', () => {
    assert.throws(() => eachRecord('ok\n\nbad', 'f.srec', (r, fail) => (r === 'bad' ? fail('no') : undefined)), userError(/^f\.srec: line 3: no$/));
    assert.equal(eachRecord('a\nb\n\n', 'f', () => {}), 2);
  });

  test('parseHexBytes reads pairs of digits and rejects anything else', () => {
    const fail = (m: string): never => {
      throw new Error(m);
    };
    assert.deepEqual([...parseHexBytes('00fF7a', fail)], [0, 255, 0x7a]);
    assert.throws(() => parseHexBytes('abc', fail), /odd number of hex digits/);
    assert.throws(() => parseHexBytes('0g', fail), /not a hex digit: 'g'/);
  });

  test('byteHex and sumOfBytes', () => {
    assert.equal(byteHex(10), '0A');
    assert.equal(sumOfBytes(new Uint8Array([0xff, 2])), 0x101);
  });
});
