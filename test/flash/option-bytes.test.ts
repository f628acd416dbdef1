import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import {
  borLevelName,
  decodeOptionBytes,
  encodeOptionBytes,
  factoryOptionBytes,
  optcrFromOptionBytes,
  optionBytesFromOptcr,
  protectedSectors,
  rdpByteFor,
  rdpLevel,
} from '../../src/flash/option-bytes.js';

test('the factory option bytes give OPTCR 0x0FFF_AAEC without OPTLOCK (reset value 0x0FFF_AAED)', () => {
  const ob = factoryOptionBytes(DEVICES.stm32f407);
  assert.deepEqual(ob, { rdp: 0xaa, nWrp: 0xfff, borLevel: 3, wdgSw: true, nRstStop: true, nRstStdby: true });
  assert.equal(optcrFromOptionBytes(ob), 0x0fff_aaec);
});

test('RDP levels: 0xAA is 0, 0xCC is 2, anything else is 1', () => {
  assert.equal(rdpLevel(0xaa), 0);
  assert.equal(rdpLevel(0xcc), 2);
  for (const v of [0x00, 0x55, 0xab, 0xff]) assert.equal(rdpLevel(v), 1);
  assert.deepEqual([0, 1, 2].map((l) => rdpByteFor(l as 0 | 1 | 2)), [0xaa, 0x55, 0xcc]);
});

test('the memory layout holds USER, RDP, their complements, and nWRP with its complement', () => {
  const ob = { rdp: 0x55, nWrp: 0xa5a, borLevel: 1, wdgSw: false, nRstStop: true, nRstStdby: false };
  const bytes = encodeOptionBytes(ob);
  assert.equal(bytes[0], 0x40 | 0x04 | 0x13);
  assert.equal(bytes[1], 0x55);
  assert.equal(bytes[2], ~bytes[0] & 0xff);
  assert.equal(bytes[3], 0xaa);
  assert.deepEqual([...bytes.subarray(8, 12)], [0x5a, 0xfa, 0xa5, 0x05]);
  assert.deepEqual([...bytes.subarray(4, 8)], [0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(decodeOptionBytes(bytes), ob);
});

test('OPTCR and the option bytes convert both ways; OPTLOCK/OPTSTRT and bit 4 are not option bytes', () => {
  const ob = optionBytesFromOptcr(0x0123_cc5f);
  assert.deepEqual(ob, { rdp: 0xcc, nWrp: 0x123, borLevel: 3, wdgSw: false, nRstStop: true, nRstStdby: false });
  assert.equal(optcrFromOptionBytes(ob), 0x0123_cc4c);
});

test('BOR levels and protected sectors read as words and lists', () => {
  assert.deepEqual([3, 2, 1, 0].map(borLevelName), ['off', 'level 1', 'level 2', 'level 3']);
  assert.deepEqual(protectedSectors({ ...factoryOptionBytes(DEVICES.stm32f407), nWrp: 0xffc }, 12), [0, 1]);
  assert.deepEqual(protectedSectors({ ...factoryOptionBytes(DEVICES.stm32f407), nWrp: 0x7ff }, 8), [], 'bits of absent sectors are ignored');
});
