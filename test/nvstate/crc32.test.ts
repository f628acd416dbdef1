import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from '../../src/nvstate/crc32.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32 of "123456789" is the IEEE check value 0xCBF43926', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf4_3926);
});

test('CRC-32 of nothing is 0 and of one zero byte is 0xD202EF8D', () => {
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(new Uint8Array(1)), 0xd202_ef8d);
});

test('a CRC computed in two pieces equals the CRC of the whole', () => {
  const data = ascii('The quick brown fox jumps over the lazy dog');
  assert.equal(crc32(data.subarray(10), crc32(data.subarray(0, 10))), crc32(data));
  assert.equal(crc32(data), 0x414f_a339);
});
