import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICES } from '../../src/device/stm32f407.js';
import { isErased, sectorIndexAt, sectorsSpanned } from '../../src/flash/sectors.js';

const F407 = DEVICES.stm32f407;

test('a range maps to every sector it overlaps', () => {
  assert.deepEqual(sectorsSpanned(F407, 0x0800_0000, 1).map((s) => s.index), [0]);
  assert.deepEqual(sectorsSpanned(F407, 0x0800_3fff, 2).map((s) => s.index), [0, 1]);
  assert.deepEqual(sectorsSpanned(F407, 0x0800_c000, 0x1_4001).map((s) => s.index), [3, 4, 5]);
  assert.deepEqual(sectorsSpanned(F407, 0x0800_0000, 0), []);
});

test('an address maps to its sector index, or -1 outside flash', () => {
  assert.equal(sectorIndexAt(F407, 0x080e_0000), 11);
  assert.equal(sectorIndexAt(DEVICES.stm32f407ve, 0x0808_0000), -1);
  assert.equal(sectorIndexAt(F407, 0x2000_0000), -1);
});

test('erased means every byte is 0xFF', () => {
  assert.equal(isErased(new Uint8Array(8).fill(0xff)), true);
  const b = new Uint8Array(8).fill(0xff);
  b[7] = 0xfe;
  assert.equal(isErased(b), false);
});
